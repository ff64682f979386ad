"""Nothing phones home: ingest, search, ask and the chat page make no outbound connection.

Layer 1 (always): every command runs as a subprocess whose sitecustomize installs
tests/netguard.py, a `sys.addaudithook` hook that records (and refuses) any name lookup or
connection to a non-loopback address. The test fails when that log is not empty.

Layer 2 (when `strace` is installed): the same subprocesses run under
`strace -f -e trace=connect`, which also sees sockets opened by native code that never
passes through Python's socket module (Chroma's Rust core, C extensions); any connect() to a
non-loopback AF_INET/AF_INET6 address fails the test. Without strace this layer is skipped
with a reason (Debian: `apt-get install strace`).

Control cases prove both layers can fail: a connection attempt to 192.0.2.1 (TEST-NET-1,
never routed, 0.1 s time-out) must show up in each.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.netguard import is_local_host, read_log, sitecustomize_dir
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180
STRACE = shutil.which("strace")
STREAMLIT_SETTLE_SECONDS = 4.0  # time given to any background telemetry after the page load

pytestmark = pytest.mark.timeout(600)

CONTROL = """
import socket
for target in [("192.0.2.1", 9), ("127.0.0.1", 9), ("::1", 9)]:
    s = socket.socket(socket.AF_INET6 if ":" in target[0] else socket.AF_INET)
    s.settimeout(0.1)
    try:
        s.connect(target)
    except OSError:
        pass
    s.close()
try:
    socket.getaddrinfo("example.com", 443)
except OSError:
    pass
