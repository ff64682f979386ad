"""The extractive answerer (the default, offline mode): evidence → relevance → composition.

It quotes whole sentences of one passage, each followed by [n] pointing to its source, or
abstains when the evidence does not answer the question. Two readings of the evidence, because
they answer two questions:

- *Is the question answered at all?* The sentences of all top passages are scored and the
  abstention model (stages/abstention.py) reads them: a strong match anywhere counts.
- *What does the answer say?* Only the reranker's first passage is quoted, and its sentences
  get the whole embedding budget. On held-out halves of the Q&A set (evals/CALIBRATION.md)
  this cites a gold passage more often than picking the best sentence among six passages
  (0.792 against 0.764 of answerable questions) and quotes the gold sentence itself far more
  often (0.760 against 0.670): spread over six passages, the budget rarely reached the
  sentence that answers. Other likely passages are shown apart ("Ook relevant",
  stages/alternatives.py) rather than mixed into the answer.

A list cut off after its lead-in is continued (stages/list_items.py). Built once per
assistant: it keeps the sentence vectors it computed, since follow-ups and repeated questions
reuse passages.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from assistant.stages.abstention import Abstention, SignalThreshold
from assistant.stages.alternatives import REFUSAL_NOTICE, refusal_alternatives
from assistant.stages.answer_slot import (
    Slot,
    any_gives,
    best_giving,
    gives,
    missing_notice,
    refuses_without,
    shown_in_heading,
)
from assistant.stages.answerer import (
    ANSWER_PASSAGES,
    AnswerRequest,
    TermWeight,
    TokenSink,
    stream_words,
)
from assistant.stages.candidates import Sentence, candidates
from assistant.stages.compose import (
    MAX_SENTENCES,
    abstain,
    compose,
    order,
    select,
    sentence_key,
    with_stated_reason,
)
from assistant.stages.evidence import SentenceEmbedder, SentenceVectors, score_sentences
from assistant.stages.list_items import (
    continue_lists,
    focus_on_list,
    lead_names,
    with_leads,
    without_orphan_items,
)
from assistant.stages.named_law import missing_law_notice, unnamed_laws
from assistant.stages.named_place import missing_place_notice, unnamed_places
from assistant.stages.named_subject import (
    is_abbreviation,
    missing_subject_notice,
    names_subject,
    subject_word,
)
from assistant.stages.previous_chunk import with_previous_sentence, without_dangling_opening
from assistant.stages.proper_names import NameVocabulary, missing_name_notice, unnamed_names
from assistant.stages.question_type import list_noun
from assistant.stages.relevance import relevance
from assistant.types import Answer, AnswerMode, Passage, Question
from foundation.sections import chapter

# Passages an answer quotes, best reranked first.
QUOTED_PASSAGES = 1
# A question's asked detail (a number, a date, a name) missing from the first passage may be
# quoted from another top passage whose sentence scores this close to the best sentence.
SLOT_SWITCH_MARGIN = 0.05
# A follow-up is searched and scored with the earlier turn's words beside its own, so the
# earlier answer's sentences score higher than the detail now asked ("Wanneer is dat gestart?"
# after "Wat maakt Knock and talk succesvol?": 0.94 against 1.02). 0.10 changed no figure in
# the session-8 sweep of SLOT_SWITCH_MARGIN (evals/CALIBRATION.md).
FOLLOWUP_SLOT_SWITCH_MARGIN = 0.10
# The asked detail may come from the next or previous chunk of the quoted passage's own
# section, or from a top passage under the same outermost heading (one case of the
# inspiratieboek: "Wie betaalt de aanpak in Schiedam-Nieuwland?" is answered in its "Verloop
# en resultaten", not in the "Ontstaan" quoted first), when its sentence scores this close to
# the best: the same section carries the same topic, so a weaker match than
# SLOT_SWITCH_MARGIN's is trusted. Set a priori (evals/CALIBRATION.md, sessions 17-18): for
# the next or previous chunk it changed no in-sample figure; for the same chapter it gained 3
# gold citations in-sample and answered no more `none` questions.
SECTION_SLOT_MARGIN = 0.15
# A list question whose first passage holds no list may be answered by the list of another top
# passage whose lead names what is asked ("Gekozen is voor de volgende thema's:" for "Welke
# thema's …") when its items score this close to the best sentence.
LIST_SWITCH_MARGIN = 0.10


def _chapter(passage: Passage) -> tuple[str, str]:
    return passage.doc_id, chapter(passage.section)


def _all_given(scored: list[Sentence], given: Collection[str]) -> bool:
    """Every sentence was quoted earlier in the conversation (never true without one): a
    "vertel meer" then quotes the best new sentence of the other top passages."""
    return bool(given) and all(sentence_key(s.text) in given for s in scored)


def _missing_reference(
    question: Question,
    cited_texts: list[str],
    term_weight: TermWeight | None,
    names: NameVocabulary | None = None,
) -> str | None:
    """The notice for a law, place, rare proper name or "Wat is X?" subject the question
    names and no quoted passage does (hard checks: such a quote would be about something
    else), or None."""
    laws = unnamed_laws(question.query, cited_texts)
    if laws:
        return missing_law_notice(laws)
    places = unnamed_places(question.query, cited_texts)
    if places:
        return missing_place_notice(places)
    if names is not None:
        unnamed = unnamed_names(names.rare_names(question.query), cited_texts)
        if unnamed:
            return missing_name_notice(unnamed)
    subject = question.definition_subject
    if subject and term_weight is not None:
        word = subject_word(subject, term_weight)
        if word is not None and not names_subject(
            word, cited_texts, abbreviation=is_abbreviation(subject, word)
        ):
            return missing_subject_notice(subject)
    return None


class ExtractiveAnswerer:
    mode: AnswerMode = "extractive"

    def __init__(self, embedder: SentenceEmbedder, abstention: Abstention | None = None) -> None:
        self.vectors = SentenceVectors(embedder)
        self.abstention: Abstention = abstention or SignalThreshold()

    def warm(self) -> None:
        """Nothing to prepare: the embedder is loaded with the index."""

    def evidence(self, request: AnswerRequest) -> list[Sentence]:
        """The scored sentences of all top passages: what abstention reads."""
        top = request.passages[:ANSWER_PASSAGES]
        return score_sentences(request.question, top, self.vectors, request.query_vector)

    def relevance(self, request: AnswerRequest) -> float:
        """The hand-made relevance signal, exposed so calibration can sweep it."""
        top = request.passages[:ANSWER_PASSAGES]
        return relevance(request.question, self.evidence(request), top, request.term_weight)

    def answer(self, request: AnswerRequest, on_token: TokenSink | None = None) -> Answer:
        answer = self._answer(request)
        stream_words(answer.text, on_token)
        return answer

    @staticmethod
    def _offer_alternatives(refused: Answer, request: AnswerRequest, cited: set[str]) -> None:
        """A refusal by the answer's own check (the asked detail, a law, place or name it
        lacks) shows the top passages that pass every such check, apart and with a notice
        that says they are not the answer (stages/alternatives.py)."""
        question, slot = request.question, request.question.slot

        def passes(p: Passage) -> bool:
            texts = [f"{p.title} {p.section} {p.text}"]
            if _missing_reference(question, texts, request.term_weight, request.names):
                return False
            quotable = (s.text for s in candidates([p]) if s.selectable)
            return slot is None or any_gives(slot, quotable, question.text)

        refused.alternatives = refusal_alternatives(
            question, request.passages, cited, passes, request.term_weight
        )
        if refused.alternatives:
            refused.notices.append(REFUSAL_NOTICE)

    def _slot_in_section(
        self, request: AnswerRequest, first: Passage, slot: Slot
    ) -> tuple[list[Passage], list[Sentence], Sentence] | None:
        """The asked detail in the chunk before or after the quoted one, in the same
        section: the chunker cuts a section where its length says, not where its topic ends
        ("Het programma heeft drie prioriteiten: …" in one chunk, "Het programma kent een
        doorlooptijd van twee jaren." in the next). Returns the two passages, their scored
        sentences and the neighbour's best sentence that gives the detail, or None."""
        question = request.question
        for neighbour_of in (request.next_passage, request.previous_passage):
            neighbour = neighbour_of(first) if neighbour_of is not None else None
            if neighbour is None or neighbour.section != first.section:
                continue
            pair = [first, neighbour]
            scored = score_sentences(
                question,
                pair,
                self.vectors,
                request.query_vector,
                also=lambda text: gives(slot, text, question.text),
            )
            giving = [c for c in scored if c.passage_index == 1]
            filler = best_giving(slot, giving, question.text)
            best = max((c.score for c in scored), default=0.0)
            if filler is not None and filler.score >= best - SECTION_SLOT_MARGIN:
                return pair, scored, filler
        return None

    def _give_slot(
        self,
        request: AnswerRequest,
        quoted: Sequence[Passage],
        scored: list[Sentence],
        chosen: list[Sentence],
        everywhere: list[Sentence],
    ) -> tuple[Sequence[Passage], list[Sentence], list[Sentence]] | None:
        """Make the answer hold the detail the question asks for (stages/answer_slot.py): add
        the quoted passage's best sentence that gives it; failing that, quote the top passage
        that gives it if its sentence scores near the best; failing that, add the sentence that
        gives it from the next or previous chunk of the quoted passage's section; failing that,
        None (refuse) for a one-part question. A two-part question keeps its answer: the other
        part may be in it."""
        question = request.question
        slot = question.slot
        if slot is None or not chosen:
            return quoted, scored, chosen
        headings = [p.section for p in quoted] if shown_in_heading(slot) else []
        if any_gives(slot, [*(c.text for c in chosen), *headings], question.text):
            return quoted, scored, chosen
        filler = best_giving(slot, scored, question.text)
        if filler is None:
            # the shared budget embedded only the lexically best sentences of the six
            # passages; the ones that give the detail are scored too before judging them
            everywhere = score_sentences(
                question,
                request.passages[:ANSWER_PASSAGES],
                self.vectors,
                request.query_vector,
                also=lambda text: gives(slot, text, question.text),
            )
            best = max(c.score for c in everywhere)
            margin = FOLLOWUP_SLOT_SWITCH_MARGIN if question.context else SLOT_SWITCH_MARGIN
            top = request.passages[:ANSWER_PASSAGES]
            quoted_chapter = _chapter(quoted[0])

            def near_best(c: Sentence) -> bool:
                same = _chapter(top[c.passage_index]) == quoted_chapter
                return c.score >= best - (SECTION_SLOT_MARGIN if same else margin)

            giving = [c for c in everywhere if c.selectable and gives(slot, c.text, question.text)]
            elsewhere = max(filter(near_best, giving), key=lambda c: c.score, default=None)
            if elsewhere is not None:
                quoted = [request.passages[elsewhere.passage_index]]
                scored = score_sentences(question, quoted, self.vectors, request.query_vector)
                chosen = select(scored, quoted, question.is_list, request.given)
                if any_gives(slot, (c.text for c in chosen), question.text):
                    return quoted, scored, chosen
                filler = best_giving(slot, scored, question.text)
        if filler is None:
            continued = self._slot_in_section(request, quoted[0], slot)
            if continued is not None:
                quoted, scored, filler = continued
        if filler is None:
            one_part = len(question.parts) <= 1
            return None if one_part and refuses_without(slot) else (quoted, scored, chosen)
        return quoted, scored, [*chosen[: MAX_SENTENCES - 1], filler]

    def _list_elsewhere(
        self, request: AnswerRequest, everywhere: list[Sentence], chosen: list[Sentence]
    ) -> tuple[list[Passage], list[Sentence], list[Sentence]] | None:
        """For "Welke thema's behandelt het Kompas?" answered from a passage with no list:
        the top passage whose lead names the asked plural, when its items score near the
        best sentence. Returns the passage, its scored and its chosen sentences, or None."""
        question = request.question
        noun = list_noun(question.text) if question.is_list else None
        if noun is None or any(c.is_item or c.text.rstrip().endswith(":") for c in chosen):
            return None
        best = max(c.score for c in everywhere)
        top = request.passages[:ANSWER_PASSAGES]
        listed = [
            c
            for c in everywhere
            if c.passage_index > 0
            and c.is_item
            and c.lead_span is not None
            and c.score >= best - LIST_SWITCH_MARGIN
            and lead_names(top[c.passage_index].text[slice(*c.lead_span)], noun)
        ]
        if not listed:
            return None
        pick = max(listed, key=lambda c: c.score)
        quoted = [top[pick.passage_index]]
        scored = score_sentences(question, quoted, self.vectors, request.query_vector)
        return quoted, scored, select(scored, quoted, True, request.given)

    def _answer(self, request: AnswerRequest) -> Answer:
        question, passages = request.question, request.passages
        top = passages[:ANSWER_PASSAGES]
        if not top or not question.query.strip():
            return abstain(question.query, passages)
        everywhere = score_sentences(question, top, self.vectors, request.query_vector)
        if not everywhere:
            return abstain(question.query, passages)
        confidence = self.abstention.confidence(question, everywhere, top, request.term_weight)
        quoted: Sequence[Passage] = top[:QUOTED_PASSAGES]
        scored = score_sentences(question, quoted, self.vectors, request.query_vector)
        signals = question.signals
        only_new = signals is not None and signals.kind == "more"
        if not scored or (only_new and _all_given(scored, request.given)):
            # the first passage has no quotable sentence, or a follow-up landed on a passage
            # whose sentences were all said already: quote the best elsewhere
            quoted, scored = top, everywhere
        chosen = select(scored, quoted, question.is_list, request.given, only_new)
        listed = None if only_new else self._list_elsewhere(request, everywhere, chosen)
        if listed is not None:
            quoted, scored, chosen = listed
        with_slot = self._give_slot(request, quoted, scored, chosen, everywhere)
        if with_slot is None:
            refused = abstain(question.query, passages)
            refused.confidence = confidence
            slot = question.slot
            if slot is not None:
                refused.notices.append(missing_notice(slot))
                if confidence >= self.abstention.threshold:
                    self._offer_alternatives(refused, request, {p.chunk_id for p in quoted})
            return refused
        quoted, scored, chosen = with_slot
        if question.asks_why:
            chosen = with_stated_reason(chosen, scored)
        if not only_new and _all_given(chosen, request.given):
            # nothing new: the previous answer again would not move the conversation on
            only_new = True
            if _all_given(scored, request.given):
                quoted, scored = top, everywhere
            chosen = select(scored, quoted, question.is_list, request.given, only_new)
        ordered = order(chosen)
        if question.is_list:
            ordered = focus_on_list(ordered)
        else:
            ordered = without_orphan_items(ordered, quoted)
        ordered = with_leads(ordered, quoted)
        ordered, cited = continue_lists(ordered, quoted, request.next_passage)
        ordered, cited = with_previous_sentence(
            question.query, ordered, cited, request.previous_passage
        )
        ordered = without_dangling_opening(ordered, cited, request.previous_passage)
        from_several = len({s.passage_index for s in ordered}) > 1
        text, citations = compose(ordered, cited, question.is_list and from_several)
        # "Vertel meer" after an answered turn continues a topic the documents were found to
        # answer; its own words carry none, so its relevance signal says little about it
        continues = signals is not None and signals.kind == "more" and bool(signals.next_chunks)
        confident = continues or confidence >= self.abstention.threshold
        cited_texts = [f"{p.title} {p.section} {p.text}" for p in cited]
        missing = _missing_reference(question, cited_texts, request.term_weight, request.names)
        if not confident or missing:
            refused = abstain(question.query, passages)
            refused.confidence, refused.withheld = confidence, citations
            if confident and missing:
                refused.notices.append(missing)
                self._offer_alternatives(refused, request, {p.chunk_id for p in cited})
            return refused
        return Answer(
            question=question.query,
            text=text,
            citations=citations,
            mode=self.mode,
            abstained=False,
            passages=list(passages),
            confidence=confidence,
        )
