"""The real page in a real browser: the Streamlit server on a free port over the real index,
driven by headless Chromium (Debian's, never a downloaded one) through Selenium.

What staff do: ask, read the numbered sources, open one to see the marked sentence, ask a
follow-up, give a thumbs up (found back in the SQLite file). What maintainers do: read the
eval reports, and start an eval on an uploaded Q&A file and read its figures against the
baseline. Screenshots go to test-output/ so a person can look at the page without starting it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from foundation.settings import Settings
from tests.processes import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 60  # two busy cores: a cold first answer can take a while

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

QUESTION = "Wat is het Zorg- en Veiligheidshuis?"
FOLLOW_UP = "En wie werken daar samen?"


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not become healthy in {timeout} s:\n{log.read_text()[-3000:]}")


def _write_reports(folder: Path) -> Path:
    """Two small eval runs, so the maintainers' page has a change to show."""
    import json

    def run(date: str, hit5: float, questions: list[dict]) -> dict:
        metrics = {
            "hit@1": hit5 - 0.2,
            "hit@3": hit5 - 0.05,
            "hit@5": hit5,
            "hit@10": hit5 + 0.05,
            "mrr@10": hit5 - 0.12,
            "ndcg@10": hit5 - 0.1,
            "citation_precision": 0.81,
            "citation_recall": 0.64,
            "abstention_accuracy": 0.89,
            "false_abstention_rate": 0.04,
            "token_f1": 0.41,
            "ask_p50_ms": 420.0,
            "ask_p95_ms": 980.0,
            "n_questions": len(questions),
        }
        by_type = {
            t: {**metrics, "hit@5": hit5 - d}
            for t, d in (("fact", 0), ("list", 0.1), ("why", 0.15), ("cross", 0.3))
        }
        by_doc = {
            d: {**metrics, "citation_recall": r}
            for d, r in (
                ("wegwijzer", 0.7),
                ("ledenbrief-zorg-veiligheid", 0.6),
                ("ondermijning-in-de-wijk", 0.55),
            )
        }
        return {
            "metrics": metrics,
            "by_type": by_type,
            "by_doc": by_doc,
            "questions": questions,
            "meta": {
                "date": date,
                "qa_file": "qa.jsonl",
                "embedding_model": "e5-small-q4",
                "code_version": "abc1234",
            },
        }

    ok = {
        "id": "q001",
        "type": "fact",
        "question": "Wie gaf de opdracht?",
        "quotes": ["x"],
        "first_hit_rank": 1,
        "abstained": False,
        "answer": "SZW en JenV [1].",
        "citations": [{"n": 1, "holds_gold": True}],
    }
    miss = {
        "id": "q042",
        "type": "cross",
        "question": "Welke rol speelt het RIEC in de wijk?",
        "quotes": ["Het RIEC ondersteunt gemeenten bij de bestuurlijke aanpak"],
        "first_hit_rank": 7,
        "abstained": False,
        "answer": "Het RIEC adviseert [1].",
        "citations": [{"n": 1, "holds_gold": False}],
    }
    (folder / "result-20250101T090000Z.json").write_text(
        json.dumps(run("2025-01-01T09:00:00+00:00", 0.78, [ok])), encoding="utf-8"
    )
    (folder / "result-20250201T090000Z.json").write_text(
        json.dumps(run("2025-02-01T09:00:00+00:00", 0.83, [ok, miss])), encoding="utf-8"
    )
    return folder


