"""Full-page screenshots of every main page, as each role, for a human to look at.

Loads the Licang demo into a scratch SQLite directory, serves it with ``yuanqu serve``, logs in through the real
form as each role with the passwords the demo prints, and drives Debian's Chromium (never a downloaded browser)
through the pages. The PNGs go to test-artifacts/screenshots/ (gitignored); failed requests (a missing
stylesheet, say) and browser console errors are listed at the end, and make the script exit non-zero.

    .venv/bin/python bench/screenshots.py [--out DIR] [--port 8011] [--var-dir DIR] [--width 1366] [--lang zh-hans]

Without --var-dir a fresh temporary directory is used and removed afterwards; an existing --var-dir must be
empty, since the demo prints the generated passwords only when it creates the accounts.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

PROJECT = Path(__file__).resolve().parents[1]
YUANQU = PROJECT / ".venv" / "bin" / "yuanqu"
CHROMIUM = os.environ.get("YUANQU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# The demo's user names, by role.
DEMO_USERS = {"region_admin": "admin", "auditor": "auditor", "region_staff": "staff", "leader": "leader",
              "park_operator": "operator", "enterprise_user": "enterprise"}


@dataclass
class Problems:
    """What the browser reported while the pages were shot."""

    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)


def load_demo(env: dict[str, str]) -> dict[str, str]:
    """Run ``yuanqu demo`` and return the generated password of each demo user."""
    out = subprocess.run([str(YUANQU), "demo"], env=env, check=True, capture_output=True, text=True).stdout
    passwords: dict[str, str] = {}
    names = set(DEMO_USERS.values())
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in names:
            passwords[parts[0]] = parts[-1]
    if set(passwords) != names:
        sys.exit(f"the demo printed no passwords for {sorted(names - set(passwords))}: use an empty --var-dir\n{out}")
    return passwords


@contextmanager
def serve(env: dict[str, str], port: int) -> Iterator[str]:
    """Serve the app in the background until the block ends."""
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(YUANQU), "serve", "--port", str(port), "--no-worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    sys.exit(f"yuanqu serve exited: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.2)
        else:
            sys.exit("yuanqu serve did not answer on /healthz")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# A well-formed code (check digit 3) with its last character changed: only the check digit is wrong.
INVALID_USCC = "91350100M000100Y44"


class Shooter:
    """Logs in as a role and saves numbered full-page screenshots."""

    def __init__(self, browser: Browser, base: str, out: Path, passwords: dict[str, str], width: int,
                 lang: str) -> None:
        self.browser, self.base, self.out, self.passwords = browser, base, out, passwords
        self.width, self.lang = width, lang
        self.problems = Problems()
        self.saved: list[Path] = []

    def _watch(self, page: Page) -> None:
        page.on("response", lambda r: r.status >= 400 and self.problems.failed_requests.append(
            f"{r.status} {r.url} (on {page.url})"))
        page.on("requestfailed", lambda r: self.problems.failed_requests.append(
            f"failed {r.url}: {r.failure} (on {page.url})"))
        page.on("console", lambda m: m.type == "error" and self.problems.console_errors.append(
            f"{m.text} [{m.location.get('url', '')}] (on {page.url})"))
        page.on("pageerror", lambda e: self.problems.console_errors.append(f"{e} (on {page.url})"))

    @contextmanager
    def as_role(self, role: str | None) -> Iterator[Page]:
        """A fresh browser context, logged in as the demo user of that role (or anonymous)."""
        context = self.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                           viewport={"width": self.width, "height": 900})
        context.set_default_timeout(20_000)
        page = context.new_page()
        self._watch(page)
        if self.lang != "zh-hans":
            context.add_cookies([{"name": "django_language", "value": self.lang, "url": self.base}])
        if role:
            username = DEMO_USERS[role]
            page.goto(f"{self.base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", self.passwords[username])
            with page.expect_navigation():
                page.click("#login-form button[type=submit]")
            if "/accounts/login/" in page.url:
                sys.exit(f"could not log in as {username}")
        try:
            yield page
        finally:
            context.close()

    def shot(self, page: Page, name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(self.base + path)
        page.wait_for_load_state("networkidle")
        # A table or form wider than the window makes the whole page scroll sideways.
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            self.problems.overflowing.append(f"{name} ({page.url})")
        target = self.out / f"{len(self.saved) + 1:02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        self.saved.append(target)
        print(f"  {target.relative_to(PROJECT) if target.is_relative_to(PROJECT) else target}  ({page.url})")


def follow_first(page: Page, selector: str) -> None:
    """Open the first link matching selector (to reach a detail page without knowing its id)."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def run(shooter: Shooter) -> None:
    """The pages, as the roles that use them."""
    steps: list[tuple[str | None, Callable[[Page], None]]] = []

    def anonymous(page: Page) -> None:
        shooter.shot(page, "login", "/accounts/login/")
        page.fill("#id_username", "staff")
        page.fill("#id_password", "wrong-password")
        with page.expect_navigation():
            page.click("#login-form button[type=submit]")
        shooter.shot(page, "login-error")

    def staff(page: Page) -> None:
        shooter.shot(page, "home-staff", "/")
        shooter.shot(page, "parks-list", "/parks/")
        shooter.shot(page, "parks-search-xltd", "/parks/?q=xltd")
        follow_first(page, "#park-table tbody a")
        shooter.shot(page, "park-xinliantiandi")
        page.click("#stage-tabs [data-stage=fitout]")
        page.wait_for_selector("#stage-tabs [data-stage=fitout].btn-primary")
        shooter.shot(page, "park-xinliantiandi-fitout-tab")
        shooter.shot(page, "enterprises-list", "/enterprises/")
        follow_first(page, "table tbody td a[href*='/enterprises/']")
        shooter.shot(page, "enterprise-detail")
        page.goto(shooter.base + "/enterprises/new/")
        page.fill("#id_uscc", INVALID_USCC)
        page.fill("#id_name", "青岛校验位错误有限公司")
        with page.expect_navigation():
            page.click("#main-form button[type=submit]")
        shooter.shot(page, "enterprise-form-uscc-error")
        shooter.shot(page, "settlements-list", "/enterprises/settlements/")
        follow_first(page, "table tbody a[href*='/settlements/']")
        shooter.shot(page, "settlement-detail")
        shooter.shot(page, "api-tokens", "/accounts/tokens/")
        shooter.shot(page, "api-docs", "/api/docs")
        investment(page, "")
        statistics(page, "")

    def investment(page: Page, suffix: str) -> None:
        """The investment pages (招商): board and funnel, leads, projects with their timeline, cases."""
        shooter.shot(page, f"inv-board{suffix}", "/investment/board/")
        shooter.shot(page, f"inv-pool{suffix}", "/investment/leads/pool/")
        shooter.shot(page, f"inv-leads{suffix}", "/investment/leads/")
        if page.locator("#lead-table tbody a").count():
            follow_first(page, "#lead-table tbody a")
            shooter.shot(page, f"inv-lead-detail{suffix}")
        shooter.shot(page, f"inv-due{suffix}", "/investment/leads/due/")
        shooter.shot(page, f"inv-stale{suffix}", "/investment/leads/stale/")
        shooter.shot(page, f"inv-projects{suffix}", "/investment/projects/")
        if page.locator("table tbody a[href*='/investment/projects/']").count():
            follow_first(page, "table tbody a[href*='/investment/projects/']")
            shooter.shot(page, f"inv-project-detail{suffix}")
        shooter.shot(page, f"inv-cases{suffix}", "/investment/cases/")
        if page.locator("table tbody a[href*='/investment/cases/']").count():
            follow_first(page, "table tbody a[href*='/investment/cases/']")
            shooter.shot(page, f"inv-case-detail{suffix}")

    def statistics(page: Page, suffix: str) -> None:
        shooter.shot(page, f"stats-aggregates{suffix}", "/stats/")
        shooter.shot(page, f"stats-reports{suffix}", "/stats/reports/")
        shooter.shot(page, f"stats-rounds{suffix}", "/stats/rounds/")
        if page.locator("table tbody a[href*='/stats/rounds/']").count():
            follow_first(page, "table tbody a[href*='/stats/rounds/']")
            shooter.shot(page, f"stats-round-detail{suffix}")
        shooter.shot(page, f"stats-targets{suffix}", "/stats/targets/")
        shooter.shot(page, f"cockpit{suffix}", "/dashboards/")
        shooter.shot(page, f"briefings{suffix}", "/briefings/")
        shooter.shot(page, f"imports{suffix}", "/imports/")

    def admin(page: Page) -> None:
        shooter.shot(page, "home-admin", "/")
        shooter.shot(page, "users-list", "/accounts/users/")
        shooter.shot(page, "user-new", "/accounts/users/new/")

    def auditor(page: Page) -> None:
        shooter.shot(page, "audit-log", "/audit/")
        follow_first(page, "table tbody a[href*='/audit/']")
        shooter.shot(page, "audit-detail")

    def leader(page: Page) -> None:
        shooter.shot(page, "home-leader", "/")
        shooter.shot(page, "cockpit-leader", "/dashboards/")

    def operator(page: Page) -> None:
        shooter.shot(page, "home-operator", "/")
        shooter.shot(page, "parks-list-operator", "/parks/")
        investment(page, "-operator")
        statistics(page, "-operator")

    def enterprise(page: Page) -> None:
        shooter.shot(page, "home-enterprise", "/")  # the enterprise's own page: it has no enterprise list
        follow_first(page, "a[href*='/settlements/']")
        shooter.shot(page, "settlement-detail-enterprise")
        shooter.shot(page, "stats-my-reports-enterprise", "/stats/reports/")

    steps = [(None, anonymous), ("region_staff", staff), ("region_admin", admin), ("auditor", auditor),
             ("leader", leader), ("park_operator", operator), ("enterprise_user", enterprise)]
    for role, step in steps:
        print(f"{role or 'anonymous'}:")
        with shooter.as_role(role) as page:
            step(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "test-artifacts" / "screenshots")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--var-dir", type=Path, help="an empty directory for the demo's SQLite file")
    parser.add_argument("--width", type=int, default=1366, help="viewport width in CSS pixels")
    parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])
    args = parser.parse_args()

    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="yuanqu-shots-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"YUANQU_DEMO": "1", "YUANQU_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "yuanqu.settings"})
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    try:
        print(f"loading the Licang demo into {var_dir} …")
        passwords = load_demo(env)
        with serve(env, args.port) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            shooter = Shooter(browser, base, args.out, passwords, args.width, args.lang)
            run(shooter)
            browser.close()
    finally:
        if args.var_dir is None:
            shutil.rmtree(var_dir, ignore_errors=True)

    problems = shooter.problems
    # Browsers ask for /favicon.ico on their own; the app has none.
    ignored = re.compile(r"/favicon\.ico")
    failed = [f for f in problems.failed_requests if not ignored.search(f)]
    console = [c for c in problems.console_errors if not ignored.search(c)]
    print(f"\n{len(shooter.saved)} screenshots in {args.out}")
    for line in failed:
        print(f"REQUEST  {line}")
    for line in console:
        print(f"CONSOLE  {line}")
    for line in problems.overflowing:
        print(f"WIDE     {line}")
    if failed or console or problems.overflowing:
        sys.exit(1)


if __name__ == "__main__":
    main()
