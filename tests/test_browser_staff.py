"""Staff pages in a real browser (the fixtures of tests/test_browser.py): an admin signs in with
the keyboard and mouse, adds an account and signs out; axe-core reports zero WCAG 2.1 A/AA
violations on the sign-in page (also with its error), the staff home, the accounts page, the
audit log and the password page."""

from __future__ import annotations

import threading

import pytest
from test_browser import axe, browser, new_page, shots  # noqa: F401  (fixtures shared with the other browser tests)
from web_helpers import PASSWORD, make_staff


@pytest.fixture(scope="module")
def site(shipped, tmp_path_factory):
    """(base URL, admin) of a server with one admin account."""
    from werkzeug.serving import make_server

    from webui import create_app

    db = tmp_path_factory.mktemp("browser-staff") / "b.sqlite3"
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{db}", "WORKSPACE": shipped, "SECRET_KEY": "browser-staff", "SESSION_COOKIE_SECURE": False}
    )
    admin = make_staff(app, "admin", email="admin@example.org")
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", admin
    srv.shutdown()


def test_admin_signs_in_adds_an_account_and_signs_out(browser, site, shots):  # noqa: F811
    url, admin = site
    page = new_page(browser)
    page.goto(url + "/")
    page.get_by_role("link", name="För personal").click()
    assert "/staff/sign-in" in page.url
    page.fill("#email", admin.email)
    page.fill("#password", "wrong password!")
    page.keyboard.press("Enter")
    page.wait_for_selector("#signin-error")
    axe(page, "staff-sign-in-error", shots)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    assert page.url.endswith("/staff")
    axe(page, "staff-home", shots)
    page.get_by_role("link", name="Personalkonton").click()
    page.fill("#new-email", "trainer@example.org")
    page.fill("#new-name", "Tränare Ett")
    page.select_option("#new-role", "trainer")
    with page.expect_navigation():
        page.get_by_role("button", name="Lägg till ett konto").click()
    assert page.locator("[data-new-password]").count() == 1
    assert page.locator('tr[data-account="trainer@example.org"]').count() == 1
    axe(page, "staff-accounts", shots)
    page.goto(url + "/staff/audit?lang=en")
    assert page.locator('tr[data-audit-action="staff.created"]').count() == 1
    axe(page, "staff-audit", shots)
    page.goto(url + "/staff/password")
    axe(page, "staff-password", shots)
    page.goto(url + "/staff?lang=sv")
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    assert "/staff/sign-in" in page.url
    axe(page, "staff-sign-in", shots)
    page.context.close()