def _streamlit(
    settings: Settings,
    reports: Path,
    tmp_path_factory: pytest.TempPathFactory,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, Settings]]:
    """The page server on a free port over settings' index, reading reports from `reports`
    (extra_env: further settings, e.g. VRAAGBAAK_DOCUMENT_ADMIN)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("needs Debian's chromium and chromium-driver (`make browser` installs them)")
    port = free_port()
    env = dict(os.environ)
    for name in ("VRAAGBAAK_CHROMA_URL", "VRAAGBAAK_LLM_BASE_URL", "VRAAGBAAK_LLM_MODEL"):
        env.pop(name, None)
    env.update(
        VRAAGBAAK_HOME=str(settings.home),
        VRAAGBAAK_CORPUS=str(settings.corpus_dir),
        VRAAGBAAK_EMBEDDING=settings.embedding,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    env["VRAAGBAAK_REPORTS"] = str(reports)
    env.update(extra_env or {})
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "ui/app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url, settings
    finally:
        stop(proc, timeout=15)


@pytest.fixture(scope="module")
def server(
    corpus_index: Settings, browser_turn: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Settings]]:
    reports = _write_reports(tmp_path_factory.mktemp("reports"))
    yield from _streamlit(corpus_index, reports, tmp_path_factory)


@pytest.fixture(scope="module")
def eval_server(
    corpus_index: Settings, browser_turn: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Settings]]:
    """A server over a copy of the real index with no reports yet: the evals started from
    its page, their locks and status files meet no other test."""
    home = tmp_path_factory.mktemp("eval-index") / "home"
    shutil.copytree(
        corpus_index.home, home, ignore=shutil.ignore_patterns("eval*", "feedback*", "*.lock")
    )
    settings = replace(corpus_index, home=home, reports_dir=tmp_path_factory.mktemp("reports"))
    yield from _streamlit(settings, settings.reports_dir, tmp_path_factory)


@pytest.fixture(scope="module")
def driver(browser_turn: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("needs Debian's chromium and chromium-driver (`make browser` installs them)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--lang=nl-NL",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    # An explicit driver path: Selenium Manager never looks for (or downloads) one.
    drv = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    drv.set_page_load_timeout(WAIT)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _full_page_screenshot(drv, path: Path) -> None:
    """Streamlit scrolls inside its own container, so grow the window to the tallest
    scroll height for one screenshot, then put it back."""
    height = drv.execute_script(
        "return Math.max(...Array.from(document.querySelectorAll('*'), e => e.scrollHeight));"
    )
    drv.set_window_size(1400, min(int(height) + 150, 12000))
    time.sleep(1.0)
    drv.save_screenshot(str(path))
    drv.set_window_size(1400, 1000)


def _ask(drv, wait, question: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]')
    )
    box.click()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)


def _finished_answers(drv) -> int | None:
    """How many answers are complete (their feedback thumbs are rendered last), or None
    while a rerun is under way: Streamlit keeps the previous run's elements on the page,
    marked data-stale, until the new run replaces them."""
    from selenium.webdriver.common.by import By

    if drv.find_elements(By.CSS_SELECTOR, '[data-stale="true"]'):
        return None
    return len(drv.find_elements(By.CSS_SELECTOR, '[data-testid="stFeedback"]'))


def _label(summary) -> str:
    """The expander's label without the text of its arrow icon (a Material ligature)."""
    from selenium.webdriver.common.by import By

    found = summary.find_elements(By.CSS_SELECTOR, '[data-testid="stMarkdownContainer"]')
    return (found[0].text if found else summary.text).strip()


def _feedback_rows(db: Path) -> list[tuple[str, str, str]]:
    """Read through the product's own reader: the page creates the file a moment before its
    table, so a raw SELECT in between fails with "no such table" (seen in CI)."""
    from ui.feedback import read_feedback

    return [(r["answer_id"], r["question"], r["rating"]) for r in read_feedback(db)]


