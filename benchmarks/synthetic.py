"""A synthetic corpus N times the bundled one, and a way to index it without N× the embedding.

Why recombine real paragraphs: search cost depends on how many chunks there are and on how
realistic their words and vectors are (BM25 posting lists, HNSW neighbourhoods). Random text
would make BM25 unrealistically cheap and exact copies would make HNSW degenerate, so every
synthetic document is made of the *cleaned* paragraphs of several real documents, section by
section, with the paragraphs of each section shuffled: chunk texts are new, words are real.

Why derived vectors: e5 embeds ~6 passages/s here, so embedding a 100× corpus takes hours.
`DerivedEmbeddings` replaces only the passage-model call during the 100× ingest: a synthetic
chunk's vector is the length-weighted mean of the real e5 vectors of the chunks its sentences
come from (plus a little deterministic noise so no two vectors coincide), normalised. All
the rest of the pipeline (parsing, cleaning, chunking, embedding-cache look-ups, Chroma
writes, live-state switch, BM25 build) runs as it does for real. Query vectors stay real e5.
The 100× ingest time therefore *excludes* embedding; `benchmarks.run` reports the embedding
cost separately as chunks ÷ measured passages-per-second.

Run alone: `python -m benchmarks.synthetic write OUT_DIR --scale 100 --seed 7`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import foundation  # noqa: F401  (offline defaults before chromadb is imported)
from foundation.sections import path_tail
from foundation.sentences import split_sentences
from ingest.embedders import Embedder
from ingest.loaders import load_pages
from ingest.manifest import load_manifest
from ingest.models import Block
from ingest.structure import parse_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DOCS_PER_SCALE = 5  # the bundled corpus has five documents


@dataclass(frozen=True)
class Section:
    """The paragraphs (and list items) under one heading of a real document."""

    doc_id: str
    heading: str
    paragraphs: tuple[str, ...]

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.paragraphs)


def real_sections(corpus_dir: Path = CORPUS) -> tuple[list[Section], list[int]]:
    """Sections of the cleaned real documents, and each document's clean size in characters
    (the synthetic documents take their sizes from these)."""
    manifest = load_manifest(corpus_dir)
    sections: list[Section] = []
    sizes: list[int] = []
    for doc in manifest.documents:
        blocks = parse_document(load_pages(doc.path), doc.kind)
        sizes.append(sum(len(b.text) for b in blocks if b.kind != "heading"))
        sections.extend(_group_sections(doc.id, blocks))
    return sections, sizes


def _group_sections(doc_id: str, blocks: list[Block]) -> list[Section]:
    groups: dict[str, list[str]] = {}
    for block in blocks:
        if block.kind == "heading":
            continue
        groups.setdefault(block.section, []).append(block.text)
    out = []
    for path, paragraphs in groups.items():
        heading = path_tail(path, 1) if path else "Inleiding"
        out.append(Section(doc_id, heading, tuple(paragraphs)))
    return out


def write_corpus(out_dir: Path, scale: int, seed: int = 7, source: Path = CORPUS) -> list[str]:
    """Write `scale × 5` markdown documents and their manifest.toml; returns the doc ids.

    Deterministic for a given seed and source corpus."""
    rng = random.Random(seed)
    sections, sizes = real_sections(source)
    by_doc: dict[str, list[Section]] = {}
    for s in sections:
        by_doc.setdefault(s.doc_id, []).append(s)
    sources = sorted(by_doc)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = ["# Synthetic corpus: real paragraphs recombined (benchmarks/synthetic.py).\n"]
    ids = []
    for n in range(scale * DOCS_PER_SCALE):
        doc_id = f"syn-{n:04d}"
        target = rng.choice(sizes)
        picked = rng.sample(sources, k=min(3, len(sources)))
        lines = [f"# Synthetisch document {n} ({', '.join(picked)})", ""]
        written = 0
        pool = [s for d in picked for s in by_doc[d]]
        while written < target:
            section = rng.choice(pool)
            paragraphs = list(section.paragraphs)
            rng.shuffle(paragraphs)
            lines += [f"## {section.heading}", ""]
            for p in paragraphs:
                lines += [p, ""]
                written += len(p)
        (out_dir / f"{doc_id}.md").write_text("\n".join(lines), encoding="utf-8")
        manifest.append(
            f'[[document]]\nid = "{doc_id}"\nfile = "{doc_id}.md"\n'
            f'title = "Synthetisch document {n}"\npublisher = "Vraagbaak benchmark"\n'
            f'date = "2025"\nkind = "markdown"\n'
        )
        ids.append(doc_id)
    (out_dir / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return ids


def _sentence_key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.lower()).strip()


class DerivedEmbeddings(Embedder):
    """Passage vectors derived from real e5 vectors (see the module docstring); query
    vectors delegate to the real model. Only for benchmarking scale, never for answers."""

    def __init__(self, real: Any, chunk_texts: list[str], chunk_vectors: np.ndarray) -> None:
        self._real = real
        self.dim: int = int(real.dim)
        self.name = getattr(real, "name", "derived")
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = {}
        for text, vec in zip(chunk_texts, chunk_vectors, strict=True):
            for sentence in split_sentences(text):
                key = _sentence_key(sentence)
                if key:
                    sums[key] = sums.get(key, 0.0) + vec
                    counts[key] = counts.get(key, 0) + 1
        self._by_sentence = {k: v / counts[k] for k, v in sums.items()}
        self._fallback = np.asarray(chunk_vectors, dtype=np.float32)
        self.derived = 0
        self.unmatched = 0

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            rng = np.random.default_rng(seed)
            acc = np.zeros(self.dim, dtype=np.float64)
            for sentence in split_sentences(text):
                vec = self._by_sentence.get(_sentence_key(sentence))
                if vec is not None:
                    acc += len(sentence) * vec
            if not acc.any():
                self.unmatched += 1
                acc = self._fallback[rng.integers(len(self._fallback))].astype(np.float64)
            acc /= np.linalg.norm(acc)
            acc += rng.normal(0.0, 0.01, self.dim)  # no two synthetic vectors coincide
            out[i] = acc / np.linalg.norm(acc)
            self.derived += 1
        return out

    def query_vector(self, text: str) -> np.ndarray:
        return self._real.query_vector(text)


def real_chunk_vectors(settings: Any) -> tuple[list[str], np.ndarray]:
    """Texts and e5 vectors of the live chunks of a real index (the bundled corpus)."""
    from ingest.index import IndexReader

    reader = IndexReader(settings)
    ids = list(reader.chunks)
    got = reader._collection.get(ids=ids, include=["embeddings", "documents"])
    return list(got["documents"] or []), np.asarray(got["embeddings"], dtype=np.float32)


def ingest_derived(settings: Any, vectors_from: Any) -> dict[str, Any]:
    """Run the real ingest of settings.corpus_dir with the passage model replaced by
    DerivedEmbeddings built from the real index `vectors_from`."""
    from ingest.embedders import get_embeddings
    from ingest.pipeline import run_ingest

    texts, vectors = real_chunk_vectors(vectors_from)
    derived = DerivedEmbeddings(get_embeddings(settings.embedding), texts, vectors)
    report = run_ingest(settings, embedder=derived)
    out = report.to_json()
    out["derived_vectors"] = derived.derived
    out["unmatched_chunks"] = derived.unmatched
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write a synthetic corpus folder")
    w.add_argument("out", type=Path)
    w.add_argument("--scale", type=int, default=100)
    w.add_argument("--seed", type=int, default=7)
    g = sub.add_parser("ingest", help="ingest a corpus with derived vectors (benchmark only)")
    g.add_argument("--home", type=Path, required=True)
    g.add_argument("--corpus", type=Path, required=True)
    g.add_argument("--vectors-from", type=Path, required=True, help="data dir of a real index")
    args = parser.parse_args(argv)
    if args.command == "write":
        ids = write_corpus(args.out, args.scale, args.seed)
        print(json.dumps({"documents": len(ids), "folder": str(args.out)}))
        return 0
    from foundation.settings import Settings

    settings = Settings.from_env(home=args.home, corpus_dir=args.corpus)
    source = Settings.from_env(home=args.vectors_from, corpus_dir=CORPUS)
    print(json.dumps(ingest_derived(settings, source)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
