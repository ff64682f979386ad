"""The detail a question asks for, and whether a sentence gives it.

"Hoeveel gezinnen doen mee?" is not answered by "De gemeente heeft drie coaches in dienst",
"In welk jaar is X gestart?" not by a sentence without a year, "Wie is de projectleider?" not
by one without a person's name, "In welke gemeenten draaien de pilots?" not by "in
verschillende gemeenten", however well the rest of the sentence matches. A staff member
who pastes such a quote into a memo has a wrong answer, so an answer whose quoted sentences
hold none of the asked detail is better refused (stages/extractive.py), and the sentence
choice prefers a sentence that gives it (stages/compose.py).

Each slot is read from the question's wording alone (regular expressions over Dutch question
shapes); a question that asks for no such detail has no slot and is never gated here.
A money question ("Wat kost …", "Hoe groot is het budget …") asks for an amount
(question_type.asks_for_amount): "32 Zorg- en Veiligheidshuizen" does not answer it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from assistant.stages.candidates import Sentence
from assistant.stages.named_place import named_places
from assistant.stages.question_type import asks_for_amount, gives_amount
from assistant.types import Slot, SlotKind
from foundation.lexical import STOPWORDS, content_terms, fold, same_stem, words

# How many words after its number a counted noun may stand ("26 gemeenten", "300 van de
# aangesloten gemeenten"). Before the number only after "aantal" ("het aantal gemeenten is
# 26"): "De gemeente heeft drie coaches" counts coaches.
COUNT_WINDOW = 4

_NUMBER_WORDS = (
    "een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|"
    "vijftien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|"
    "honderden|duizend|duizenden|miljoen|tientallen|dozijn|enkele|paar|tal"
)
_COUNT_TOKEN = re.compile(rf"^(?:\d[\d.,]*|{_NUMBER_WORDS})$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")

_QUESTION_PREFIX = r"^\s*(?:en\s+|maar\s+)?"
_PERCENTAGE_Q = re.compile(r"\b(?:welk\s+percentage|hoeveel\s+procent|welk\s+deel)\b", re.I)
_PHONE_Q = re.compile(r"\btelefoonnummer", re.I)
_AGE_Q = re.compile(
    r"\b(?:tot\s+welke\s+leeftijd|vanaf\s+welke\s+leeftijd|welke\s+leeftijd|hoe\s+oud|"
    r"leeftijdsgroep|voor\s+welke\s+leeftijd)\b|\bleeftijd\b",
    re.I,
)
_DURATION_Q = re.compile(
    r"\bhoe\s+lang\b|\b(?:maximale\s+|gemiddelde\s+)?(?:duur|doorlooptijd|looptijd)\b", re.I
)
_FREQUENCY_Q = re.compile(r"\bhoe\s+vaak\b|\bhoe\s+regelmatig\b|\bhoeveel\s+(?:keer|maal)\b", re.I)
# "Hoeveel jaar geleden startte X?" is answered by the start date ("april 2020"), "Hoeveel
# weken duurt X?" by a duration: neither is a count of things.
_TIME_UNITS_Q = r"(?:jaar|jaren|maanden|maand|weken|week|dagen|dag|uur|uren)"
_AGO_Q = re.compile(rf"\bhoeveel\s+{_TIME_UNITS_Q}\s+geleden\b", re.I)
_HOW_MANY_UNITS_Q = re.compile(rf"\bhoeveel\s+{_TIME_UNITS_Q}\b", re.I)
_DATE_Q = re.compile(
    r"\b(?:in\s+welk\s+jaar|welk\s+jaar|sinds\s+wanneer|vanaf\s+wanneer|tot\s+wanneer|"
    r"op\s+welke\s+datum|per\s+wanneer)\b"
    r"|\bwanneer\s+(?:en\s+door\s+wie\s+)?"
    r"(?:is|was|werd|wordt|zijn|waren|gaat|ging|start|begon|verscheen)\b"
    r"(?=.*\b(?:gestart|begonnen|verschenen|afgerond|opgericht|gepubliceerd|ingevoerd|"
    r"van\s+start|ingegaan|beschikbaar|geopend|opgezet|gelanceerd|vastgesteld|afgesloten)\b)",
    re.I,
)
# "Wie is de projectleider …", "Hoe heette de president …": the answer is a person's name.
# "Wie is voorzitter van …" and "Wie is meestal de voorzitter …" are not here, nor "Wie zit het
# overleg voor?": a role ("de burgemeester") answers them as well as a name.
_PERSON_Q = re.compile(
    _QUESTION_PREFIX + r"(?:wie\s+(?:is|was|zijn|waren)\s+(?:de|het)\s+"
    r"(?:\w+\s+){0,2}?(?:burgemeester|wethouder|projectleider|projectmanager|voorzitter|"
    r"directeur|coördinator|coordinator|trekker|minister|programmamanager|kwartiermaker|"
    r"wijkagent|initiatiefnemer|auteur|contactpersoon|leider|manager|president|secretaris|"
    r"woordvoerder|ambassadeur|kartrekker|aanjager)s?\b"
    r"|hoe\s+(?:heet|heette|heten|heetten)\s+(?:de|het)\b)",
    re.I,
)
# "Wie is voorzitter van de ACAO?", "Wie zit de stuurgroep voor?": a role or a name answers it
# ("de burgemeester"), but only in a sentence that says who chairs: "Landelijk zijn de VNG en
# de LVMV verantwoordelijk voor het programma" names the body the question is about, not its
# chair. ("Wie is de voorzitter …" asks for a person's name, _PERSON_Q.)
_CHAIR_Q = re.compile(
    _QUESTION_PREFIX + r"(?:wie\s+(?:is|was|wordt|werd)\s+(?:nu\s+|momenteel\s+)?voorzitter\b"
    r"|wie\s+(?:zit|zat|zitten)\s+(?:[\w()'’-]+\s+){1,8}?voor\s*\??\s*$)",
    re.I,
)
_CHAIR = re.compile(r"\bvoorzit\w*|\bvoorgezeten\b", re.I)
# "Wie betaalt het passend vervoer?", "Hoe wordt Back on Track gefinancierd?": only a sentence
# about money answers it. Not "kosten-batenanalyse", not "betaald werk" (a job), not "middelen"
# (which are often tools).
_FUNDING_Q = re.compile(
    r"\bwie\s+(?:betaalt|betaalde|betalen|financiert|financierde|financieren|bekostigt|"
    r"bekostigde|subsidieert)\b"
    r"|\b(?:hoe|waaruit|waarvan|waarmee|door\s+wie)\s+(?:wordt|werd|worden|werden|is|zijn)\s+"
    r"(?:[\w()'’-]+\s+){1,8}?(?:gefinancierd|betaald|bekostigd|gesubsidieerd)\b",
    re.I,
)
_FUNDING = re.compile(
    r"\bfinanci\w*|\bgefinancierd\b|\bbetaal\w*\b(?!\s+(?:werk|baan|banen))|\bbekostig\w*|\bsubsidi\w*|"
    r"\bbudget\w*|\bgeld\w*|-gelden\b|-middelen\b|\bvergoed\w*|\bfonds\w*|"
    r"(?<![\w-])kosten(?![\w-])|\beuro\b|€",
    re.I,
)
# "Welke gemeente …", "In welke (tien) gemeenten …", "Welke pilotgemeenten …": the answer
# names a municipality or town. Between "welke" and the noun at most a number or an adjective
# ("welke andere gemeenten"), so "Welke rol hebben gemeenten" asks for a role.
_PLACE_Q = re.compile(
    rf"\bwelke\s+(?:(?:\d+|{_NUMBER_WORDS}|\w+e)\s+)?"
    r"(?:\w*gemeenten?|steden|stad|plaatsen|plaats)\b",
    re.I,
)
# "Wie zitten er in het projectteam?", "Uit wie bestaat het kernteam?", "Welke partijen nemen
# deel aan het overleg?": the answer says who the group is made of. Not "Wie zit de stuurgroep
# voor?" (who chairs it, a person).
_MEMBERS_Q = re.compile(
    _QUESTION_PREFIX + r"(?:wie\s+(?:zitten|zit|zaten)\s+(?:er\s+)?(?:allemaal\s+)?(?:in|aan|bij)\b"
    r"|wie\s+(?:nemen|namen|doen|deden)\s+(?:er\s+)?(?:\w+\s+){0,5}?(?:deel|mee)\b"
    r"|wie\s+zijn\s+(?:er\s+)?(?:lid\s+van|vertegenwoordigd|betrokken\s+bij)\b"
    r"|uit\s+wie\s+bestaa?t"
    r"|welke\s+(?:partijen|organisaties|partners|instanties|ketenpartners)\s+"
    r"(?:zitten|zaten|nemen|namen|participeren|doen|zijn\s+(?:er\s+)?(?:lid|vertegenwoordigd)))",
    re.I,
)
# A sentence that says what a group is made of.
_MEMBERS = re.compile(
    r"\b(?:bestaat|bestaan|bestond|bestonden)\s+(?:\w+\s+){0,2}?uit\b|\bbestaande\s+uit\b"
    r"|\bsamengesteld\s+uit\b|\bvertegenwoordigers\s+van\b|\bparticiperen\b"
    r"|\b(?:neemt|nemen|namen)\s+(?:[\w,()-]+\s+){0,8}?deel\b"
    r"|\bschuiven\s+(?:[\w,()-]+\s+){0,8}?aan\b"
    r"|\bzitten\s+(?:\w+\s+){0,4}?(?:in|aan\s+tafel)\b|\bleden\s+(?:zijn|van)\b",
    re.I,
)
# "Waar staat (de afkorting) AVE voor?", "Wat betekent de afkorting PGA?": the answer spells
# the abbreviation out. Without the word "afkorting": "Waar staat X voor?" with a capitalised X
# ("Wams", "RIEC"), "Wat betekent X?" with two or more capitals in X ("AVE", "PGA").
_ABBREVIATION_Q = re.compile(
    r"(?i:\bwaar\s+staat\s+de\s+afkorting\s+)(?P<a>[\w/-]+)(?i:\s+voor\b)"
    r"|(?i:\bwaar\s+staat\s+(?:het\s+|de\s+)?)(?P<d>[A-Z][\w/-]*)(?i:\s+voor\b)"
    r"|(?i:\b(?:wat\s+betekent|betekenis\s+van)\s+de\s+afkorting\s+)(?P<b>[\w/-]+)"
    r"|(?i:\bwat\s+betekent\s+(?:de\s+|het\s+)?)(?P<c>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s*\??\s*$"
)
# "Wat is het RIEC?", "Wat doet de GGD?": a definition question about an abbreviation. A
# sentence that spells it out is how a text defines it ("Tien Regionale Informatie- en
# Expertise Centra (RIEC's) … richten zich op …"); "Wat is het RIEC?" had been answered with
# a film made by "Taskforce RIEC Brabant-Zeeland". Unlike "Waar staat RIEC voor?" the
# question does not ask for the expansion itself, so an answer without one is not refused
# (refuses_without): the slot only steers which passage and sentence answer.
_ACRONYM_Q = re.compile(
    _QUESTION_PREFIX + r"(?i:wat\s+(?:is|zijn|doet|doen)\s+(?:een\s+|het\s+|de\s+)?)"
    r"(?P<a>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?:['’]s)?\s*\??\s*$"
)
# Words skipped when an expansion is matched against the letters: "Regionaal Informatie- en
# Expertise Centrum" is RIEC.
_LINK_WORDS = frozenset("en van voor de het in op met tot aan of bij".split())
_COUNT_Q = re.compile(
    _QUESTION_PREFIX + r"hoeveel\s+(?P<noun>[\w'’-]+(?:\s+[\w'’-]+)?)"
    r"|^\s*(?:het\s+)?aantal\s+(?P<bare>[\w'’-]+)",
    re.I,
)
_COUNT_STOP = frozenset(
    "geld euro keer procent er zijn is was waren hebben heeft worden wordt de het een".split()
)

_TIME_UNIT = re.compile(
    r"\b(?:\d[\d.,]*|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|"
    r"achttien|twintig|dertig|veertig|vijftig|enkele|half|anderhalf|paar)\s*(?:-\s*)?"
    r"(?:dagen|dag|weken|week|maanden|maand|jaren|jaar|uur|uren|kwartaal|kwartalen|"
    r"werkdagen|nachten)\b|\b\w+jarige?\b|\b(?:afloopt|afgelopen|einddatum|eindigt)\b"
    r"|\b(?:tot\s+(?:en\s+met\s+)?|t/m\s+|tot\s+eind\s+|loopt\s+(?:tot|door\s+tot)\s+)"
    r"(?:\d{1,2}\s+)?(?:januari|februari|maart|april|mei|juni|juli|augustus|september|"
    r"oktober|november|december|(?:19|20)\d\d)"
    r"|\b(?:(?:19|20)\d\d)\s*(?:-|–|tot|t/m)\s*(?:(?:19|20)\d\d)\b",
    re.I,
)
_FREQUENCY = re.compile(
    r"\b(?:elk|kwartaal\w*|jaarlijks|maandelijks|wekelijks|dagelijks|tweewekelijks|driemaandelijks|"
    r"halfjaarlijks|elke|iedere|per\s+(?:jaar|maand|week|dag|kwartaal)|"
    r"(?:\d+|een|één|twee|drie|vier|vijf|zes|tien)\s*(?:keer|maal)|eens\s+per|"
    r"regelmatig|periodiek|structureel|doorlopend|continu)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|"
    r"oktober|november|december|voorjaar|najaar|zomer)\b|\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b",
    re.I,
)
_PERCENTAGE = re.compile(
    r"\d\s?%|\bprocent\b|\b(?:helft|derde|kwart|meerderheid|minderheid|merendeel)\b", re.I
)
_PHONE = re.compile(
    r"\b0\d{2,3}[-\s]?\d{6,7}\b|\b0[89]00[-\s]?\d{4,7}\b|\b\d{3}[-\s]\d{3}[-\s]\d{4}\b"
)
_AGE = re.compile(
    r"\b\d{1,2}\s*(?:-|–|tot|en)\s*\d{1,2}\s*(?:jaar|jarigen?)\b|\b\d{1,2}\s*(?:jaar|jarigen?)\b|"
    r"\b\d{1,2}[-–]\s*(?:en\s+)?\d{0,2}[-–]?jarigen?\b|\b(?:minderjarig\w*|meerderjarig\w*|"
    r"achttien|zestien|twaalf)\b|\b\d{1,2}e\s+(?:jaar|levensjaar)\b|\b(?:tot|vanaf|onder|boven)\s+(?:de\s+)?\d{1,2}\b",
    re.I,
)
# A person's name: a capitalised first name followed by a capitalised surname, optionally with
# a Dutch tussenvoegsel ("Liande Visscher", "Marieke van der Berg").
_PERSON = re.compile(
    r"\b[A-Z][a-zà-ÿ]+\s+(?:(?:van|de|der|den|ter|ten|het|in\s+'t|van\s+der|van\s+den|"
    r"van\s+de|de\s+la)\s+)?[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?\b"
)


# A question about when something began is not answered by when it ends: "Wanneer is X
# gestart?" by "X is een tweejarig project dat in december 2022 afloopt".
_START_Q = re.compile(
    r"\b(?:gestart|begonnen|van\s+start|opgericht|opgezet|ingevoerd|gelanceerd|geopend|"
    r"ingegaan|start|startte|begon|sinds\s+wanneer|vanaf\s+wanneer)\b",
    re.I,
)
_END_WORDS = re.compile(
    r"\b(?:afloopt|afliep|eindigt|eindigde|einddatum|stopt|stopte|beëindigd|afgerond|"
    r"loopt\s+(?:tot|door\s+tot)|tot\s+en\s+met)\b",
    re.I,
)
_START_WORDS = re.compile(
    r"\b(?:gestart|start|startte|startten|begon|begonnen|begin|van\s+start|opgericht|opgezet|"
    r"ingevoerd|gelanceerd|sinds|vanaf|ontstaan|ontstond|opgestart|in\s+het\s+leven)\b",
    re.I,
)


# How often, said without a number: "Het projectteam komt tweewekelijks bij elkaar",
# "maandelijks overleg", "elk kwartaal". Stricter than _FREQUENCY (no "regelmatig",
# "structureel"), because it overrules the number check of the abstention
# (gives_asked_quantity), which a vague "regelmatig" should not pass.
_PERIODIC = re.compile(
    r"\b(?:(?:twee|drie|half)?(?:wekelijks|maandelijks|jaarlijks|dagelijks)|"
    r"(?:elk|elke|iedere|ieder|eens\s+per|per|om\s+de)\s+(?:\w+\s+)?"
    r"(?:dag|week|weken|maand|maanden|kwartaal|jaar|jaren)|kwartaal\w*)\b",
    re.I,
)


# "-jarig" words that name an age group, not how long something lasts
_NOT_A_DURATION = re.compile(r"(?:minder|meerder)jarige?", re.I)


def answered_in_words(slot: Slot | None) -> bool:
    """A "Hoe vaak …?" or "Hoe lang …?": answered in words as often as in numbers, so not a
    number question (understand reads this; relevance.lacks_number asks gives_asked_quantity)."""
    return slot is not None and slot.kind in ("frequency", "duration")


def gives_asked_quantity(slot: Slot | None, sentence: str) -> bool:
    """A "Hoe vaak …?" or "Hoe lang …?" answered in words ("tweewekelijks", "een tweejarig
    project"), which the plain number check (relevance.lacks_number) would not see."""
    if slot is None:
        return False
    if slot.kind == "frequency":
        return bool(_PERIODIC.search(sentence))
    if slot.kind == "duration":
        return any(not _NOT_A_DURATION.fullmatch(m.group()) for m in _TIME_UNIT.finditer(sentence))
    return False


def _gives_date(sentence: str, slot: Slot) -> bool:
    """A year, month or date; for a start question not one the sentence only ties to an end."""
    if not _DATE.search(sentence):
        return False
    if slot.noun == "start" and _END_WORDS.search(sentence):
        return bool(_START_WORDS.search(sentence))
    return True


def asked_slot(question: str) -> Slot | None:
    """The detail the question asks for, or None when it asks for none of these."""
    if _PHONE_Q.search(question):
        return Slot("phone")
    if _PERCENTAGE_Q.search(question):
        return Slot("percentage")
    if _AGE_Q.search(question):
        return Slot("age")
    if _AGO_Q.search(question):
        return Slot("date")
    if _DURATION_Q.search(question) or _HOW_MANY_UNITS_Q.search(question):
        return Slot("duration")
    if _FREQUENCY_Q.search(question):
        return Slot("frequency")
    if _DATE_Q.search(question):
        return Slot("date", "start" if _START_Q.search(question) else None)
    m = _ABBREVIATION_Q.search(question)
    if m:
        return Slot("abbreviation", m.group("a") or m.group("b") or m.group("c") or m.group("d"))
    m = _ACRONYM_Q.search(question)
    if m:
        return Slot("acronym", m.group("a"))
    if _PERSON_Q.search(question):
        return Slot("person")
    if _CHAIR_Q.search(question):
        return Slot("chair")
    if _FUNDING_Q.search(question):
        return Slot("funding")
    if _MEMBERS_Q.search(question):
        return Slot("members")
    if _PLACE_Q.search(question):
        return Slot("place")
    if asks_for_amount(question):
        return Slot("amount")
    m = _COUNT_Q.search(question)
    if m:
        phrase = m.group("noun") or m.group("bare") or ""
        said = words(phrase)
        if said and said[0] in {"geld", "euro", "procent"}:
            return None  # money and shares have their own checks
        nouns = [w for w in said if w not in _COUNT_STOP and w not in STOPWORDS]
        # the counted thing is the first word or two ("agrarische bedrijven"); either one
        # near the number will do
        return Slot("count", " ".join(nouns) or None)
    return None


def _gives_count(sentence: str, noun: str | None, question: str) -> bool:
    """A number (not a year) followed within COUNT_WINDOW words by the counted noun (or
    preceded by "aantal <noun>"), or any such number when the noun is unknown."""
    tokens = words(sentence)
    asked = set(words(question))
    numbers = [
        i
        for i, t in enumerate(tokens)
        if _COUNT_TOKEN.match(t) and not _YEAR.match(t) and t not in asked and t != "een"
    ]
    if not numbers:
        return False
    if noun is None:
        return True
    noun_terms = _counted_terms(noun)
    for i in numbers:
        window = tokens[i + 1 : i + COUNT_WINDOW + 1]
        before = tokens[max(0, i - COUNT_WINDOW) : i]
        if "aantal" in before:
            window = window + before[before.index("aantal") + 1 :]
        near = [term for w in window for term in content_terms(w)]
        if any(_same_noun(term, n) for term in near for n in noun_terms):
            return True
    return False


# Nouns that count the same things in Dutch policy prose: "Hoeveel woningen werden bezocht?"
# is answered by "het bezoeken van 15 adressen", "Hoeveel mensen …" by "120 inwoners". Kept to
# general words (no names, nothing from one document), each group one kind of thing counted.
_COUNT_NOUN_KIN: tuple[frozenset[str], ...] = tuple(
    frozenset(term for word in group.split() for term in content_terms(word))
    for group in (
        "woning woningen adres adressen huis huizen pand panden huishouden huishoudens",
        "mens mensen persoon personen inwoner inwoners burger burgers bewoner bewoners "
        "deelnemer deelnemers",
        "organisatie organisaties partner partners partij partijen instantie instanties "
        "instelling instellingen",
        "jongere jongeren kind kinderen minderjarige minderjarigen tiener tieners",
        "medewerker medewerkers professional professionals werknemer werknemers",
        "bedrijf bedrijven onderneming ondernemingen ondernemer ondernemers",
        "melding meldingen signaal signalen",
    )
)


@functools.lru_cache(maxsize=256)
def _counted_terms(noun: str) -> tuple[str, ...]:
    """The counted noun's terms plus those of its kin groups: worked out once per noun, not
    for every sentence the slot check reads."""
    own = content_terms(noun) or noun.split()
    kin = [
        k
        for group in _COUNT_NOUN_KIN
        if any(_same_noun(n, member) for n in own for member in group)
        for k in group
    ]
    return (*own, *kin)


def _same_noun(term: str, noun: str) -> bool:
    """Inflections and compounds: "gemeente" ~ "gemeenten", "organisaties" ~ "jeugdorganisaties"."""
    if same_stem(term, noun):
        return True
    short, long = sorted((term, noun), key=len)
    return len(short) >= 4 and (long.startswith(short) or long.endswith(short))


_NO_ONE = re.compile(
    r"\bgeen\s+(?:\w+\s+)?(?:projectleider|voorzitter|trekker|coördinator|leider|eigenaar)",
    re.I,
)


def _gives_person(sentence: str, question: str) -> bool:
    """A name the question does not already hold, or the statement that there is none."""
    if _NO_ONE.search(sentence):
        return True
    asked = set(words(question))
    for m in _PERSON.finditer(sentence):
        name_words = [w for w in words(m.group()) if w not in {"van", "de", "der", "den"}]
        if name_words[0] in STOPWORDS:
            continue  # "In Duitsland", "De Wijkrechtbank": a capitalised sentence opening
        if not all(w in asked for w in name_words):
            return True
    return False


def _spells_out(sentence: str, abbreviation: str) -> bool:
    """The sentence glosses the abbreviation ("… Escalatie (AVE)", "AVE (Aanpak …)") or
    holds a run of words whose first letters give it: all of them up to three letters, all
    but the last from four on ("Wetsvoorstel aanpak meervoudige problematiek" for Wams)."""
    letters = "".join(ch for ch in abbreviation.lower() if ch.isalpha())
    if len(letters) < 2:
        return False
    escaped = re.escape(abbreviation)
    if re.search(rf"\(\s*{escaped}\s*\)", sentence, re.I) or re.search(
        rf"\b{escaped}\s*\((?!\s*{escaped})[^)]{{8,}}\)", sentence, re.I
    ):
        return True
    need = letters if len(letters) <= 3 else letters[:-1]
    initials = [
        w[0].lower()
        for w in re.findall(r"[^\W\d_][\w-]*", sentence)
        if w.lower() not in _LINK_WORDS
    ]
    return need in "".join(initials)


# Words before a glossed abbreviation that may precede its expansion at a sentence's start
# beyond the expansion's own: an article or a number ("Tien Regionale … Centra (RIEC's)").
_OPENING_SLACK = 2


def _defines(sentence: str, abbreviation: str) -> bool:
    """The sentence opens with the abbreviation glossed, so it says what the thing is or
    does: "De gemeenschappelijke gezondheidsdienst (GGD) zorgt …", "AVE (Aanpak Voorkoming
    Escalatie) is …". "Voor meer informatie kunt u contact opnemen met het Regionaal
    Informatie en Expertise Centrum" spells RIEC out but is about something else."""
    letters = "".join(ch for ch in abbreviation.lower() if ch.isalpha())
    if len(letters) < 2:
        return False
    escaped = re.escape(abbreviation)
    gloss = re.search(rf"\(\s*{escaped}(?:['’]s)?\s*\)", sentence, re.I)
    if gloss is not None:
        before = re.findall(r"[^\W\d_][\w-]*", sentence[: gloss.start()])
        own = [w for w in before if w.lower() not in _LINK_WORDS]
        return len(own) <= len(letters) + _OPENING_SLACK
    return bool(re.match(rf"\W*{escaped}\s*\((?!\s*{escaped})[^)]{{8,}}\)", sentence, re.I))


def _gives_place(sentence: str, question: str) -> bool:
    """A place (stages/named_place.py) the question does not already name: "in verschillende
    gemeenten" names none, "Voor het deeltraject Multiproblematiek in Utrecht" one."""
    folded = fold(question)
    # "de Tilburgse familieaanpak" names Tilburg: an adjective or compound of the place counts
    return any(
        not re.search(rf"(?<!\w){re.escape(fold(p))}", folded) for p in named_places(sentence)
    )


def gives(slot: Slot, sentence: str, question: str) -> bool:
    """Does the sentence hold the detail the slot asks for?"""
    if slot.kind == "count":
        return _gives_count(sentence, slot.noun, question)
    if slot.kind == "duration":
        return bool(_TIME_UNIT.search(sentence))
    if slot.kind == "frequency":
        return bool(_FREQUENCY.search(sentence) or _TIME_UNIT.search(sentence))
    if slot.kind == "date":
        return _gives_date(sentence, slot)
    if slot.kind == "percentage":
        return bool(_PERCENTAGE.search(sentence))
    if slot.kind == "phone":
        return bool(_PHONE.search(sentence))
    if slot.kind == "age":
        return bool(_AGE.search(sentence))
    if slot.kind == "amount":
        return gives_amount(sentence)
    if slot.kind == "place":
        return _gives_place(sentence, question)
    if slot.kind == "members":
        return bool(_MEMBERS.search(sentence))
    if slot.kind == "abbreviation":
        return _spells_out(sentence, slot.noun or "")
    if slot.kind == "acronym":
        return _defines(sentence, slot.noun or "")
    if slot.kind == "chair":
        return bool(_CHAIR.search(sentence))
    if slot.kind == "funding":
        return bool(_FUNDING.search(sentence))
    return _gives_person(sentence, question)


def any_gives(slot: Slot, sentences: Iterable[str], question: str) -> bool:
    return any(gives(slot, s, question) for s in sentences)


def best_giving(slot: Slot, scored: Sequence[Sentence], question: str) -> Sentence | None:
    """The best-scored quotable sentence that gives the slot's detail."""
    giving = [c for c in scored if c.selectable and gives(slot, c.text, question)]
    return max(giving, key=lambda c: c.score, default=None)


_ASKED_NAME: dict[SlotKind, str] = {
    "count": "het gevraagde aantal",
    "duration": "de gevraagde duur",
    "frequency": "hoe vaak het gebeurt",
    "date": "de gevraagde datum of het jaartal",
    "percentage": "het gevraagde percentage",
    "phone": "een telefoonnummer",
    "person": "de naam van de gevraagde persoon",
    "age": "de gevraagde leeftijd",
    "amount": "het gevraagde bedrag",
    "place": "een gemeente of plaats",
    "members": "wie er deel van uitmaken",
    "abbreviation": "de afkorting voluit",
    "acronym": "de afkorting voluit",
    "chair": "de voorzitter",
    "funding": "de financiering",
}


def shown_in_heading(slot: Slot) -> bool:
    """Whether the cited passage's heading may give the detail: a section titled "Aanpak
    Voorkoming Escalatie (AVE)" spells AVE out, and the citation shows that heading."""
    return slot.kind in ("abbreviation", "acronym")


def refuses_without(slot: Slot) -> bool:
    """Whether an answer lacking the slot's detail is refused. A group's make-up is said in
    too many ways ("Aan het overleg schuiven politie en OM aan", a bare list of partners) for
    its absence to prove the answer wrong, and "Wat is het RIEC?" may be answered without
    spelling RIEC out, so those slots only steer the sentence choice."""
    return slot.kind not in ("members", "acronym")


def missing_notice(slot: Slot) -> str:
    """Why a question about a topic the documents do cover is still not answered."""
    return (
        "Ik vond wel passages over dit onderwerp, maar geen zin die "
        f"{_ASKED_NAME[slot.kind]} noemt."
    )
