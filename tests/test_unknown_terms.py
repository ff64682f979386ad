"""A question word no document holds is a sign of a question the corpus cannot answer, which
no retrieval can mend; the abstention model reads its share of the question's weight."""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from assistant.stages.relevance import ABSTENTION_FEATURES, unknown_weight

pytestmark = pytest.mark.slow


def test_a_word_the_corpus_never_uses_counts_and_known_words_do_not(assistant: Assistant) -> None:
    idf = assistant.current_index().bm25.idf
    assert unknown_weight("Wat is een Zorg- en Veiligheidshuis?", idf) == 0.0
    assert unknown_weight("Wat doet de burgemeester bij een crisismaatregel?", idf) == 0.0
    share = unknown_weight("Wat zegt de Opiumwet over vakantieparken?", idf)
    assert 0.0 < share < 1.0  # "opiumwet" is unknown, 'vakantieparken' is in the corpus
    assert unknown_weight("Opiumwet", idf) == pytest.approx(1.0)


def test_without_term_weights_nothing_is_unknown() -> None:
    assert unknown_weight("Wat zegt de Opiumwet?", None) == 0.0
    assert "unknown" in ABSTENTION_FEATURES
