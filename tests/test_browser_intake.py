"""The idea intake in a real browser (Debian's headless Chromium through Playwright): a submitter
fills in the form by clicking and typing, gets the receipt and opens the private link; an advisor
of the chosen organisation signs in, finds the idea in the inbox, opens it and the dashboard.
axe-core (injected by the test, CSP bypassed for it only) finds zero WCAG 2.1 A/AA violations on
the submission form, the receipt, the submitter's page, the inbox, the idea page and the dashboard."""

from __future__ import annotations

import threading

import pytest
from test_browser import axe, browser, new_page, shots  # noqa: F401  (fixtures shared with the other browser tests)


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


def _pick(page, name: str, value: str) -> None:
    box = page.locator(f'input[name="{name}"][value="{value}"]')
    page.locator(f'label[for="{box.get_attribute("id")}"]').click()


def test_from_submission_to_the_advisors_inbox(browser, site, shots):  # noqa: F811
    url, advisor_email = site
    page = new_page(browser)
    page.goto(f"{url}/?lang=sv")
    with page.expect_navigation():
        page.locator("a[data-submit-idea]").click()
    axe(page, "intake-form", shots)
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
    axe(page, "intake-form-error", shots)
    page.locator('label[for="f-consent"]').click()
    with page.expect_navigation():
        page.locator("button.primary").click()
    link = page.locator("a[data-private-link]").get_attribute("href")
    axe(page, "intake-receipt", shots)
    page.goto(link)
    assert page.locator("dd[data-status='new']").count() == 1
    axe(page, "intake-status", shots)

    staff = new_page(browser)
    staff.goto(f"{url}/staff/ideas?lang=en")
    staff.fill("input[name=email]", advisor_email)
    staff.fill("input[name=password]", "correct horse battery staple")
    with staff.expect_navigation():
        staff.locator("form button[type=submit]").first.click()
    assert "/staff/ideas" in staff.url
    row = staff.locator("tr[data-idea]")
    assert row.count() == 1 and "urgent" == row.locator("td[data-priority]").get_attribute("data-priority")
    assert row.locator("[data-urgent]").count() == 1  # disclosure within four weeks, nothing filed
    axe(staff, "intake-inbox", shots)
    with staff.expect_navigation():
        row.locator("a").first.click()
    for d in staff.locator("details.how").all():
        d.locator("summary").first.click()
    assert staff.locator("[data-fact='triage.priority']").get_attribute("data-value") == "urgent"
    axe(staff, "intake-idea", shots)
    staff.goto(f"{url}/staff/dashboard")
    assert staff.locator("img.chart").count() == 4
    axe(staff, "intake-dashboard", shots)
