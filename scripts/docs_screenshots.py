"""Make the screenshots of the user guide (docs/images/*.png).

Starts its own `rapport serve` on a free loopback port, with a temporary SQLite database holding
the demo workspace, signs in as the demo project manager and takes viewport screenshots in
Debian's Chromium (never a downloaded browser) at 1366 px and, for a few pages, 375 px wide. The
PNGs are reduced to a palette so each stays small. Nothing outside docs/images/ and the temporary
directory is touched.

    make docs-screenshots          # or: .venv/bin/python scripts/docs_screenshots.py
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 375, "height": 740}
PM_EMAIL = "priya@northwind.example"
PROJECT = "/o/demo/p/CRM"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rapport(*args: str) -> list[str]:
    """The command line of `rapport ARGS` in this virtualenv."""
    return [sys.executable, "-m", "rapport.cli", *args]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"rapport serve stopped (exit code {server.returncode}).")
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"rapport serve did not answer on {url} within {timeout:.0f} seconds.")


def save_small(png: bytes, path: Path) -> int:
    """Write a screenshot as a 256-colour PNG: UI screenshots lose nothing visible, and shrink
    to a fraction of their size."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    return path.stat().st_size


class Camera:
    def __init__(self, browser, base: str, output: Path):
        self.browser = browser
        self.base = base
        self.output = output
        self.taken: list[tuple[str, int]] = []

    def context(self, viewport: dict):
        context = self.browser.new_context(
            viewport=viewport, device_scale_factor=1, locale="en-GB", timezone_id="Europe/Amsterdam"
        )
        return context, context.new_page()

    def sign_in(self, page, password: str) -> None:
        page.goto(self.base + "/accounts/login/")
        page.get_by_label("E-mail").fill(PM_EMAIL)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/projects/")

    def shot(self, page, name: str, path: str | None = None, scroll_to: str | None = None) -> None:
        """Open `path` (unless None: the page as it is), scroll `scroll_to` (a CSS selector) near
        the top, and save the viewport as docs/images/<name>.png."""
        if path is not None:
            page.goto(self.base + path)
        page.wait_for_load_state("networkidle")
        if scroll_to:
            page.locator(scroll_to).first.evaluate(
                "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16)"
            )
        else:
            page.evaluate("window.scrollTo(0, 0)")
        size = save_small(page.screenshot(), self.output / f"{name}.png")
        self.taken.append((name, size))


def take_screenshots(base: str, env: dict, password: str, output: Path) -> list[tuple[str, int]]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        camera = Camera(browser, base, output)

        context, page = camera.context(DESKTOP)
        page.goto(base + "/accounts/login/")
        page.get_by_label("E-mail").fill(PM_EMAIL)
        camera.shot(page, "sign-in")
        camera.sign_in(page, password)
        camera.shot(page, "overview", PROJECT + "/")
        camera.shot(
            page, "customers", PROJECT + "/customers/", scroll_to="#list-title, #stakeholder-rows"
        )
        camera.shot(page, "raci", PROJECT + "/raci/", scroll_to="table")
        camera.shot(page, "communication-plan", PROJECT + "/comms/")

        # "Send now" on the sponsor's row, then a worker run: the mail lands in the outbox.
        page.get_by_role("row").filter(has_text="Simple progress report").get_by_role(
            "button", name="Send now"
        ).first.click()
        page.wait_for_load_state("networkidle")
        camera.shot(page, "send-now")
        subprocess.run(
            rapport("worker", "--batch", "--no-startup-delay", "-v", "0"),
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        camera.shot(page, "outbox", "/o/demo/outbox/")
        page.locator("a[href^='/o/demo/outbox/']:not([href='/o/demo/outbox/'])").first.click()
        page.wait_for_load_state()
        as_sent = page.get_by_role("link", name="Open as the recipient sees it").get_attribute(
            "href"
        )
        camera.shot(page, "outbox-message", as_sent)

        camera.shot(page, "status-form", PROJECT + "/status/new/")
        camera.shot(page, "estimates", PROJECT + "/estimates/")
        context.close()

        context, page = camera.context(PHONE)
        camera.sign_in(page, password)
        camera.shot(page, "overview-phone", PROJECT + "/")
        camera.shot(page, "communication-plan-phone", PROJECT + "/comms/")
        camera.shot(page, "status-form-phone", PROJECT + "/status/new/")
        context.close()
        browser.close()
    return camera.taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: docs/images/")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    password = "docs-screenshots-demo"
    with tempfile.TemporaryDirectory(prefix="rapport-docs-") as tmp:
        port = free_port()
        env = {
            **os.environ,
            "RAPPORT_ENV": "development",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{tmp}/docs.sqlite3",
            "RAPPORT_VAR_DIR": tmp,
            "RAPPORT_DEMO_PASSWORD": password,
            "PORT": str(port),
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        env.pop("EMAIL_HOST", None)  # mail stays in the development outbox
        env.pop("EMAIL_BACKEND", None)
        quiet = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
        print("Preparing a demo database...")
        subprocess.run(rapport("migrate", "--no-input", "-v", "0"), **quiet)
        subprocess.run(rapport("demo"), **quiet)
        server = subprocess.Popen(
            rapport("serve", "--port", str(port), "--workers", "2", "--quiet"),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, server)
            taken = take_screenshots(base, env, password, args.output)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    for name, size in taken:
        print(f"  {args.output / (name + '.png')}  {size / 1024:.0f} KB")
    print(f"{len(taken)} screenshots written.")


if __name__ == "__main__":
    main()