def test_ask_check_source_follow_up_and_feedback(server, driver, output_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, settings = server
    drv = driver
    wait = WebDriverWait(drv, WAIT, poll_frequency=0.3)
    db = settings.home / "feedback.sqlite"
    rows_before = set(_feedback_rows(db))

    drv.get(url)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    title = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "h1"))
    assert "Vraagbaak" in title.text
    drv.save_screenshot(str(output_dir / "app-empty.png"))

    # 1. a question: an answer with [n] markers and numbered sources under it
    _ask(drv, wait, QUESTION)
    wait.until(lambda d: _finished_answers(d) == 1)
    answer = drv.find_element(By.CSS_SELECTOR, ".vb-answer")
    assert "[1]" in answer.text
    markers = {m.text for m in drv.find_elements(By.CSS_SELECTOR, ".vb-answer .vb-marker")}
    summaries = drv.find_elements(
        By.CSS_SELECTOR, '[data-testid="stChatMessage"] [data-testid="stExpander"] summary'
    )
    labels = [_label(s) for s in summaries if _label(s).startswith("[")]
    assert labels and labels[0].startswith("[1]")
    assert markers <= {label.split("]")[0] + "]" for label in labels}

    # 2. open the first source: the passage with the supporting sentence marked
    first = next(s for s in summaries if _label(s).startswith("[1]"))
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", first)
    first.click()
    mark = wait.until(
        lambda d: next(
            (m for m in d.find_elements(By.CSS_SELECTOR, ".vb-passage mark") if m.is_displayed()),
            None,
        )
    )
    assert len(mark.text.strip()) > 20
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
    time.sleep(0.5)
    drv.save_screenshot(str(output_dir / "app-source-open.png"))
    _full_page_screenshot(drv, output_dir / "app-answer.png")

    # 3. a follow-up in the same conversation
    _ask(drv, wait, FOLLOW_UP)
    # both at once: between reruns the thumbs can be complete a moment before the new
    # turn's answer text has replaced its streaming placeholder
    wait.until(
        lambda d: (
            _finished_answers(d) == 2 and len(d.find_elements(By.CSS_SELECTOR, ".vb-answer")) == 2
        )
    )
    user_texts = [
        m.text
        for m in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
        if FOLLOW_UP in m.text
    ]
    assert user_texts
    # the follow-up's answer says what was searched: the user's own question plus the
    # context the conversation added, never a rewritten sentence
    messages = drv.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
    searched = [m.text for m in messages if "met context:" in m.text]
    assert len(searched) == 1, [m.text[:120] for m in messages]
    assert "Gezocht op je vraag, met context: het Zorg- en Veiligheidshuis" in searched[0]
    drv.save_screenshot(str(output_dir / "app-follow-up-context.png"))

    # 4. thumbs up on the first answer lands in the SQLite file
    thumbs_up = drv.find_elements(By.CSS_SELECTOR, 'button[aria-label="Thumbs up"]')[0]
    _click(drv, thumbs_up)
    deadline = time.monotonic() + WAIT
    new_rows: set = set()
    while time.monotonic() < deadline:
        new_rows = set(_feedback_rows(db)) - rows_before
        if new_rows:
            break
        time.sleep(0.3)
    assert [(q, r) for _, q, r in new_rows] == [(QUESTION, "up")]
    wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stTextInput"] input')
    )  # the optional comment box appears after a rating
    _full_page_screenshot(drv, output_dir / "app-conversation.png")


def _unsure_question(assistant) -> str:
    """A question of the Q&A set whose answer shows "Ook relevant" under the bundled model."""
    import json

    for line in (ROOT / "evals" / "qa.jsonl").read_text("utf-8").splitlines()[:80]:
        question = json.loads(line)["question"]
        answer = assistant.ask(question)
        if answer.alternatives and not answer.abstained:
            return question
    pytest.fail("none of 80 questions left the reranker unsure")


