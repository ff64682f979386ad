"""Text-level repairs for extracted document text.

Every function here is small and conservative on purpose: citations quote the cleaned text, and
evaluation matches gold quotes on letters and digits only, so a repair may remove noise or undo an
extraction artefact but must never invent or reorder real content.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# --- character normalisation -------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",  # zero-width space
        "\ufeff": "",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\t": " ",
        "\r": "",
    }
)

# Characters PDF extraction uses where a hyphen stood at the end of a line.
_LINE_END_HYPHENS = "\u00ad\u00ac"  # soft hyphen, not sign (seen as "Zorg¬" in VNG text)

# Bullet glyphs that start a list item. "»", "«" and "*" appear as bullets in the VNG text;
# U+F0B7 and friends are Symbol-font bullets from Word-made PDFs.
BULLET_CHARS = "•·▪■□◦●○►▶➢➤✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc»«*–—-"
_BULLET_RE = re.compile(r"^\s*([•·▪■□◦●○►▶➢➤✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc»«*–—-])\s+(?=\S)")


def normalize_chars(text: str) -> str:
    """Map typographic variants to plain forms so matching and tokenising see one spelling.

    Compatibility normalisation (NFKC) is avoided because it would also rewrite digits such as
    superscripts; only the listed characters change. A hyphen-like glyph at a line end becomes "-"
    so that dehyphenation has one case to handle; elsewhere soft hyphens are invisible and dropped.
    """
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    text = re.sub(rf"[{_LINE_END_HYPHENS}][ ]*(?=\n|$)", "-", text)
    text = text.replace("\u00ad", "")
    return text


def bullet_split(line: str) -> tuple[bool, str]:
    """Tell whether a line starts with a bullet glyph and return the text after it.

    A dash only counts as a bullet when followed by a space and something that is not a digit,
    so "- 3 graden" style ranges and minus signs are left alone.
    """
    m = _BULLET_RE.match(line)
    if not m:
        return False, line.strip()
    rest = line[m.end() :].strip()
    if m.group(1) in "–—-" and rest[:1].isdigit():
        return False, line.strip()
    return True, rest


# --- noise lines -------------------------------------------------------------------------------

_URL_LINE_RE = re.compile(
    r"^\s*(?:(?:https?:|mailto:|file:|www\.)\S*(?:\s+\S+)?\s*$"  # a bare link
    r"|\d{1,3}\s+(?:https?:|www\.))",  # a footnote that starts with a link
    re.IGNORECASE,
)
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:(?:pagina|page|blz\.?|p\.)\s*)?\d{1,4}(?:\s*(?:/|van|of)\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)


def is_url_line(line: str) -> bool:
    """A line that is only a link (optionally a footnote number plus link) carries no prose.

    Footnote URLs wrap onto a second line in PDFs; a URL fragment without spaces that ends a
    wrapped link is caught by is_url_fragment.
    """
    return bool(_URL_LINE_RE.match(line))


def is_url_fragment(line: str) -> bool:
    """A single spaceless token with URL punctuation: the wrapped tail of a long link."""
    s = line.strip()
    if " " in s or len(s) < 8:
        return False
    if re.fullmatch(r"[(\"']?[^\W\d_]+/[^\W\d_]+[)\"',.;:]*", s):
        return False  # "criminaliteit/cybercrime)": two words and a slash, the end of a title
    core = s.rstrip(".,;:!?)\"'")  # "volwassenheid?" ends a sentence, no query string
    return bool(re.search(r"[/#=?%]", core)) and sum(ch.isalpha() for ch in s) / len(s) < 0.95


def is_page_number_line(line: str) -> bool:
    """Bare page numbers ("12", "Pagina 3 van 10") are layout, not content."""
    return bool(_PAGE_NUMBER_RE.match(line))


def is_noise_line(line: str) -> bool:
    """OCR debris such as "_pLATF0RM3L", "1 - 2 - 3" or stray quote marks.

    Judged by the share of letters: real prose lines are mostly letters; debris is mostly
    digits, punctuation and symbols, or is a single token mixing case, digits and underscores.
    A numbered heading ("7.1.2 OM", "5.1 WMO 2015") is digit-heavy but no debris.
    """
    s = line.strip()
    if not s:
        return False
    letters = sum(ch.isalpha() for ch in s)
    if letters == 0:
        return True
    if re.match(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[^\W\d_]{2,}", s):
        return False
    if len(s) >= 4 and letters / len(s.replace(" ", "")) < 0.4:
        return True
    return " " not in s and len(s) > 5 and bool(re.search(r"_|[a-z][A-Z0-9]+[A-Z]|\d[A-Z]", s))


def line_key(line: str) -> str:
    """Comparison key for spotting repeated header/footer lines: page numbers vary, so digits go."""
    s = re.sub(r"\d+", "", line.lower())
    return re.sub(r"[\W_]+", " ", s).strip()


def running_line_keys(pages: list[list[str]], pages_known: bool) -> set[str]:
    """Keys of lines that repeat like running headers or footers.

    With real page numbers a line present on many pages is layout. Without pages (text dumps)
    we rely on counts: a multi-word line seen five times or more, or any line seen eight times,
    is boilerplate (side bars, repeated titles). Real headings such as "Resultaten" repeat a few
    times per document, so the thresholds stay above that. Lines of the form "Title / Chapter"
    whose title part repeats are running headers whatever the chapter part says.
    """
    per_line: Counter[str] = Counter()
    per_page: Counter[str] = Counter()
    for lines in pages:
        keys = {line_key(x) for x in lines if line_key(x)}
        per_page.update(keys)
        per_line.update(line_key(x) for x in lines if line_key(x))
    lettered = {line_key(x) for lines in pages for x in lines if is_lettered_heading(x)}
    result: set[str] = set()
    n_pages = len(pages)
    for key, count in per_line.items():
        words = len(key.split())
        if key in lettered:
            # "A. BRONNEN IN DE VORM VAN PARTNERS": a subsection every chapter repeats, no side
            # bar; only one on most pages is layout
            if pages_known and n_pages >= 4 and per_page[key] >= n_pages * 0.6:
                result.add(key)
            continue
        on_many_pages = pages_known and n_pages >= 4 and per_page[key] >= max(3, n_pages * 0.3)
        if on_many_pages or (words >= 2 and count >= 5) or count >= 8:
            result.add(key)
    return result


_LETTERED_HEADING_RE = re.compile(r"^\s*([A-H])[.)]\s+(\S+(?:\s+\S+){2,})\s*$")


def is_lettered_heading(line: str) -> bool:
    """ "A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN": a letter, a dot and a title of three words
    or more, without final punctuation unless in capitals ("E.D."), so "J. Kriens" and
    "A. Jansen zegt dit." are no headings."""
    m = _LETTERED_HEADING_RE.match(line)
    if not m or not m.group(2)[0].isupper():
        return False
    title = m.group(2)
    if title[-1] == "." and title.isupper():
        return True  # "B. BRONNEN IN DE VORM VAN REGISTRATIES, ... E.D."
    return title[-1] not in ".,;:!?"


def lettered_heading_letter(line: str) -> str | None:
    """The letter of a lettered heading ("B" for "B. BRONNEN ..."), else None."""
    m = _LETTERED_HEADING_RE.match(line) if is_lettered_heading(line) else None
    return m.group(1) if m else None


def running_title_prefixes(lines: Iterable[str]) -> set[str]:
    """Prefixes of "Document title / chapter" header lines that repeat three times or more."""
    counts: Counter[str] = Counter()
    for line in lines:
        m = re.match(r"^\s*([^/]{6,60}?)\s+/\s+\S", line)
        if m:
            counts[m.group(1).strip().lower()] += 1
    return {p for p, n in counts.items() if n >= 3}


def has_running_prefix(line: str, prefixes: set[str]) -> bool:
    m = re.match(r"^\s*([^/]{6,60}?)\s+/\s+\S", line)
    return m is not None and m.group(1).strip().lower() in prefixes


# --- vocabulary ----------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


class Vocabulary:
    """Word counts of one document, used to check that a repair yields a word the author used.

    Built from the document itself, so it knows its jargon ("casuïstiek", "Wvggz") without any
    external dictionary.
    """

    def __init__(self, text: str) -> None:
        self.counts: Counter[str] = Counter(m.group(0).lower() for m in _WORD_RE.finditer(text))
        self.pairs: Counter[str] = Counter(
            f"{m.group(1)} {m.group(2)}".lower()
            for m in re.finditer(r"\b(?=([^\W\d_]+) ([^\W\d_]+)\b)", text)
        )
        # word+number tokens ("Platform31", "Nederland2"): names repeat, footnote gluing doesn't
        self.glued: Counter[str] = Counter(re.findall(r"\b[^\W\d_]{4,}\d{1,2}\b", text))

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def standalone(self, word: str, partner: str, word_first: bool) -> int:
        """Occurrences of word that are not part of the split pair with partner."""
        pair = f"{word} {partner}" if word_first else f"{partner} {word}"
        return self.count(word) - self.pairs.get(pair.lower(), 0)

    def __contains__(self, word: str) -> bool:
        return self.count(word) > 0


# --- hyphenation ---------------------------------------------------------------------------------

# Words that follow a dangling compound hyphen: "zorg- en veiligheid", "op- en afschalen".
_CONJUNCTIONS = {"en", "of", "tot", "noch", "als", "dan", "maar", "óf", "én", "en/of", "zowel"}
_VOWELS = set("aeiouyáéíóúäëïöüàèìòù")


def join_hyphenated(left: str, right: str, vocab: Vocabulary | None = None) -> str:
    """Join two lines where the left one ends in "-", deciding whether the hyphen is real.

    Looks at what follows: a conjunction ("zorg- en") or a capital ("Noord-\\nBrabant" keeps
    its hyphen anyway) means a real hyphen; the document's own vocabulary decides between
    "Koninkrijksrelaties" and "sanctie-uitvoering"; without evidence Dutch spelling rules decide
    (a hyphen between two vowels or after a capital/digit is real; otherwise it was a break).
    """
    left = left.rstrip()
    right = right.lstrip()
    if not left.endswith("-"):
        return f"{left} {right}".strip()
    stem = left[:-1]
    m_prev = re.search(r"(\S+)$", stem)
    m_next = re.match(r"(\S+)", right)
    if not m_prev or not m_next or stem.endswith(" "):
        return f"{left} {right}"
    prev_word = m_prev.group(1)
    next_token = m_next.group(1)
    word = re.match(r"[^\W\d_]*", next_token)
    next_word = word.group(0) if word else ""
    if next_token.lower().strip(",.;:") in _CONJUNCTIONS or not next_word:
        return f"{left} {right}"  # compound hyphen: "zorg- en veiligheidsdomein"
    if not next_word[0].islower():
        return f"{left}{right}"  # "Noord-Holland", "ZSM-aanpak": hyphen stays, no space
    return stem + ("-" if _keep_hyphen(prev_word, next_word, vocab) else "") + right


def _keep_hyphen(prev_word: str, next_word: str, vocab: Vocabulary | None) -> bool:
    prev_core = re.sub(r"^[^\w]+", "", prev_word)
    joined = prev_core + next_word
    hyphened = f"{prev_core}-{next_word}"
    if vocab is not None:
        n_joined, n_hyphened = vocab.count(joined), vocab.count(hyphened)
        if n_joined or n_hyphened:
            return n_hyphened > n_joined
    if not prev_core:
        return True
    if prev_core[-1].isupper() or prev_core[-1].isdigit():
        return True  # "GGZ-instellingen", "2e-lijns"
    return prev_core[-1].lower() in _VOWELS and next_word[0].lower() in _VOWELS


def join_lost_hyphen(left: str, right: str, vocab: Vocabulary) -> str | None:
    """Join "tegen" + "woordig" when a PDF dropped the hyphen at a line break.

    Only when the document proves it: the joined word occurs elsewhere, and the pieces are
    not both common words on their own. Returns None when the lines should be joined with a space.
    """
    m_prev = re.search(r"([^\W\d_]+)$", left.rstrip())
    m_next = re.match(r"([^\W\d_]+)", right.lstrip())
    if not m_prev or not m_next or not m_next.group(1)[0].islower():
        return None
    a, b = m_prev.group(1), m_next.group(1)
    if vocab.count(a + b) == 0:
        return None
    if vocab.count(a) > vocab.count(a + b) and vocab.count(b) > vocab.count(a + b):
        return None
    return left.rstrip() + right.lstrip()


# --- spaced-out letters --------------------------------------------------------------------------

_ABBREVIATIONS_SPACED = {"jl", "mr", "dr", "nr", "ca", "bv", "bijv", "o.a", "e.d", "t.a.v"}


def collapse_spaced_letters(text: str, vocab: Vocabulary) -> str:
    """Repair words that PDF extraction split with spaces ("kri jgt", "W M O", "j l .").

    Two neighbouring tokens are merged only when neither occurs anywhere else in the document on
    its own (so they are fragments, not words) and the merged form is a word the document uses, or
    the split falls at "i j", the classic gap of an extracted ij-ligature.
    """
    text = _collapse_letter_runs(text, vocab)
    out: list[str] = []
    pos = 0
    # overlapping scan: in "vorm kri jgt" the pair to test is ("kri", "jgt"), not ("vorm", "kri")
    for m in re.finditer(r"\b(?=([^\W\d_]+) ([^\W\d_]+)\b)", text):
        if m.start() < pos:
            continue
        merged = _merge_pair(m.group(1), m.group(2), vocab)
        if merged is not None:
            out.append(text[pos : m.start()])
            out.append(merged)
            pos = m.start() + len(m.group(1)) + 1 + len(m.group(2))
    out.append(text[pos:])
    return "".join(out)


def _merge_pair(a: str, b: str, vocab: Vocabulary) -> str | None:
    if not b[0].islower() or len(a) > 15 or len(b) > 15:
        return None
    a_word = vocab.standalone(a, b, word_first=True) > 0
    b_word = vocab.standalone(b, a, word_first=False) > 0
    if a_word or b_word:
        return None  # a piece that is a word elsewhere: "volgen de" stays two words
    if vocab.count(a + b) and vocab.count(a + b) >= vocab.pairs.get(f"{a} {b}".lower(), 0):
        return a + b  # the author writes the joined form at least as often
    if a.endswith("i") and b.startswith("j"):
        return a + b  # the "i j" gap of an extracted ij-ligature: "ti jdig"
    return None


def _collapse_letter_runs(text: str, vocab: Vocabulary) -> str:
    """Single letters separated by spaces: "W M O 2015" -> "WMO 2015", "j l ." -> "jl."."""

    def repl(m: re.Match[str]) -> str:
        letters = m.group(0).replace(" ", "")
        if letters.lower() in vocab or letters.lower() in _ABBREVIATIONS_SPACED:
            return letters
        return m.group(0)

    text = re.sub(r"(?<![\w.])(?:[^\W\d_] ){1,5}[^\W\d_](?![\w])", repl, text)
    return re.sub(r"\b(jl|nr|ca|bijv) \.", r"\1.", text)


# --- footnote markers ----------------------------------------------------------------------------

_YEAR_WITH_MARKER_RE = re.compile(r"\b((?:19|20)\d\d)(\d) (\d)(?=[.,;:]?(?:\s|$))")


def remove_footnote_markers(text: str) -> str:
    """Drop footnote numbers that extraction glued into the running text.

    Only digit patterns that cannot be content are removed: a split two-digit number between a
    word or sentence end and a capitalised word or punctuation ("krijgt 1 0 In"), a one- or
    two-digit number right after a sentence end before a capital ("gedrag. 3 Wij",
    "beleidskokers'.1 We"), after a comma glued without space ("zijn,2 Maar"), or at the end of
    a block after a full stop. Numbers inside sentences ("in 2018 ruim 32 gemeenten") stay.
    """
    text = _YEAR_WITH_MARKER_RE.sub(r"\1", text)  # "20051 4." is 2005 + marker 14
    # split two-digit marker after a word or punctuation
    text = re.sub(
        r"(?<=[^\W\d_]|[.,;:!?'\")]) ?\b\d \d\b(?= ?[.,;:](?:\s|$)| [^\W\d_\"']|$)",
        "",
        text,
    )
    # marker right after a sentence end (with or without space) before a capitalised word
    text = re.sub(r"(?<=[^\W\d_][.!?]) ?\d{1,2}(?= [A-Z][a-z])", "", text)
    text = re.sub(r"(?<=[.!?]['\")]) ?\d{1,2}(?= [A-Z])", "", text)
    text = re.sub(r"(?<=['\")][.!?])\d{1,2}(?= [A-Z])", "", text)  # "beleidskokers'.1 We"
    # glued to a comma or semicolon before a capital: "zijn,2 Maar"
    text = re.sub(r"(?<=[^\W\d_][,;])\d{1,2}(?= [A-Z])", "", text)
    # glued after a sentence end without space: "verschilt.4 Daarnaast"
    text = re.sub(r"(?<=[^\W\d_]{2}[.])\d{1,2}(?= [A-Z])", "", text)
    # trailing marker at the end of a block: "aan te pakken. 7"
    text = re.sub(r"(?<=[.!?'\")])\s*\d{1,2}\s*$", "", text)
    return text


def remove_glued_word_markers(text: str, vocab: Vocabulary) -> str:
    """Drop a footnote number glued to a word ("Nederland2 en", "T-shaped5 professional").

    Only when the bare word is a word of the document and the glued form occurs just this once,
    so names with numbers ("Platform31", "COVID19") survive.
    """

    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        known_word = vocab.count(word) >= 1 and len(word) >= 4 and word[-1].islower()
        return word if known_word and vocab.glued[m.group(0)] <= 1 else m.group(0)

    return re.sub(r"\b([^\W\d_]{4,})(\d{1,2})\b(?=[\s,.;:)]|$)", repl, text)


# --- whitespace ----------------------------------------------------------------------------------


def normalize_whitespace(text: str) -> str:
    """One space between words, none before closing punctuation that extraction spaced off."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=[^\W\d_)]) +(?=[.,;:](?:\s|$))", "", text)
    return text


