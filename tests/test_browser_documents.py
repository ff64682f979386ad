"""The Documents page in a real browser, over a copy of the bundled corpus and its real e5
index: an information adviser adds a small PDF, watches it being processed, asks a question
only that PDF answers and gets an answer citing it with its page; puts a new version in its
place and gets the new text cited; then removes it, and the same question is no longer
answered.

The server runs with VRAAGBAAK_DOCUMENT_ADMIN=1 on a copy of the corpus and of the session's
index in a temporary folder (the repo's corpus/ is never changed). Screenshots go to
test-output/documents-*.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.settings import Settings
from ingest.locking import ingest_lock
from ingest.pipeline import run_ingest
from tests.pdf_factory import make_text_pdf
from tests.test_browser import (  # noqa: F401  (driver is a fixture)
    CHROMEDRIVER,
    CHROMIUM,
    ROOT,
    WAIT,
    _ask,
    _click,
    _finished_answers,
    _full_page_screenshot,
    _label,
    _streamlit,
    driver,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]

TITLE = "Handreiking Veilige Haven"
PUBLISHER = "Gemeente Zuiderhaven"
QUESTION = "Binnen hoeveel werkdagen behandelt het Meldpunt Woonfraude in Zuiderhaven een melding?"
PAGES = [
    [
        "Handreiking Veilige Haven",
        "",
        "Deze handreiking beschrijft de aanpak van woonfraude in de gemeente Zuiderhaven.",
    ],
    [
        "Meldpunt Woonfraude",
        "",
        "Het Meldpunt Woonfraude Zuiderhaven behandelt elke melding over",
        "illegale onderverhuur binnen 10 werkdagen. Daarna krijgt de melder",
        "een brief met de uitkomst van het onderzoek.",
    ],
]
# The new version: the same page layout, another term.
PAGES_V2 = [
    PAGES[0],
    [
        "Meldpunt Woonfraude",
        "",
        "Het Meldpunt Woonfraude Zuiderhaven behandelt elke melding over",
        "illegale onderverhuur sinds de nieuwe werkwijze binnen 5 werkdagen.",
    ],
]
ABSTAIN = "Dit staat niet in de documenten"


@pytest.fixture(scope="module")
def doc_server(
    corpus_index: Settings, browser_turn: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Settings]]:
    """A page server with document changes enabled, on copies of corpus and index."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("needs Debian's chromium and chromium-driver (`make browser` installs them)")
    base = tmp_path_factory.mktemp("documents")
    corpus = shutil.copytree(corpus_index.corpus_dir, base / "corpus")
    home = shutil.copytree(corpus_index.home, base / "home", ignore=_skip_lock)
    settings = Settings(home=home, corpus_dir=corpus, embedding=corpus_index.embedding)
    copied = run_ingest(settings)  # the copy is complete: nothing to embed
    assert copied.embedded == 0 and not copied.added, copied.to_json()
    (base / "passages").write_text(str(copied.chunks))  # what the page should count
    yield from _streamlit(
        settings, base / "no-reports", tmp_path_factory, {"VRAAGBAAK_DOCUMENT_ADMIN": "1"}
    )


def _skip_lock(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "ingest.lock"]


# --- page helpers ------------------------------------------------------------------------


def _css(drv, selector: str) -> list:
    from selenium.webdriver.common.by import By

    return drv.find_elements(By.CSS_SELECTOR, selector)


def _settled(drv) -> bool:
    """No element of a previous run is still on show (Streamlit marks them data-stale)."""
    return not _css(drv, '[data-stale="true"]')


def _body(drv) -> str:
    return _css(drv, "body")[0].text


def _button(drv, text: str, scope=None):
    """The visible button whose own text is `text` (icons are ligature text, so: ends with)."""
    root = scope or drv
    from selenium.webdriver.common.by import By

    for button in root.find_elements(By.CSS_SELECTOR, "button"):
        if button.is_displayed() and button.text.strip().endswith(text):
            return button
    return None


def _input(drv, label: str, nth: int = 0):
    """The nth visible input with that label, None while a rerun replaces the form (an
    element found a moment before can be gone when it is asked whether it is shown)."""
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        found = [e for e in _css(drv, f'input[aria-label="{label}"]') if e.is_displayed()]
    except StaleElementReferenceException:
        return None
    return found[nth] if len(found) > nth else None


def _open_documents(drv, wait, url: str) -> None:
    drv.get(f"{url}/documenten")
    wait.until(lambda d: _css(d, '[data-testid="stDataFrame"]') and _settled(d))
    wait.until(lambda d: _button(d, "Toevoegen"))