def test_unsure_answer_shows_ook_relevant_apart_and_memo_takes_a_pick(
    server, driver, assistant, output_dir: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    question = _unsure_question(assistant)
    url, _ = server
    drv = driver
    wait = WebDriverWait(drv, WAIT, poll_frequency=0.3)
    drv.get(url)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    _ask(drv, wait, question)
    box = wait.until(
        lambda d: next(
            iter(d.find_elements(By.CSS_SELECTOR, '[class*="st-key-vb-alternatives"]')), None
        )
    )
    assert "ook relevant" in box.text.lower()  # the title is set in capitals by CSS
    labels = [_label(s) for s in box.find_elements(By.CSS_SELECTOR, "summary")]
    cited = [
        _label(s)
        for s in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stExpander"] summary')
        if _label(s).startswith("[") and _label(s) not in labels
    ]
    assert labels and cited  # the answer's own sources and the alternatives, apart
    first_alt = int(labels[0].split("]")[0].strip("["))
    assert first_alt == len(cited) + 1  # numbered after the citations
    answer = drv.find_element(By.CSS_SELECTOR, ".vb-answer").text
    assert f"[{first_alt}]" not in answer
    notices = " ".join(
        e.text for e in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stAlert"]')
    )
    assert "Ook relevant" in notices
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    time.sleep(0.5)
    drv.save_screenshot(str(output_dir / "app-ook-relevant.png"))

    # the memo text holds an alternative only once it is ticked
    def memo_text() -> str:
        """The memo block's text; "" while a rerun replaces the elements."""
        from selenium.common.exceptions import StaleElementReferenceException

        try:
            return _memo_text()
        except StaleElementReferenceException:
            return ""

    def _memo_text() -> str:
        memo = next(
            s
            for s in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stExpander"] summary')
            if "memo" in _label(s)
        )
        details = memo.find_element(By.XPATH, "./ancestor::details")
        if details.get_attribute("open") is None:
            drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", memo)
            memo.click()
        codes = details.find_elements(By.CSS_SELECTOR, "code")
        return codes[0].get_attribute("textContent") if codes else ""

    first = wait.until(lambda d: memo_text())
    assert "Bronnen" in first and "Ook relevant" not in first
    tick = box.find_element(By.CSS_SELECTOR, '[data-testid="stCheckbox"] input')
    drv.execute_script("arguments[0].click();", tick)  # under the sticky top bar otherwise
    wait.until(lambda d: "Ook relevant (niet in het antwoord)" in memo_text())
    _full_page_screenshot(drv, output_dir / "app-ook-relevant-memo.png")


def test_eval_page_for_maintainers(server, driver, output_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, _ = server
    wait = WebDriverWait(driver, WAIT, poll_frequency=0.3)
    driver.get(f"{url}/evaluaties")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')) >= 6)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]'))
    text = driver.find_element(By.CSS_SELECTOR, "body").text
    assert "Gevonden in top 5" in text and "83,0%" in text and "+5,0 pp" in text
    assert "Fouten: 1 van 2" in text
    time.sleep(1.5)  # charts draw after the data arrives
    _full_page_screenshot(driver, output_dir / "app-evaluaties.png")


def _body_text(drv) -> str:
    from selenium.webdriver.common.by import By

    return drv.find_element(By.CSS_SELECTOR, "body").text


def _upload(drv, wait, path: Path) -> None:
    from selenium.webdriver.common.by import By

    field = wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="stFileUploader"] input[type=file]')
    )
    field.send_keys(str(path))


def _click_button(drv, wait, label: str) -> None:
    from selenium.webdriver.common.by import By

    button = wait.until(
        lambda d: next(
            (
                b
                for b in d.find_elements(By.CSS_SELECTOR, "button")
                if b.text.strip().endswith(label)
            ),
            None,
        )
    )
    _click(drv, button)


def _click(drv, element, tries: int = 10) -> None:
    """Click as a user would, once the element is in view and uncovered: while the page is
    still drawing (a rerun, the chat input sliding over the last answer), another element can
    sit on top of it for a moment, and Chromium refuses the click."""
    from selenium.common.exceptions import ElementClickInterceptedException

    for attempt in range(tries):
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if attempt == tries - 1:
                raise
            time.sleep(0.5)