_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_MD_LINK_RE = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*([^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")


def _link_text(m: re.Match[str]) -> str:
    """A link keeps its words; a web address stays readable after them, since a memo cannot
    follow a link. Targets that lead nowhere outside the page (an anchor "#", a mail address
    already shown as the text) are dropped."""
    is_image, text, target = bool(m.group(1)), m.group(2).strip(), m.group(3)
    web = not is_image and text != target and target.startswith(("http://", "https://", "www."))
    if not text:
        return target if web and target.startswith("http") else ""
    return f"{text} ({target})" if web else text


def strip_markdown_inline(text: str) -> str:
    """Remove bold/italic markers, link markup ("[gids](#)" → "gids"), footnote
    superscripts ("gemeenten<sup>2</sup>") and backslash escapes; the words stay exactly as
    written."""
    text = _MD_LINK_RE.sub(_link_text, text)
    text = re.sub(r"<sup>\s*\d{1,3}\s*</sup>", "", text)
    text = re.sub(r"</?sup>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*\\])\*(?!\s)([^*\n]+?)(?<![\s\\])\*(?![\w*])", r"\1", text)
    text = text.replace("**", "")
    # backslash escapes ("Veiligheid \(CCV\)") stand for the character itself
    return _MD_ESCAPE_RE.sub(r"\1", text)
