"""A live training session in a real browser (Debian's headless Chromium, Playwright, the
fixtures of tests/test_browser.py): a trainer's screen and two participants' phones in one run,
each a separate browser context (its own cookies), one phone with JavaScript off. axe-core
reports zero WCAG 2.1 A/AA violations on the trainer's screen, the participant's pages, the
summary and self-study.

Automatic updates (`<meta http-equiv="refresh">`) are the reader's choice (WCAG 2.2.1): axe's
`meta-refresh` rule cannot see that choice, so the pages are checked with updates turned off,
after the test has checked that turning them on and off works."""

from __future__ import annotations

import threading

import pytest
from test_browser import AXE, WCAG, axe, browser, new_page, shots  # noqa: F401  (fixtures shared with the other browser tests)
from web_helpers import PASSWORD, make_staff


@pytest.fixture(scope="module")
def site(shipped, tmp_path_factory):
    """(base URL, app) of a server with a trainer account."""
    from werkzeug.serving import make_server

    from webui import create_app

    db = tmp_path_factory.mktemp("browser-training") / "b.sqlite3"
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{db}", "WORKSPACE": shipped, "SECRET_KEY": "browser-training", "SESSION_COOKIE_SECURE": False}
    )
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", app
    srv.shutdown()


def violations(page) -> set[str]:
    """The ids of axe-core's WCAG 2.1 A/AA rules the page breaks."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return {v["id"] for v in result["violations"]}


def fill_scenario_form(page) -> int:
    """Answer every question of a scenario form as a user would (the first option, or a number); returns how many."""
    items = page.locator("form.scenario-form .item")
    for i in range(items.count()):
        item = items.nth(i)
        text = item.locator('input[type="text"], input[type="date"]')
        if text.count():
            text.first.fill("3")
        else:
            first = item.locator('input[name^="a."]').first
            page.locator(f'label[for="{first.get_attribute("id")}"]').click()
    return items.count()


def test_a_session_with_a_trainer_and_two_phones(browser, site, shots):  # noqa: F811
    base, app = site
    staff = make_staff(app, "trainer")

    screen = new_page(browser)
    screen.goto(f"{base}/training")  # not signed in: to the sign-in page, and back after it
    screen.fill("#email", staff.email)
    screen.fill("#password", PASSWORD)
    with screen.expect_navigation():
        screen.locator("form button[type=submit]").click()
    assert screen.url.endswith("/training")
    axe(screen, "training-list", shots)
    screen.locator('input[name="scenario"][value="ip-poster-before-patent"]').check()
    with screen.expect_navigation():
        screen.locator("button[data-start-session]").click()
    code = screen.locator("[data-code]").get_attribute("data-code")
    assert screen.locator('meta[http-equiv="refresh"]').count() == 1  # updates on: ticked on the start form
    assert violations(screen) == {"meta-refresh"}  # axe cannot see that the trainer chose it; nothing else
    with screen.expect_navigation():
        screen.locator("a[data-live-off]").click()
    assert screen.locator('meta[http-equiv="refresh"]').count() == 0 and screen.locator("a[data-live-on]").count() == 1

    phones = []
    for name in ("Ylva", "Björn"):
        phone = new_page(browser, js=name == "Ylva")  # Björn's phone has JavaScript off (axe needs it on Ylva.s)
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(f"{base}/join")
        if name == "Ylva":
            axe(phone, "join", shots)
        phone.fill("#code", code.lower())
        phone.fill("#nickname", name)
        if name == "Björn":
            phone.locator('label[for="live"]').click()  # Björn does not want the page to reload itself
        with phone.expect_navigation():
            phone.locator("button[data-join]").click()
        assert phone.locator('meta[http-equiv="refresh"]').count() == 0  # a form page never reloads itself
        assert fill_scenario_form(phone) == 6
        if name == "Ylva":
            axe(phone, "participant-form", shots)
        with phone.expect_navigation():
            phone.locator("button[data-send]").click()
        assert phone.locator("[data-saved]").count() == 1
        phones.append(phone)
    ylva, bjorn = phones
    assert ylva.locator('meta[http-equiv="refresh"]').count() == 1
    assert bjorn.locator('meta[http-equiv="refresh"]').count() == 0 and bjorn.locator("a[data-reload]").count() == 1

    screen.reload()
    assert screen.locator("p.counts").get_attribute("data-answered") == "2"
    for _ in range(2):
        with screen.expect_navigation():
            screen.locator("button[data-reveal-next]").click()
    assert screen.locator("ol.reveal > li").count() == 2
    bjorn.locator("a[data-reload]").click()
    assert bjorn.locator("ol.reveal > li").count() == 2  # the phone follows the reveal
    assert bjorn.locator("[data-reveal-next], [data-close], table.distribution").count() == 0
    assert "Ylva" not in bjorn.content()  # never another participant's name or answers
    with screen.expect_navigation():
        screen.locator("button[data-reveal-all]").click()
    axe(screen, "training-screen", shots)
    bjorn.locator("a[data-reload]").click()
    assert bjorn.locator("ol.reveal > li").count() == screen.locator("ol.reveal > li").count()
    ylva.goto(ylva.url.split("?")[0] + "?live=0")
    assert ylva.locator('meta[http-equiv="refresh"]').count() == 0
    axe(ylva, "participant-reveal", shots)

    with screen.expect_navigation():
        screen.locator("a[data-summary]").click()
    assert screen.locator("table.distribution").count() == 6
    axe(screen, "training-summary", shots)

    study = new_page(browser)
    study.goto(f"{base}/scenarios?lang=en")
    axe(study, "study-list", shots)
    study.locator('[data-scenario="mdr-home-blood-pressure-app"] a').first.click()
    fill_scenario_form(study)
    with study.expect_navigation():
        study.locator("button[data-send]").click()
    assert study.locator("[data-score]").count() == 1
    axe(study, "study-reveal", shots)
