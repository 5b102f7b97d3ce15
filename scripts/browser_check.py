"""Real-browser check of ``archive serve``: headless Chromium, screenshots, no archived script runs.

Builds the sample archive of the Datasette tests (real scan code, one post whose text is
``<script>`` and ``<img onerror>`` markup), starts ``archive serve`` on a free 127.0.0.1 port,
loads pages in headless Chromium and checks the DOM after scripts ran: the hostile payload
would change ``document.title`` and set ``data-pwned`` on ``<body>``. A control page proves
that scripts do run in this browser. Screenshots go to docs/ (or --out).

Exits 0 when every check passed or when Chromium is not installed (with a message), 1 on a
failed check.

    python scripts/browser_check.py [--out docs]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from datasette_sample import (  # noqa: E402
    HOSTILE,
    HOSTILE_TEXT,
    MAYOR,
    PIER,
    build_sample_archive,
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--virtual-time-budget=3000",
]
SCREENSHOTS = {
    "datasette-home.png": ("/", (1100, 720)),
    "datasette-provenance.png": (f"/archive/provenance?post={PIER}", (1600, 560)),
    "datasette-post.png": (f"/archive/posts/{MAYOR}", (1300, 640)),
}
HOSTILE_PAGES = [
    f"/archive/posts/{HOSTILE}",
    "/archive/posts",
    "/archive/search?q=onerror",
    f"/archive/provenance?post={HOSTILE}",
    "/archive/embeds",
]
CONTROL = "data:text/html,<title>before</title><body><script>document.title='JS-RAN'</script>"
# The hostile text pasted into a page unescaped: the check must catch it.
UNSAFE = "data:text/html," + quote(
    f"<title>t</title><body>{HOSTILE_TEXT} &lt;script&gt;document.title="
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, executable: str, profile: Path) -> None:
        self.executable = executable
        self.profile = profile

    def run(self, *args: str) -> str:
        self.profile.mkdir(exist_ok=True)
        result = subprocess.run(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", *args],
            capture_output=True,
            text=True,
            timeout=90,
        )
        if result.returncode != 0:
            raise RuntimeError(f"chromium failed ({result.returncode}): {result.stderr[-500:]}")
        return result.stdout

    def dump_dom(self, url: str) -> str:
        return self.run("--dump-dom", url)

    def screenshot(self, url: str, path: Path, size: tuple[int, int]) -> None:
        self.run(f"--window-size={size[0]},{size[1]}", f"--screenshot={path}", url)
        if not path.is_file() or path.stat().st_size == 0:
            raise RuntimeError(f"no screenshot written to {path}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: Path, port: int, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "serve", "--db", str(db_path), "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"archive serve exited: {process.stderr.read().decode()[-500:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("archive serve did not answer within 30 s")


def presentable(db_path: Path) -> None:
    """Give the sample articles web addresses, as a real archive has, for the screenshots."""
    db = sqlite_utils.Database(db_path)
    for article_id, url in db.execute("select id, url from articles").fetchall():
        name = url.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        db.execute(
            "update articles set url = ? where id = ?",
            [f"https://news.example/2025/03/{name}", article_id],
        )
    db.conn.commit()
    db.conn.close()


def check_inert(dom: str, path: str) -> list[str]:
    """What is wrong with a page's DOM after its scripts ran (nothing when all is well)."""
    problems = []
    title = dom.split("<title>", 1)[-1].split("</title>", 1)[0]
    if "PWNED" in title:
        problems.append(f"{path}: archived script ran (title {title!r})")
    if "data-pwned" in dom:
        problems.append(f"{path}: archived onerror handler ran (body has data-pwned)")
    if '<img src="x"' in dom or "<script>document.title" in dom:
        problems.append(f"{path}: archived markup became elements")
    if "&lt;script&gt;document.title=" not in dom:
        problems.append(f"{path}: the hostile post's text is not shown as text")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="Screenshot folder.")
    args = parser.parse_args(argv)
    executable = find_chromium()
    if executable is None:
        print("browser-check: skipped: Chromium is not installed (apt-get install chromium)")
        return 0
    with tempfile.TemporaryDirectory(prefix="browser-check-") as tmp:
        work = Path(tmp)
        db_path = build_sample_archive(work)
        presentable(db_path)
        browser = Browser(executable, work / "profile")
        if "JS-RAN" not in browser.dump_dom(CONTROL) or not check_inert(
            browser.dump_dom(UNSAFE), "control"
        ):
            print("browser-check: FAILED: the controls show this check cannot see scripts run")
            return 1
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(db_path, port, work)
        problems: list[str] = []
        try:
            for path in HOSTILE_PAGES:
                problems += check_inert(browser.dump_dom(base + path), path)
            args.out.mkdir(parents=True, exist_ok=True)
            for filename, (path, size) in SCREENSHOTS.items():
                browser.screenshot(base + path, args.out / filename, size)
                print(f"browser-check: screenshot {args.out / filename} ({path})")
        finally:
            server.terminate()
            server.wait(timeout=10)
    for problem in problems:
        print(f"browser-check: FAILED: {problem}")
    if problems:
        return 1
    print(f"browser-check: ok: {len(HOSTILE_PAGES)} pages, no script from archived content ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
