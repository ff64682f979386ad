"""Record (and refuse) every outbound network attempt a Python process makes.

Used by tests/test_offline.py: `sitecustomize_dir(tmp, log)` writes a sitecustomize.py that
imports this module, so any Python started with that directory on PYTHONPATH (console
scripts such as `.venv/bin/vraagbaak`, `python -m streamlit`, and their Python children)
installs the audit hook before it runs a line of application code.

The hook watches the audit events CPython raises for name lookups and connections
("socket.getaddrinfo", "socket.gethostbyname", "socket.connect", "socket.sendto", ...).
Loopback (127.0.0.0/8, ::1, localhost), unspecified bind addresses and AF_UNIX sockets are
allowed; anything else is appended as one JSON line to the log file and refused with an
OSError, so a test never waits for a network time-out.

Limits: native code that opens sockets itself (Chroma's Rust core, C extensions, libcurl)
raises no Python audit events and is invisible here; test_offline.py adds a second layer
with `strace -f -e trace=connect` for that.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

LOG_ENV = "NETGUARD_LOG"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}
WATCHED = {
    "socket.connect",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
}


def is_local_host(host: Any, own_names: frozenset[str] = frozenset()) -> bool:
    """True for loopback, unspecified (bind) addresses, this machine's name and None."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip().lower().strip("[]").split("%")[0]
    if host in LOCAL_NAMES or host in own_names:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name that needs DNS: that is an outbound attempt
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _target(event: str, args: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """(host, port) an event is about, or None when it cannot leave the machine."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        family = getattr(sock, "family", None)
        if family == getattr(socket, "AF_UNIX", object()) or isinstance(address, str | bytes):
            return None  # a Unix domain socket path
        if address is None:
            return None  # sendmsg on a connected socket: its connect was already checked
        if isinstance(address, tuple) and address:
            return address[0], address[1] if len(address) > 1 else None
        return address, None
    if event == "socket.getaddrinfo":
        return args[0], args[1]
    if event == "socket.getnameinfo":
        sockaddr = args[0]
        return (sockaddr[0], sockaddr[1]) if isinstance(sockaddr, tuple) else (sockaddr, None)
    return args[0], None  # gethostbyname(_ex), gethostbyaddr


def install(log_path: str | os.PathLike[str]) -> None:
    """Add the audit hook (it cannot be removed again: Python audit hooks are permanent)."""
    log = Path(log_path)
    own = frozenset({socket.gethostname().lower()})  # resolved from /etc/hosts, not DNS
    busy = False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        nonlocal busy
        if event not in WATCHED or busy:
            return
        target = _target(event, args)
        if target is None or is_local_host(target[0], own):
            return
        busy = True  # writing the log must not re-enter the hook
        try:
            stack = traceback.extract_stack(limit=12)[:-1]
            record = {
                "event": event,
                "host": repr(target[0]),
                "port": repr(target[1]),
                "pid": os.getpid(),
                "argv": sys.argv[:3],
                "stack": [f"{f.filename}:{f.lineno} {f.name}" for f in stack[-6:]],
            }
            with log.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
        finally:
            busy = False
        raise OSError(f"netguard: outbound network access refused ({event} {target[0]!r})")

    sys.addaudithook(hook)


def sitecustomize_dir(folder: Path, log_path: Path) -> Path:
    """A folder to put first on PYTHONPATH: its sitecustomize.py installs the guard, logging
    to log_path (also exported as NETGUARD_LOG, so child processes log to the same file)."""
    folder.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).resolve().parent
    (folder / "sitecustomize.py").write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(here)!r})\n"
        "import netguard\n"
        f"netguard.install(os.environ.get({LOG_ENV!r}) or {str(log_path)!r})\n"
        "del sys.path[0]\n",
        encoding="utf-8",
    )
    return folder


def read_log(log_path: Path) -> list[dict[str, Any]]:
    if not log_path.exists():
        return []
    return [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines() if line]