def _chip(drv, name: str) -> bool:
    return any(
        c.get_attribute("title") == name for c in _css(drv, '[data-testid="stFileChipName"]')
    )


def _fill_add_form(drv, wait, pdf: Path | None, title: str) -> None:
    if pdf is not None:
        _css(drv, '[data-testid="stFileUploaderDropzoneInput"]')[0].send_keys(str(pdf))
        wait.until(lambda d: _chip(d, pdf.name))  # the upload box lists the file
    box = _input(drv, "Titel")
    box.clear()
    box.send_keys(title)
    _input(drv, "Uitgever").send_keys(PUBLISHER)
    _input(drv, "Datum").send_keys("2025-03")


def _answer(drv, wait, url: str, question: str) -> tuple[str, list[str]]:
    """Ask on a fresh chat page; the answer text and its source labels."""
    drv.get(url)
    wait.until(lambda d: _css(d, '[data-testid="stChatInputTextArea"]'))
    _ask(drv, wait, question)
    wait.until(lambda d: _finished_answers(d) == 1)
    text = _css(drv, ".vb-answer")[0].text
    summaries = _css(drv, '[data-testid="stChatMessage"] [data-testid="stExpander"] summary')
    return text, [_label(s) for s in summaries if _label(s).startswith("[")]


def _filter_options(drv, wait) -> list[str]:
    """The titles the sidebar's document filter offers."""
    from selenium.webdriver.common.keys import Keys

    box = wait.until(
        lambda d: next(iter(_css(d, '[data-testid="stSidebar"] [data-testid="stMultiSelect"]')))
    )
    _click(drv, box)
    options = wait.until(lambda d: _css(d, '[role="option"]'))
    texts = [o.text for o in options]
    drv.switch_to.active_element.send_keys(Keys.ESCAPE)
    return texts


# --- the test ------------------------------------------------------------------------------


