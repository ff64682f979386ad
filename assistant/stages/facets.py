"""Which facet of a case a question asks about, and which facet a section heading names.

Dutch policy documents describe each approach in the same few parts: how it began
("Ontstaan", "Aanleiding"), how it works ("Aanpak", "Werkwijze"), what it achieved
("Resultaten", "Evaluatie"), what helped ("Succesfactoren"), what got in the way
("Knelpunten", "Belemmeringen"), what comes next ("Toekomst"), who takes part ("Wie doen
mee?") and for whom ("Doelgroep"). A question says the same in other words: "Wat was de
aanleiding …" is answered under "Ontstaan", "Waar loopt X tegenaan?" under "Knelpunten",
"Wat heeft X opgeleverd?" under "Resultaten". Neither the bi-encoder (e5-small scores the bare
headings "Ontstaan" and "Toekomst" alike for an "aanleiding" question) nor BM25 (other words)
sees that, so the reranker gets it as a feature (stages/rerank_features.py).

The word lists are general Dutch for these parts, not taken from one document's questions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from foundation.sections import split_path

Facet = str

# What a question's wording asks for.
_QUESTION_FACETS: tuple[tuple[Facet, re.Pattern[str]], ...] = tuple(
    (facet, re.compile(pattern, re.IGNORECASE))
    for facet, pattern in (
        (
            "origin",
            r"\b(?:aanleiding|ontstaan|ontstond|ontstonden|achtergrond|oorsprong|"
            r"voorgeschiedenis|startpunt)\b"
            r"|\bwaarom\s+(?:is|werd|zijn|werden|heeft|hebben)\b.*\b(?:gestart|begonnen|"
            r"opgezet|opgericht|gekomen|ontwikkeld|ingevoerd)\b"
            r"|\bhoe\s+(?:is|zijn)\b.*\b(?:ontstaan|begonnen|gestart)\b",
        ),
        (
            "results",
            r"\b(?:resultaat|resultaten|opgeleverd|oplevert|opleverde|opbrengst\w*|effect|"
            r"effecten|uitkomst\w*|bereikt|geëvalueerd|evaluatie\w*|geboekt)\b"
            r"|\bwat\s+(?:levert|leverde)\b",
        ),
        (
            "success",
            r"\b(?:succesfactor\w*|succesvol\w*|sleutel\s+tot\s+(?:het\s+)?succes)\b"
            r"|\bwat\s+(?:werkt|werkte|werken|werkten)\s+(?:er\s+)?goed\b",
        ),
        (
            "obstacles",
            r"\b(?:knelpunt\w*|obstakel\w*|belemmering\w*|uitdaging\w*|struikelblok\w*|"
            r"tegenaan|knelt|knellen|lastig\w*|moeilijk\w*|problemen\s+bij\s+de\s+uitvoering)\b"
            r"|\btegen\s+(?:welke|wat)\b.*\baan\b",
        ),
        (
            "future",
            r"\b(?:toekomst\w*|vervolg\w*|voortgezet|voortzetten|voortzetting|"
            r"toekomstplannen|plannen)\b|\bhoe\s+(?:gaat|moet)\b.*\bverder\b",
        ),
        (
            "participants",
            r"\b(?:doen|deden|doet)\s+(?:er\s+)?mee\b|\bmeegedaan\b|\bdeelnemers\b|"
            r"\bdeelnemende\b|\bwie\s+(?:zijn|waren)\s+(?:er\s+)?betrokken\b",
        ),
        ("target", r"\bdoelgroep\w*\b|\bvoor\s+wie\b"),
    )
)

# What a heading names: its words, mostly at the start ("Succesfactoren: …", "Belemmering 2:").
_HEADING_FACETS: tuple[tuple[Facet, re.Pattern[str]], ...] = tuple(
    (facet, re.compile(pattern, re.IGNORECASE))
    for facet, pattern in (
        ("origin", r"\b(?:ontstaan|aanleiding|achtergrond|oorsprong|voorgeschiedenis|waarom)\b"),
        ("results", r"\b(?:resultaten|resultaat|evaluatie|effecten|opbrengsten|verloop)\b"),
        ("success", r"\bsuccesfactor\w*|\btips?\b|\blessen\b"),
        ("obstacles", r"\b(?:knelpunt\w*|belemmering\w*|uitdaging\w*|obstakel\w*)"),
        ("future", r"\b(?:toekomst|vervolg)\w*"),
        (
            "participants",
            r"\bwie\s+doen\s+mee\b|\bdeelnemers\b|\bsamenwerkingspartners\b|\brespondenten\b",
        ),
        ("target", r"\bdoelgroep\w*"),
        ("approach", r"^(?:de\s+)?aanpak\b|\bwerkwijze\b|^het\s+proces\b|\bwat\s+doen\s+we\b"),
    )
)


@lru_cache(maxsize=1024)
def question_facets(question: str) -> frozenset[Facet]:
    """The parts of a case the question asks about; empty for most questions."""
    return frozenset(facet for facet, pattern in _QUESTION_FACETS if pattern.search(question))


@lru_cache(maxsize=4096)
def heading_facets(section: str) -> frozenset[Facet]:
    """The parts of a case a section's own heading (the last of its path) names."""
    parts = [part.strip() for part in split_path(section) if part.strip()]
    if not parts:
        return frozenset()
    leaf = parts[-1]
    return frozenset(facet for facet, pattern in _HEADING_FACETS if pattern.search(leaf))
