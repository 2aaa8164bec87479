"""Headless Chromium driven over the DevTools protocol on a pipe: no extra Python package,
no network port. Used by the report tests and by ``make report-shot``.

Chromium started with ``--remote-debugging-pipe`` reads commands on file descriptor 3 and
writes replies and events on 4, each a JSON message ended by a NUL byte.

    python -m tests.browser results/report.html docs/report-first-screen.png
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EXECUTABLES = ("chromium", "chromium-browser", "google-chrome")
WIDTH, HEIGHT = 1280, 900  # the first screen of a laptop


def executable() -> str:
    """The browser to drive; ``CHROMIUM`` in the environment overrides the search."""
    found = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, EXECUTABLES)),
                                               None)
    if not found:
        raise RuntimeError("no Chromium found: install Debian's chromium package "
                           "(apt-get install chromium) or set CHROMIUM")
    return found


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, timeout: float = 60.0):
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._profile = tempfile.TemporaryDirectory(prefix="elsim-chromium-")
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def on_fds_3_and_4() -> None:
            # Moved out of the way first: a pipe end may itself be fd 3 or 4.
            high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(replies_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self._process = subprocess.Popen(
            [executable(), "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", f"--user-data-dir={self._profile.name}",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--hide-scrollbars", "about:blank"],
            close_fds=False, preexec_fn=on_fds_3_and_4,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._last_id = 0
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target,
                                  flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)
        self._profile.cleanup()

    def send(self, method: str, session: str | None = None, **params: Any) -> dict:
        """Send one command and wait for its reply; events meanwhile go to ``events``."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def page(self, method: str, **params: Any) -> dict:
        """A command to the page."""
        return self.send(method, self._session, **params)

    def open(self, path: Path) -> None:
        """Load a local file and wait for its load event (images decoded)."""
        self.events.clear()
        self.page("Page.navigate", url=path.resolve().as_uri())
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not load in {self.timeout} s")
            self.events.append(self._receive())

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads reported so far."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                 "assert"):
                found.append(" ".join(str(a.get("value", a.get("description", "")))
                                      for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", "error"))
        return found

    def screenshot(self) -> bytes:
        """The visible part of the page (the first screen) as PNG."""
        return base64.b64decode(self.page("Page.captureScreenshot", format="png")["data"])

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            # A browser that hangs fails the test instead of blocking it forever.
            if not select.select([self._replies], [], [], self.timeout)[0]:
                raise TimeoutError(f"Chromium sent nothing in {self.timeout} s")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.browser REPORT.html SHOT.png", file=sys.stderr)
        return 2
    report, shot = Path(argv[0]), Path(argv[1])
    with Browser() as browser:
        browser.open(report)
        data = browser.screenshot()
        errors = browser.errors()
    shot.write_bytes(data)
    print(f"wrote {shot} ({WIDTH}x{HEIGHT}, first screen of {report})")
    for error in errors:
        print(f"console error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
