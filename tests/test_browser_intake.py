"""The idea intake in a real browser (Debian's headless Chromium through Playwright): a submitter
fills in the form by clicking and typing, gets the receipt and opens the private link; an advisor
of the chosen organisation signs in, finds the idea in the inbox, opens it and the dashboard.
axe-core (injected by the test, CSP bypassed for it only) finds zero WCAG 2.1 A/AA violations on
the submission form, the receipt, the submitter's page, the inbox, the idea page and the dashboard."""

from __future__ import annotations

import os
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
def site(shipped, tmp_path_factory):
    """The app on a loopback port, with an advisor of Region Västerbotten; yields (url, advisor e-mail)."""
    from web_helpers import make_staff
    from werkzeug.serving import make_server

    from webui import create_app

    db = tmp_path_factory.mktemp("browser-intake") / "b.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "WORKSPACE": shipped, "SECRET_KEY": "browser", "SESSION_COOKIE_SECURE": False})
    advisor = make_staff(app, "advisor", "region_vasterbotten")
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", advisor.email
    srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def _page(browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1000, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    return context.new_page()


def _axe(page, name: str) -> None:
    folder = Path(os.environ.get("VAGVISARE_SCREENSHOTS") or tempfile.gettempdir())
    page.screenshot(path=str(folder / f"intake-{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], f"{name}: {violations}"


def _pick(page, name: str, value: str) -> None:
    box = page.locator(f'input[name="{name}"][value="{value}"]')
    page.locator(f'label[for="{box.get_attribute("id")}"]').click()


def test_from_submission_to_the_advisors_inbox(browser, site):
    url, advisor_email = site
    page = _page(browser)
    page.goto(f"{url}/?lang=sv")
    with page.expect_navigation():
        page.locator("a[data-submit-idea]").click()
    _axe(page, "form")
    page.fill("#f-title", "Sutur som mäter spänning")
    page.fill("#f-description", "En sutur som varnar när såret riskerar att öppnas.")
    page.fill("#f-need", "Sårruptur efter bukkirurgi.")
    _pick(page, "t.triage.submitter_role", "care_staff")
    _pick(page, "t.triage.organisation_type", "region")
    page.fill("#f-submitter_organisation", "Norrlands universitetssjukhus")
    page.fill("#f-email", "inventor@example.org")
    _pick(page, "organisation", "region_vasterbotten")
    _pick(page, "t.triage.idea_kind", "device_or_diagnostic")
    _pick(page, "t.triage.application_filed", "no")
    _pick(page, "t.triage.disclosure_planned", "yes")
    page.fill("#t-triage-weeks_to_disclosure", "2")
    with page.expect_navigation():
        page.locator("button.primary").click()
    assert page.locator("[role=alert]").count() == 1  # consent not given: the form says so, nothing sent
    _axe(page, "form-error")
    page.locator('label[for="f-consent"]').click()
    with page.expect_navigation():
        page.locator("button.primary").click()
    link = page.locator("a[data-private-link]").get_attribute("href")
    _axe(page, "receipt")
    page.goto(link)
    assert page.locator("dd[data-status='new']").count() == 1
    _axe(page, "status")

    staff = _page(browser)
    staff.goto(f"{url}/staff/ideas?lang=en")
    staff.fill("input[name=email]", advisor_email)
    staff.fill("input[name=password]", "correct horse battery staple")
    with staff.expect_navigation():
        staff.locator("form button[type=submit]").first.click()
    assert "/staff/ideas" in staff.url
    row = staff.locator("tr[data-idea]")
    assert row.count() == 1 and "urgent" == row.locator("td[data-priority]").get_attribute("data-priority")
    assert row.locator("[data-urgent]").count() == 1  # disclosure within four weeks, nothing filed
    _axe(staff, "inbox")
    with staff.expect_navigation():
        row.locator("a").first.click()
    for d in staff.locator("details.how").all():
        d.locator("summary").first.click()
    assert staff.locator("[data-fact='triage.priority']").get_attribute("data-value") == "urgent"
    _axe(staff, "idea")
    staff.goto(f"{url}/staff/dashboard")
    assert staff.locator("img.chart").count() == 4
    _axe(staff, "dashboard")