def test_start_an_eval_from_the_page_and_read_it_against_the_baseline(
    eval_server, driver, output_dir: Path, tmp_path: Path
) -> None:
    import fcntl

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from ui.eval_jobs import lock_path

    url, settings = eval_server
    drv = driver
    wait = WebDriverWait(drv, WAIT, poll_frequency=0.3)
    lines = (ROOT / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    none = next(line for line in lines if '"type": "none"' in line)
    good = tmp_path / "klein.jsonl"
    good.write_text("\n".join([*lines[:3], none]) + "\n", encoding="utf-8")
    bad = tmp_path / "kapot.jsonl"
    bad.write_text(lines[0] + "\n{geen json\n" + lines[0] + "\n", encoding="utf-8")

    drv.get(f"{url}/evaluaties")
    wait.until(lambda d: "Nog geen evaluaties" in _body_text(d))

    # 1. another process runs an eval on this data dir: a click says so, in Dutch
    fd = os.open(lock_path(settings.home), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        _click_button(drv, wait, "Evaluatie starten")
        wait.until(lambda d: "Er loopt al een evaluatie op deze gegevensmap" in _body_text(d))
    finally:
        os.close(fd)

    # 2. an invalid upload: its bad lines named, nothing started
    radio = wait.until(
        lambda d: next(
            (x for x in d.find_elements(By.CSS_SELECTOR, '[data-testid="stRadio"] label')
             if "Een eigen bestand" in x.text),
            None,
        )
    )  # fmt: skip
    radio.click()
    _upload(drv, wait, bad)
    wait.until(lambda d: "is geen geldige vragenset: fout op regels 2, 3" in _body_text(d))
    text = _body_text(drv)
    assert "regel 2: geen geldige JSON" in text and "regel 3: id 'q001' staat al op regel 1" in text
    drv.save_screenshot(str(output_dir / "app-eval-upload-invalid.png"))

    # 3. a valid upload, started from the page: progress, then its report
    _upload(drv, wait, good)
    wait.until(lambda d: "klein.jsonl: 4 vragen, in orde." in _body_text(d))
    _click_button(drv, wait, "Evaluatie starten")
    wait.until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, '[data-testid="stProgress"]')
            or "Evaluatie klaar" in _body_text(d)
        )
    )
    if "Evaluatie klaar" not in _body_text(drv):
        drv.save_screenshot(str(output_dir / "app-eval-running.png"))
        # the chat page works while the eval runs in the background, and a new session of
        # the eval page follows the same run
        drv.get(url)
        wait.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]')
        )
        drv.get(f"{url}/evaluaties")
    wait.until(lambda d: "Evaluatie klaar" in _body_text(d))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')) >= 6)
    width = drv.execute_script(
        "return document.querySelector('[data-testid=\"stMainBlockContainer\"]').offsetWidth"
    )
    assert width > 1000  # still the wide page after the rerun its progress bar started
    time.sleep(1.5)  # charts draw after the data arrives
    _full_page_screenshot(drv, output_dir / "app-eval-done.png")
    text = _body_text(drv)
    assert "4 vragen uit klein.jsonl" in text
    assert "vragenset klein.jsonl" in text and "van 4 vragen" in text  # the new run is shown
    assert "Gevonden in top 5" in text and "Bronprecisie" in text
    assert "Vergelijking met de baseline" in text
    baseline = json.loads((ROOT / "evals" / "baseline.json").read_text("utf-8"))
    n_baseline = baseline["metrics"]["n_questions"]
    assert f"andere vragenset dan de baseline ({n_baseline} vragen)" in text
    table = drv.find_element(By.CSS_SELECTOR, '[data-testid="stTable"]').text
    hit5 = f"{100 * baseline['metrics']['hit@5']:.1f}%".replace(".", ",")
    assert "Gevonden in top 5" in table and hit5 in table  # the baseline's hit@5
    assert "Marge" in table and "telt niet mee" in table
    assert len(list(settings.reports_dir.glob("result-*.json"))) == 1  # where the CLI writes
