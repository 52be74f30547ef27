"""Browser tests: a live server, Debian's Chromium driven headless by Playwright, one browser per session.

Every page a test opens is watched: a request to any host but the live server's is refused and fails the
test, and so does any console error or uncaught exception. A failed test leaves a screenshot in
`test-artifacts/`. Without Chromium at CHROMIUM_PATH the browser tests are deselected with one line saying so.
"""

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from pytest_django.live_server_helper import LiveServer

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
HERE = Path(__file__).resolve().parent
_skip_reason = {}


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if Path(item.path).is_relative_to(HERE)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not CHROMIUM_PATH.exists():
        _skip_reason["line"] = (
            f"Chromium not found at {CHROMIUM_PATH}: {len(browser_items)} browser tests skipped "
            "(apt-get install chromium to run them)"
        )
        # Under pytest-xdist the workers collect and the controller prints: the root conftest prints the line.
        if hasattr(config, "workeroutput"):
            config.workeroutput.setdefault("summary_lines", []).append(_skip_reason["line"])
        config.hook.pytest_deselected(items=browser_items)
        items[:] = [item for item in items if item not in browser_items]


def pytest_terminal_summary(terminalreporter):
    if "line" in _skip_reason:
        terminalreporter.write_line(_skip_reason["line"], yellow=True, bold=True)


@dataclass
class PageWatch:
    """What went wrong on the pages of one test: outside requests, console errors, uncaught exceptions."""

    origin: str
    problems: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)

    def attach(self, context):
        context.route("**/*", self._route)
        context.on("page", self._watch_page)

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another host: {url}")
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _watch_page(self, page):
        self.pages.append(page)
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception on {page.url}: {error}"))

    def _console(self, page, msg):
        if msg.type == "error":
            self.problems.append(f"console error on {page.url}: {msg.text}")

    def check(self):
        problems, self.problems[:] = list(self.problems), []
        assert not problems, "The browser reported:\n  " + "\n  ".join(problems)


class _SharedChromium:
    """One Playwright and one Chromium for the whole run, however many modules define a `browser` fixture.

    Playwright's sync API refuses to start twice in one thread, and other suites (tests/security) import
    this module's `browser` fixture, which makes a second session fixture of the same name; each one takes
    a reference here, and the last to finish closes the browser.
    """

    users = 0
    playwright = None
    browser = None
    previous_async_unsafe = None

    @classmethod
    @contextmanager
    def use(cls):
        if cls.users == 0:
            from playwright.sync_api import sync_playwright

            # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
            # plain blocking calls, which Django would otherwise refuse inside a running loop.
            cls.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        cls.users += 1
        try:
            yield cls.browser
        finally:
            cls.users -= 1
            if cls.users == 0:
                cls.browser.close()
                cls.playwright.stop()
                cls.browser = cls.playwright = None
                if cls.previous_async_unsafe is None:
                    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
                else:
                    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls.previous_async_unsafe


@pytest.fixture(scope="session")
def browser():
    with _SharedChromium.use() as chromium:
        yield chromium


class _ServerThatFinishesItsRequests(ThreadedWSGIServer):
    """Django's live server, but closing it waits for the requests it has accepted: Django answers each in a
    daemon thread, which socketserver leaves running when the server closes."""

    daemon_threads = False


@pytest.fixture
def live_server(transactional_db, _test_settings):
    """A live server for this test alone, stopped as the test ends, before its database is emptied and its
    settings put back.

    Pages keep talking to the server as they close: the editor's autosave leaves with a keepalive request
    when its page is hidden, which Chromium sends after the context is closed and which no route sees. A
    server shared by the whole session would still be writing it while the test's database is flushed (on
    SQLite, on the very connection the flush uses). Once this one has stopped, every request it accepted
    has been answered (the contexts, closed first, have closed their connections) and a later one is
    refused."""
    server = LiveServer("localhost", start=False)
    server.thread.server_class = _ServerThatFinishesItsRequests
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_context(browser, live_server, transactional_db, request):
    """Opens browser contexts on the live server (desktop, light scheme unless told), all watched."""
    origin = live_server.url.rstrip("/")
    watch = PageWatch(origin=origin)
    request.node._page_watch = watch
    contexts = []

    def open_context(*, viewport=None, color_scheme="light", java_script_enabled=True, **kwargs):
        context = browser.new_context(
            base_url=origin,
            viewport=viewport or DESKTOP,
            color_scheme=color_scheme,
            java_script_enabled=java_script_enabled,
            reduced_motion="reduce",
            **kwargs,
        )
        context.set_default_timeout(10_000)
        watch.attach(context)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fails the test itself, not its teardown, when a watched page misbehaved."""
    result = yield
    watch = getattr(item, "_page_watch", None)
    if watch is not None:
        watch.check()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    watch = getattr(item, "_page_watch", None)
    if report.when == "call" and report.failed and watch is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
        for index, open_page in enumerate(p for p in watch.pages if not p.is_closed()):
            path = ARTIFACTS / f"{name}-{index}.png"
            try:
                open_page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # a screenshot must never hide the real failure
                report.sections.append(("screenshot", f"could not save {path}: {error}"))
            else:
                report.sections.append(("screenshot", str(path)))
    return report


AXE_ALL_RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
# The rules whose outcome depends on colours; the rest judge the markup, which is the same in both schemes.
AXE_COLOUR_RULES = {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}


def run_axe(page, *, only_colours: bool = False) -> list[dict]:
    """Runs axe-core on the open page; returns its serious and critical violations."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing at {AXE_SCRIPT}: run `npm ci` at the project root")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (runOnly) => await axe.run(document, {resultTypes: ['violations'], runOnly})",
        AXE_COLOUR_RULES if only_colours else AXE_ALL_RULES,
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe_violations(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def sign_in(context, user, live_server_url):
    """Gives a browser context the session of `user`, as if they had signed in (no page load)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server_url}])
