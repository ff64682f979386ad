"""Helpers for tests that start real servers (Streamlit, `chroma run`, the fake LLM)."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    """A loopback port that was free a moment ago (nothing listens on it yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate, and kill when the process does not exit in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