"""


@dataclass
class Guarded:
    result: subprocess.CompletedProcess[str]
    python_events: list[dict]
    strace_connects: list[str] | None  # None: strace not available

    def assert_offline(self) -> None:
        output = self.result.stdout[-2000:] + self.result.stderr[-2000:]
        assert self.result.returncode == 0, output
        assert "Traceback" not in output, output
        assert self.python_events == [], self.python_events
        assert not self.strace_connects, self.strace_connects


class Sandbox:
    """Runs commands with the audit hook installed and, when possible, under strace."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def env(self, log: Path, home: Path) -> dict[str, str]:
        site = sitecustomize_dir(self.folder / "site", log)
        env = {
            k: v
            for k, v in os.environ.items()
            # run with the library defaults, not with the Makefile's offline exports
            if not k.startswith(("VRAAGBAAK_", "STREAMLIT_", "HF_", "TRANSFORMERS_"))
            and k not in ("ANONYMIZED_TELEMETRY", "LANGCHAIN_TRACING_V2", "DO_NOT_TRACK")
        }
        env.update(
            PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]),
            NETGUARD_LOG=str(log),
            VRAAGBAAK_HOME=str(home),
            VRAAGBAAK_EMBEDDING="e5-small-q4",
        )
        return env

    def start(
        self, argv: list[str], home: Path, use_strace: bool = True
    ) -> tuple[subprocess.Popen[str], Path, Path | None]:
        self.count += 1
        log = self.folder / f"net-{self.count}.jsonl"
        trace = self.folder / f"strace-{self.count}.txt" if STRACE and use_strace else None
        if trace is not None:
            argv = [STRACE, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect"] + [
                "-o",
                str(trace),
                *argv,
            ]
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env(log, home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # so stop() reaches strace's tracee too
        )
        return proc, log, trace

    @staticmethod
    def stop(proc: subprocess.Popen[str], grace: float = 30) -> tuple[str, str]:
        """SIGTERM the whole process group (strace alone would detach and leave its tracee
        running), then SIGKILL it if it does not end within `grace` seconds."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, TIMEOUT)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                return proc.communicate(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        raise AssertionError(f"process group {proc.pid} survived SIGKILL")

    def run(self, argv: list[str], home: Path, use_strace: bool = True) -> Guarded:
        proc, log, trace = self.start(argv, home, use_strace)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop(proc, grace=0)
            raise
        return self.collect(
            subprocess.CompletedProcess(argv, proc.returncode, out, err), log, trace
        )

    @staticmethod
    def collect(result: subprocess.CompletedProcess[str], log: Path, trace: Path | None) -> Guarded:
        connects = remote_connects(trace.read_text()) if trace is not None else None
        return Guarded(result, read_log(log), connects)


CONNECT = re.compile(
    r"connect\(\d+, \{sa_family=(AF_INET6?), .*?"
    r"(?:inet_addr\(\"([^\"]+)\"\)|inet_pton\(AF_INET6, \"([^\"]+)\")"
)


def remote_connects(trace: str) -> list[str]:
    """strace lines of connect() calls to a non-loopback internet address."""
    found = []
    for line in trace.splitlines():
        match = CONNECT.search(line)
        if match and not is_local_host(match.group(2) or match.group(3)):
            found.append(line.strip())
    return found


def vraagbaak(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("vraagbaak")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "ui.cli", *args]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    return Sandbox(tmp_path_factory.mktemp("offline"))


@dataclass
class SmallIndex:
    home: Path
    ingest: Guarded


@pytest.fixture(scope="module")
def small_index(sandbox: Sandbox) -> SmallIndex:
    """A small corpus ingested under the guard (what test_ingest_is_offline checks)."""
    corpus = sandbox.folder / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "# Zorg en veiligheid\n\nHet Zorg- en Veiligheidshuis brengt partners uit zorg, "
        "straf en veiligheid samen rond complexe casuïstiek. De gemeente is regievoerder.\n",
        encoding="utf-8",
    )
    (corpus / "manifest.toml").write_text(
        '[[document]]\nid = "a"\nfile = "a.md"\ntitle = "Document A"\n', encoding="utf-8"
    )
    home = sandbox.folder / "home"
    return SmallIndex(home, sandbox.run(vraagbaak("ingest", "--corpus", str(corpus)), home))


@pytest.fixture
def small_home(small_index: SmallIndex) -> Path:
    return small_index.home


def test_guard_records_an_outbound_attempt(sandbox: Sandbox, tmp_path: Path) -> None:
    run = sandbox.run([sys.executable, "-c", CONTROL], tmp_path / "home")
    events = run.python_events
    assert run.result.returncode == 0, run.result.stderr
    assert [(e["event"], e["host"]) for e in events] == [
        ("socket.connect", "'192.0.2.1'"),
        ("socket.getaddrinfo", "'example.com'"),
    ], events
    if run.strace_connects is not None:
        # the guard refused the connect before the syscall; strace is proven separately
        assert run.strace_connects == []


def test_strace_layer_sees_native_connects(tmp_path: Path) -> None:
    if STRACE is None:
        pytest.skip("strace is not installed (apt-get install strace): native layer not checked")
    trace = tmp_path / "trace.txt"
    code = (
        "import socket\ns = socket.socket()\ns.settimeout(0.1)\n"
        "try:\n    s.connect(('192.0.2.1', 9))\nexcept OSError:\n    pass\n"
    )
    subprocess.run(
        [STRACE, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect", "-o", str(trace)]
        + [sys.executable, "-c", code],
        timeout=TIMEOUT,
        check=True,
        capture_output=True,
    )
    assert any("192.0.2.1" in line for line in remote_connects(trace.read_text()))


def test_ingest_is_offline(small_index: SmallIndex) -> None:
    small_index.ingest.assert_offline()
    assert (small_index.home / "chroma").is_dir()


def test_search_is_offline(sandbox: Sandbox, small_home: Path) -> None:
    run = sandbox.run(vraagbaak("search", "Wat doet het Zorg- en Veiligheidshuis?"), small_home)
    run.assert_offline()
    assert "Veiligheidshuis" in run.result.stdout


def test_ask_is_offline(sandbox: Sandbox, small_home: Path) -> None:
    # VRAAGBAAK_LLM_* unset: the default extractive mode must not try any server
    run = sandbox.run(
        vraagbaak("ask", "Wat doet het Zorg- en Veiligheidshuis?", "--json"), small_home
    )
    run.assert_offline()
    assert '"citations"' in run.result.stdout


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.status, response.read().decode("utf-8", "replace")


def test_chat_page_load_is_offline(sandbox: Sandbox, small_home: Path) -> None:
    """`python -m streamlit run ui/app.py` with Streamlit's own defaults (no usage-stats
    flag): serving the page, the health check and the app script itself stay local."""
    port = free_port()
    argv = [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py")]
    argv += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    argv += ["--server.headless", "true"]
    proc, log, trace = sandbox.start(argv, small_home)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert proc.poll() is None, proc.communicate()
            try:
                status, body = fetch(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                assert time.monotonic() < deadline, "the page never came up"
                time.sleep(0.5)
        assert (status, body.strip()) == (200, "ok")
        status, page = fetch(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<html" in page.lower()
        time.sleep(STREAMLIT_SETTLE_SECONDS)
    finally:
        out, err = Sandbox.stop(proc)
    result = Sandbox.collect(subprocess.CompletedProcess(argv, 0, out, err), log, trace)
    result.assert_offline()

    # The app script only runs for a browser session; run it (page load plus one question)
    # under the guard too, through Streamlit's AppTest, which executes the real page.
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'ui' / 'app.py')!r}, default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "at.chat_input(key='question').set_value('Wat doet het Zorg- en Veiligheidshuis?').run()\n"
        "assert not at.exception, at.exception\n"
        "print('page ok')\n"
    )
    page_run = sandbox.run([sys.executable, "-c", script], small_home)
    page_run.assert_offline()
    assert "page ok" in page_run.result.stdout