def test_add_ask_remove_through_the_documents_page(
    doc_server,
    driver,  # noqa: F811 - the fixture imported from test_browser
    output_dir: Path,
    tmp_path: Path,
) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    url, settings = doc_server
    drv = driver
    # a rerun replaces elements while a condition looks at them: look again
    wait = WebDriverWait(
        drv, WAIT, poll_frequency=0.3, ignored_exceptions=(StaleElementReferenceException,)
    )
    pdf = make_text_pdf(tmp_path / "Handreiking Veilige Haven.pdf", PAGES)
    repo_manifest = (ROOT / "corpus" / "manifest.toml").read_bytes()

    # 1. the list of documents in the index, and the form
    _open_documents(drv, wait, url)
    text = _body(drv)
    passages = (Path(settings.home).parent / "passages").read_text()
    assert f"5 documenten, {passages} passages in de index" in text and TITLE not in text
    _full_page_screenshot(drv, output_dir / "documents-list.png")

    # 2. a missing title is refused in Dutch, with the file and the other fields kept
    _fill_add_form(drv, wait, pdf, "")
    _click(drv, _button(drv, "Toevoegen"))
    wait.until(lambda d: "Vul een titel in" in _body(d))
    publisher = wait.until(lambda d: _input(d, "Uitgever"))
    assert publisher.get_attribute("value") == PUBLISHER
    assert not (settings.corpus_dir / "handreiking-veilige-haven.pdf").exists()
    drv.save_screenshot(str(output_dir / "documents-refused.png"))

    # 3. add it while another ingest holds the lock: the page shows it waiting, then its
    #    progress, without a reload, and says when it is done
    with ingest_lock(settings.home):
        _input(drv, "Titel").send_keys(TITLE)
        _click(drv, _button(drv, "Toevoegen"))
        wait.until(lambda d: "Wacht tot een andere verwerking" in _body(d))
        progress = _css(drv, '[data-testid="stProgress"]')
        assert progress
        assert f"‘{TITLE}’ toevoegen" in _body(drv)
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", progress[0])
        drv.save_screenshot(str(output_dir / "documents-waiting.png"))
    done = f"‘{TITLE}’ is toegevoegd"
    # the list is redrawn without a reload; under load that rerun may land after the message
    wait.until(lambda d: done in _body(d) and "6 documenten" in _body(d) and _settled(d))
    text = _body(drv)
    assert "2 pagina's" in text and "6 documenten" in text
    assert (settings.corpus_dir / "handreiking-veilige-haven.pdf").read_bytes() == pdf.read_bytes()
    _full_page_screenshot(drv, output_dir / "documents-added.png")
    manifest = (settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    assert manifest.startswith("# The documents Vraagbaak answers from.")
    assert f'title = "{TITLE}"' in manifest and 'publisher = "Gemeente Zuiderhaven"' in manifest

    # 4. the chat page finds it without a restart: in the filter, and cited with its page
    drv.get(url)
    wait.until(lambda d: _css(d, '[data-testid="stChatInputTextArea"]'))
    assert TITLE in _filter_options(drv, wait)
    answer, labels = _answer(drv, wait, url, QUESTION)
    assert "10 werkdagen" in answer and "[1]" in answer, answer
    cited = [label for label in labels if TITLE in label]
    assert cited and "p. 2" in cited[0], labels
    _full_page_screenshot(drv, output_dir / "documents-answer.png")

    # 5. a new version, with a confirmation: the old passages are gone, the new one is cited
    _open_documents(drv, wait, url)
    _choose_document(drv, wait, TITLE)
    new_pdf = make_text_pdf(tmp_path / "veilige-haven-v2.pdf", PAGES_V2)
    uploads = _css(drv, '[data-testid="stFileUploaderDropzoneInput"]')
    uploads[1].send_keys(str(new_pdf))
    wait.until(lambda d: _chip(d, new_pdf.name))
    _click(drv, _button(drv, "Vervangen…"))
    dialog = wait.until(lambda d: next(iter(_css(d, '[role="dialog"]')), None))
    assert f"‘{TITLE}’ wordt vervangen door {new_pdf.name}" in dialog.text
    drv.save_screenshot(str(output_dir / "documents-confirm-replace.png"))
    _click(drv, _button(drv, "Ja, vervangen", scope=dialog))
    wait.until(lambda d: f"‘{TITLE}’ is vervangen" in _body(d) and _settled(d))
    assert (settings.corpus_dir / "handreiking-veilige-haven.pdf").read_bytes() == (
        new_pdf.read_bytes()
    )
    answer, labels = _answer(drv, wait, url, QUESTION)
    assert "5 werkdagen" in answer and "10 werkdagen" not in answer, answer
    assert any(TITLE in label and "p. 2" in label for label in labels), labels

    # 6. remove it, with a confirmation
    _open_documents(drv, wait, url)
    _choose_document(drv, wait, TITLE)
    tab = wait.until(
        lambda d: next((t for t in _css(d, '[role="tab"]') if "Verwijderen" in t.text), None)
    )
    _click(drv, tab)
    _click(drv, wait.until(lambda d: _button(d, "Verwijderen…")))
    # the dialog's title shows before its body: wait for the body's words
    dialog = wait.until(
        lambda d: next(
            (x for x in _css(d, '[role="dialog"]') if "wordt verwijderd" in x.text), None
        )
    )
    assert "manifest.toml" in dialog.text
    drv.save_screenshot(str(output_dir / "documents-confirm-remove.png"))
    _click(drv, _button(drv, "Ja, verwijderen", scope=dialog))
    removed = f"‘{TITLE}’ is verwijderd"
    wait.until(lambda d: removed in _body(d) and "5 documenten" in _body(d) and _settled(d))
    assert not (settings.corpus_dir / "handreiking-veilige-haven.pdf").exists()
    assert TITLE not in (settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    _full_page_screenshot(drv, output_dir / "documents-removed.png")

    # 7. the same question is no longer answered
    answer, labels = _answer(drv, wait, url, QUESTION)
    assert ABSTAIN in answer, answer
    assert not any(TITLE in label for label in labels)
    drv.save_screenshot(str(output_dir / "documents-abstains.png"))
    assert (ROOT / "corpus" / "manifest.toml").read_bytes() == repo_manifest


def _choose_document(drv, wait, title: str) -> None:
    """Pick a document in the 'Document' select box of the change section."""
    from selenium.webdriver.common.keys import Keys

    box = wait.until(lambda d: _input(d, "Document"))
    _click(drv, box)
    box.send_keys(title)
    option = wait.until(
        lambda d: next((o for o in _css(d, '[role="option"]') if title in o.text), None)
    )
    option.click()
    drv.switch_to.active_element.send_keys(Keys.ESCAPE)
    # the rerun is done when the replace form shows this document's title (second "Titel")
    wait.until(
        lambda d: (
            _settled(d)
            and title in (_input(d, "Document").get_attribute("value") or "")
            and (_input(d, "Titel", 1).get_attribute("value") or "") == title
        )
    )
