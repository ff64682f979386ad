"""The assistant's vocabulary: what the answer stages pass on and what the command line, the
chat page and the evals receive."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from foundation.sections import cited_section

AnswerMode = Literal["extractive", "llm"]
# Joins the non-adjacent stretches of passage text that one citation quotes.
QUOTE_GAP = " … "
# The honest answer when the documents do not cover the question (both answer modes).
ABSTAIN_TEXT = "Dit staat niet in de documenten die ik ken."


@dataclass(frozen=True)
class EarlierTurn:
    """What an earlier turn of the conversation lends a follow-up (stages/context.py): the
    question as typed, the text its search read (its own words plus the context it took
    itself, so a topic carries through a chain), that context's labels, and the passages its
    answer cited (where the conversation is in the documents)."""

    question: str
    query: str
    context: tuple[str, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class FollowupSignals:
    """How a follow-up brings the conversation into retrieval without rewriting the user's
    sentence (stages/context.py builds it, stages/retrieve.py reads it).

    kind: "lean" (pronoun or ellipsis), "more" ("vertel meer") or "swap" (the same question
    about a new subject, "En in Glanerbrug?"). previous: the earlier turn's query, whose
    vector is mixed into the dense query; terms: stemmed words of earlier questions and cited
    sentences, added to BM25 with a lower weight; near_sections / near_docs / next_chunks:
    where the previous answer was, for the locality prior.
    """

    kind: str
    previous: str
    terms: tuple[str, ...] = ()
    near_sections: tuple[tuple[str, str], ...] = ()
    near_docs: tuple[str, ...] = ()
    next_chunks: tuple[str, ...] = ()


SlotKind = Literal[
    "count",
    "duration",
    "frequency",
    "date",
    "percentage",
    "phone",
    "person",
    "age",
    "amount",
    "place",
    "members",
    "abbreviation",
    "acronym",
    "chair",
    "funding",
]


@dataclass(frozen=True)
class Slot:
    """The detail a question asks for (stages/answer_slot.py); noun: what a count counts."""

    kind: SlotKind
    noun: str | None = None


@dataclass(frozen=True)
class Question:
    """A question as the stages after `understand` see it.

    text: what the user typed, cleaned; query: what is searched and answered: text itself,
    or for a follow-up text followed by the context labels (a bag of words for retrieval,
    the reranker and the answer's scoring, never shown as a sentence). The kind of answer it
    wants, read from the wording (stages/question_type.py): a list, a number, or what a
    named subject is. context: the labels shown as "met context: …"; signals: what retrieval
    adds for a follow-up (None for a question that stands on its own).
    """

    text: str
    query: str
    is_list: bool = False
    asks_number: bool = False
    asks_amount: bool = False
    definition_subject: str | None = None
    asks_when: bool = False
    asks_who: bool = False
    asks_why: bool = False
    parts: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    signals: FollowupSignals | None = None
    slot: Slot | None = None


@dataclass
class Passage:
    """A retrieved chunk with its full citation and how it was found.

    rank and score: 1-based position and ranking score, from retrieval (the reciprocal rank
    fusion score) until the reranker sets its own; dense_rank/bm25_rank are 1-based ranks in
    each retrieval list, None when the passage was not in that list; dense_score its cosine
    to the question, bm25_score its BM25 score (None when BM25 did not find it);
    section_intro: it opens the section a "Wat is X?" question names.
    section is the heading path (what retrieval and reranking read); part_spans name the
    parts of text outside any section ("brief, aanhef"), which only citations read.
    """

    chunk_id: str
    doc_id: str
    title: str
    publisher: str
    date: str
    page: int | None
    section: str
    text: str
    chunk_index: int
    start: int
    end: int
    score: float = 0.0
    rank: int = 0
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    section_intro: bool = False
    # the learned reranker's feature row of this passage (stages/rerank_features.py), read
    # again by the learned abstention; empty under the fused order
    rerank_features: list[float] = field(default_factory=list)
    section_spans: list[tuple[int, str]] = field(default_factory=list)
    part_spans: list[tuple[int, str]] = field(default_factory=list)

    def section_at(self, offset: int) -> str:
        """The section of the text at a character offset (chunks may span short sections)."""
        found = self.section
        for start, section in self.section_spans:
            if start <= offset:
                found = section
        return found

    def part_at(self, offset: int) -> str:
        """The named part of the document at a character offset; "" inside a section."""
        found = ""
        for start, part in self.part_spans:
            if start <= offset:
                found = part
        return found

    @property
    def part(self) -> str:
        """The named part where the passage begins, for text outside any section."""
        return self.part_at(0)

    def to_search_json(self) -> dict[str, Any]:
        """The `vraagbaak search --json` shape (contract: docs/ARCHITECTURE.md); section is
        the cited section, never empty for ingested text."""
        return {
            "rank": self.rank,
            "doc_id": self.doc_id,
            "title": self.title,
            "page": self.page,
            "section": cited_section(self.section, self.part),
            "text": self.text,
            "score": round(self.score, 6),
        }


@dataclass
class Citation:
    """One numbered source of an answer: [n] in the text points here.

    section is the heading path of the quoted sentence; part names the part of the document
    when the sentence stands outside any section ("brief, aanhef"). Show them through
    foundation.sections (location, cited_section), never one without the other.
    """

    n: int
    doc_id: str
    title: str
    publisher: str
    date: str
    page: int | None
    section: str
    quote: str
    text: str
    chunk_id: str = ""
    part: str = ""

    @classmethod
    def from_passage(cls, n: int, passage: Passage, quote: str) -> Citation:
        """The citation names the section (or part) of the quoted sentence itself, not just
        the chunk's first one (a chunk may hold several short sections, or a letter's
        salutation and the introduction after it)."""
        section, part = passage.section, passage.part
        if (passage.section_spans or passage.part_spans) and quote:
            at = passage.text.find(quote[:60])
            if at >= 0:
                section, part = passage.section_at(at), passage.part_at(at)
        return cls(
            n=n,
            doc_id=passage.doc_id,
            title=passage.title,
            publisher=passage.publisher,
            date=passage.date,
            page=passage.page,
            section=section,
            quote=quote,
            text=passage.text,
            chunk_id=passage.chunk_id,
            part=part,
        )

    def to_json(self) -> dict[str, Any]:
        """One citation of `vraagbaak ask --json`; section is the cited section."""
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "page": self.page,
            "section": cited_section(self.section, self.part),
            "quote": self.quote,
            "text": self.text,
        }


@dataclass
class Answer:
    """A complete answer. abstained=True means the documents do not answer the question;
    notices carry things the user must know (LLM fallback, removed citations).

    alternatives: passages that may answer as well when the reranker was not sure of its first
    choice ("Ook relevant"), each with its best sentence; apart from the answer and not in
    its [n] markers. confidence: the extractive relevance signal the abstention threshold is
    applied to (None in LLM mode). withheld: the citations an abstained extractive answer
    would have had, kept for the eval's risk-coverage table, never shown.
    """

    question: str
    text: str
    citations: list[Citation]
    mode: AnswerMode
    abstained: bool
    standalone_question: str = ""
    # the labels of what a follow-up took from the conversation ("met context: …"), and the
    # text its search read (internal: the next follow-up builds on it)
    context: list[str] = field(default_factory=list)
    search_query: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    flagged: bool = False
    alternatives: list[Citation] = field(default_factory=list)
    confidence: float | None = None
    withheld: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `vraagbaak ask --json` shape (contract: docs/ARCHITECTURE.md)."""
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "mode": self.mode,
            "citations": [c.to_json() for c in self.citations],
            "alternatives": [c.to_json() for c in self.alternatives],
            "question": self.question,
            # a follow-up searched with context has no standalone sentence: null, never a
            # rewritten one; "context" says what the conversation added
            "standalone_question": None if self.context else (self.standalone_question or None),
            "context": list(self.context),
            "notices": list(self.notices),
            "flagged": self.flagged,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
