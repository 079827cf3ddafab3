"""The web UI in a real browser: Debian's headless Chromium driven by Playwright (never a
downloaded browser). A full MDR consultation to the report in Swedish and English, the
language switch, back, change, what-if, save and resume, the journey with JavaScript off,
keyboard-only completion, and axe-core (injected by the test, CSP bypassed for it only)
with zero WCAG 2.1 A/AA violations on every kind of page. Screenshots go to the folder
printed at the start (VAGVISARE_SCREENSHOTS, else a temporary folder)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("VAGVISARE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)", allow_module_level=True)
if not AXE.exists():
    pytest.skip(f"axe-core is not installed at {AXE} (run: npm --prefix tests/browser ci)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def shots():
    folder = Path(os.environ.get("VAGVISARE_SCREENSHOTS") or tempfile.mkdtemp(prefix="vagvisare-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def server(shipped, tmp_path_factory):
    from werkzeug.serving import make_server

    from webui import create_app

    db = tmp_path_factory.mktemp("browser") / "b.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "WORKSPACE": shipped, "SECRET_KEY": "browser", "SESSION_COOKIE_SECURE": False})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def new_page(browser, js=True):
    context = browser.new_context(java_script_enabled=js, bypass_csp=True, viewport={"width": 1000, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    return context.new_page()


def axe(page, name, shots):
    """Zero WCAG 2.1 A/AA violations on the page (a screenshot is kept either way)."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], f"{name}: {violations}"
    return len(result["passes"])


def answer_all(page, picks=None, limit=80):
    """Answer every question by clicking, as a user would; returns the questions asked."""
    asked = []
    for _ in range(limit):
        if page.locator('input[name="question"]').count() == 0:
            return asked
        qid = page.locator('input[name="question"]').get_attribute("value")
        asked.append(qid)
        value = (picks or {}).get(qid)
        text_input = page.locator('input[name="answer"][type="text"], input[name="answer"][type="date"]')
        if value is None and text_input.count():
            text_input.first.fill("3" if text_input.first.get_attribute("type") == "text" else "2024-01-01")
        else:
            box = page.locator(f'input[name="answer"][value="{value}"]') if value else page.locator('input[name="answer"]').first
            page.locator(f'label[for="{box.get_attribute("id")}"]').click()
        with page.expect_navigation():  # the next check must read the next page, not this one
            page.locator("button.primary").click()
    raise AssertionError("the guide did not finish")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_full_mdr_consultation_to_the_report(browser, server, shots, lang):
    page = new_page(browser)
    page.goto(f"{server}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "sv":
        axe(page, "start-sv", shots)
    page.locator('button[data-module="mdr"]').click()
    if lang == "sv":
        axe(page, "question-sv", shots)
    answer_all(page)
    assert "check" in page.url
    axe(page, f"check-{lang}", shots)
    page.locator("a[data-see-result]").click()
    assert page.locator("dd[data-fact='mdr.class']").count() == 1 or page.locator("[data-fact]").count() > 0
    for d in page.locator("details.how").all():
        d.locator(":scope > summary").click()  # open every "how" so axe checks it too
        for proof in d.locator("details.proof").all():
            proof.locator(":scope > summary").click()  # and the full proof inside it
    axe(page, f"result-{lang}", shots)
    page.get_by_role("link", name="Rapport att skriva ut" if lang == "sv" else "Printable report").click()
    assert page.locator("article.report h1").count() == 1
    axe(page, f"report-{lang}", shots)


def test_switch_back_change_what_if_save_resume(browser, server, shots):
    page = new_page(browser)
    page.goto(server + "/")
    page.locator('button[data-module="mdr"]').click()
    first = page.locator('input[name="question"]').get_attribute("value")
    page.locator('label[for="a-1"]').click()
    page.locator("button.primary").click()
    second = page.locator('input[name="question"]').get_attribute("value")
    assert second != first
    page.locator("a[data-lang-switch]").click()  # the place is kept
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('input[name="question"]').get_attribute("value") == second
    page.get_by_role("button", name="Back").click()
    assert page.locator('input[name="question"]').get_attribute("value") == first
    answer_all(page)
    page.goto(page.url.rsplit("/", 1)[0] + f"/change/{first}")
    page.locator('label[for="a-2"]').click()
    page.locator("button.primary").click()
    answer_all(page)
    page.locator("a[data-see-result]").click()
    page.get_by_role("link", name="What if …").click()
    page.locator("select").first.select_option("yes")
    page.get_by_role("button", name="Compare").click()
    assert page.locator("table.whatif").count() >= 1
    axe(page, "what-if-en", shots)
    code = page.url.split("/")[4]
    other = new_page(browser)
    other.goto(server + "/?lang=en")
    other.fill("#code", code)
    other.get_by_role("button", name="Resume").click()
    assert code in other.url and other.locator("[data-case-id]").inner_text() == code


def test_journey_without_javascript_and_other_pages(browser, server, shots):
    page = new_page(browser, js=False)
    page.goto(server + "/")
    page.locator('button[data-module="pathway"]').click()
    answer_all(page)
    page.locator("a[data-see-result]").click()
    assert page.locator("[data-fact]").count() > 0
    case = page.url.split("/")[4]
    page.goto(f"{server}/c/{case}/pathway/graph")
    assert page.locator("svg[role='img']").count() == 1
    js_page = new_page(browser)
    js_page.goto(f"{server}/pathway")
    axe(js_page, "pathway", shots)
    js_page.goto(f"{server}/kb?q=programvara")
    axe(js_page, "kb-browser", shots)
    js_page.goto(f"{server}/directory")
    axe(js_page, "directory", shots)
    js_page.goto(f"{server}/calendar")
    axe(js_page, "calendar", shots)


def test_keyboard_only(browser, server, shots):
    page = new_page(browser)
    page.goto(server + "/?lang=en")
    for _ in range(60):  # Tab to the consortium guide's Start button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.module") == "consortium":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(40):
        if page.locator('input[name="question"]').count() == 0:
            break
        page.keyboard.press("Tab")
        for _ in range(30):  # to the first answer control
            if page.evaluate("document.activeElement.name") == "answer":
                break
            page.keyboard.press("Tab")
        kind = page.evaluate("document.activeElement.type")
        if kind == "text":
            page.keyboard.type("3")
        elif kind in ("radio", "checkbox"):
            page.keyboard.press("Space")
        for _ in range(30):  # on to Continue
            if page.evaluate("document.activeElement.className") == "primary":
                break
            page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "check" in page.url
    page.screenshot(path=str(shots / "keyboard-done.png"))
    case = page.url.split("/")[4]
    page.goto(f"{server}/c/{case}/consortium/partners?lang=en")
    axe(page, "partner-table", shots)
    page.goto(f"{server}/c/{case}")
    axe(page, "case", shots)
    page.goto(f"{server}/no-such-page")
    axe(page, "error-404", shots)


def teardown_module(module):
    shutil.rmtree(Path(tempfile.gettempdir()) / "playwright-artifacts", ignore_errors=True)
