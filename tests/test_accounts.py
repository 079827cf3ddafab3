"""Staff accounts, sign-in, session expiry, the append-only audit log, shared rate limits, the
mail outbox and the SVG charts: the foundation the intake and the training sessions stand on."""

from __future__ import annotations

import base64
import datetime as dt
import os
import socket

import pytest
import sqlalchemy as sa
from web_helpers import PASSWORD, make_staff, sign_in, token

from webui import accounts, audit, charts, create_app, mail, storage, throttle


def new_app(db_url, shipped, **config):
    return create_app({"DATABASE_URL": db_url, "WORKSPACE": shipped, "SECRET_KEY": "s", "SESSION_COOKIE_SECURE": False, **config})


@pytest.fixture
def app(shipped, tmp_path):
    return new_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", shipped)


def test_sign_in_role_checks_and_sign_out(app):
    admin = make_staff(app, "admin")
    advisor = make_staff(app, "advisor", "region_norrbotten")
    client = app.test_client()
    r = client.get("/staff")
    assert r.status_code == 303 and "/staff/sign-in?next=/staff" in r.headers["Location"]
    assert client.get("/staff/audit").status_code == 303
    r = sign_in(client, advisor.email)
    assert r.status_code == 303 and r.headers["Location"].endswith("/staff")
    home = client.get("/staff").get_data(as_text=True)
    assert "Advisor" in home and "region_norrbotten" in home
    assert client.get("/staff/audit").status_code == 403  # an advisor is not an admin
    r = client.post("/staff/sign-out", data={"csrf_token": token(home)})
    assert r.status_code == 303
    assert client.get("/staff").status_code == 303
    sign_in(client, admin.email)
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "staff.signed_in" in page and advisor.id in page


def test_wrong_password_unknown_account_and_hostile_fields(app):
    member = make_staff(app, "trainer")
    client = app.test_client()
    assert sign_in(client, member.email, "wrong password!").status_code == 401
    assert sign_in(client, "nobody@example.org").status_code == 401
    assert sign_in(client, member.email, "x" * 5000).status_code == 401
    page = sign_in(client, "<script>alert(1)</script>@x.se", "p").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert client.get("/staff").status_code == 303  # still not signed in
    r = client.post("/staff/sign-in", data={"email": member.email, "password": PASSWORD})  # no CSRF token
    assert r.status_code == 400


def test_next_goes_only_to_this_site(app):
    member = make_staff(app, "trainer")
    for target, expected in [
        ("/staff?x=1", "/staff?x=1"),
        ("//evil.example/", "/staff"),
        ("https://evil.example/", "/staff"),
        ("/\\evil", "/staff"),
    ]:
        client = app.test_client()
        page = client.get("/staff/sign-in").get_data(as_text=True)
        r = client.post("/staff/sign-in", data={"email": member.email, "password": PASSWORD, "next": target, "csrf_token": token(page)})
        assert r.headers["Location"] == expected, target


def test_sign_in_is_rate_limited_per_account(shipped, tmp_path):
    app = new_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", shipped, SIGNIN_LIMIT_PER_ACCOUNT=3)
    member = make_staff(app, "admin")
    client = app.test_client()
    codes = [sign_in(client, member.email, "wrong password!").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert sign_in(client, member.email).status_code == 429  # even the right password waits
    assert client.get("/staff").status_code == 303


def test_sessions_expire_and_disabled_accounts_are_out_at_once(app):
    member = make_staff(app, "advisor")
    client = app.test_client()
    sign_in(client, member.email)
    assert client.get("/staff").status_code == 200
    engine = app.extensions["vagvisare_store"].engine
    with engine.begin() as conn:  # two hours idle
        conn.execute(storage.staff_sessions.update().values(last_seen=storage.now() - dt.timedelta(hours=2)))
    assert client.get("/staff").status_code == 303
    sign_in(client, member.email)
    with engine.begin() as conn:  # idle a minute ago, but signed in 13 hours ago
        conn.execute(storage.staff_sessions.update().values(created=storage.now() - dt.timedelta(hours=13)))
    assert client.get("/staff").status_code == 303
    sign_in(client, member.email)
    assert client.get("/staff").status_code == 200
    assert accounts.set_active(engine, member.email, False)
    assert client.get("/staff").status_code == 303
    assert sign_in(client, member.email).status_code == 401


def test_passwords_are_argon2_and_accounts_are_checked(app):
    engine = app.extensions["vagvisare_store"].engine
    member = make_staff(app, "admin")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(storage.staff.c.password_hash).where(storage.staff.c.id == member.id)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    for email, role, org, password in [
        ("not-an-email", "admin", None, PASSWORD),
        ("a@b.se", "boss", None, PASSWORD),
        ("a@b.se", "advisor", None, PASSWORD),
        ("a@b.se", "admin", None, "short"),
        (member.email, "admin", None, PASSWORD),
    ]:
        with pytest.raises(accounts.AccountError):
            accounts.create_staff(engine, email, "", role, org, password)
    assert accounts.set_password(engine, member.email, "another long password")
    assert accounts.authenticate(engine, member.email, PASSWORD) is None
    assert accounts.authenticate(engine, member.email.upper(), "another long password") == member


def test_audit_log_is_append_only_on_each_database(db_url, shipped):
    app = new_app(db_url, shipped)
    engine = app.extensions["vagvisare_store"].engine
    with app.app_context():
        audit.record("system", "test.appended", "idea", "subject-" + os.urandom(4).hex(), "detail")
    rows = audit.entries(engine, limit=1)
    assert rows[0]["action"] == "test.appended"
    for statement in (storage.audit_log.update().values(actor="someone else"), storage.audit_log.delete()):
        with pytest.raises(sa.exc.DBAPIError):
            with engine.begin() as conn:
                conn.execute(statement)
    assert audit.entries(engine, subject_id=rows[0]["subject_id"])[0]["actor"] == "system"


def test_throttle_is_shared_through_the_database(db_url, shipped):
    first, second = new_app(db_url, shipped), new_app(db_url, shipped)  # two workers
    key = "test:" + os.urandom(6).hex()
    with first.app_context():
        assert all(throttle.allow(key, 4, 600) for _ in range(2))
    with second.app_context():
        assert all(throttle.allow(key, 4, 600) for _ in range(2))
        assert not throttle.allow(key, 4, 600)
        assert throttle.allow(key + "-other", 4, 600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mail_waits_in_the_outbox_until_smtp_is_up(shipped, tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    app = new_app(f"sqlite:///{tmp_path / 'm.sqlite3'}", shipped, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="vagvisare@example.org")
    engine = app.extensions["vagvisare_store"].engine
    with app.app_context():
        mail.queue("someone@example.org", "Your idea was received", "Hello\nåäö")
    assert mail.deliver(app) == (0, 1)  # nothing listens on the port yet
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail.deliver(app) == (1, 0)
    finally:
        controller.stop()
    assert len(received) == 1 and received[0]["To"] == "someone@example.org"
    assert "åäö" in received[0].get_payload(decode=True).decode()
    assert mail.pending(engine) == 0  # sent mail is not kept


def test_without_smtp_mail_stays_queued(app):
    with app.app_context():
        mail.queue("a@example.org", "s", "b")
    assert mail.deliver(app) == (0, 1)


def test_bar_chart_is_an_svg_image():
    url = charts.bar_chart("Ideas per status", [("new", 3), ("closed", 1), ("<b>x</b>", 0)])
    assert url.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(url.split(",", 1)[1]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg
    assert charts.bar_chart("Empty", []).startswith("data:image/svg+xml")


def test_staff_cli(shipped, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from vagvisare.cli import main

    monkeypatch.setenv("VAGVISARE_DATA", str(tmp_path))
    monkeypatch.setenv("VAGVISARE_STAFF_PASSWORD", PASSWORD)
    runner = CliRunner()
    r = runner.invoke(main, ["staff", "add", "Anna@Example.org", "--name", "Anna", "--role", "advisor", "--organisation", "ltu"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["staff", "add", "b@example.org", "--role", "advisor"])
    assert r.exit_code == 2 and "organisation" in r.output
    assert "anna@example.org" in runner.invoke(main, ["staff", "list"]).output
    assert runner.invoke(main, ["staff", "disable", "nobody@example.org"]).exit_code == 2
    assert runner.invoke(main, ["staff", "disable", "anna@example.org"]).exit_code == 0
    assert "(disabled)" in runner.invoke(main, ["staff", "list"]).output
    assert "queued" in runner.invoke(main, ["mail", "send"]).output


def test_admin_manages_accounts_on_the_web(app):
    import re

    admin = make_staff(app, "admin")
    client = app.test_client()
    sign_in(client, admin.email)
    page = client.get("/staff/accounts").get_data(as_text=True)
    assert admin.email in page
    r = client.post(
        "/staff/accounts",
        data={"email": "new@example.org", "name": "New <b>One</b>", "role": "trainer", "organisation": "", "csrf_token": token(page)},
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "data-new-password" in body and "<b>One" not in body
    password = re.search(r"new@example.org (?:är|is) ([A-Za-z0-9_-]{16})", body).group(1)
    r = client.post("/staff/accounts", data={"email": "new@example.org", "role": "trainer", "csrf_token": token(body)})
    assert r.status_code == 400 and "Det finns redan ett konto" in r.get_data(as_text=True)
    r = client.post("/staff/accounts", data={"email": "adv@example.org", "role": "advisor", "csrf_token": token(body)})
    assert r.status_code == 400  # an advisor needs an organisation
    newcomer = app.test_client()
    assert sign_in(newcomer, "new@example.org", password).status_code == 303
    engine = app.extensions["vagvisare_store"].engine
    new_id = next(m.id for m, _ in accounts.list_staff(engine) if m.email == "new@example.org")
    client.post(f"/staff/accounts/{new_id}/disable", data={"csrf_token": token(body)})
    assert newcomer.get("/staff").status_code == 303  # out at once
    assert client.post(f"/staff/accounts/{admin.id}/disable", data={"csrf_token": token(body)}).status_code == 400
    assert client.post("/staff/accounts/nobody/disable", data={"csrf_token": token(body)}).status_code == 404
    assert client.post(f"/staff/accounts/{new_id}/explode", data={"csrf_token": token(body)}).status_code == 404
    actions = [row["action"] for row in audit.entries(engine, subject_id=new_id)]
    assert actions[:2] == ["staff.disabled", "staff.signed_in"] and "staff.created" in actions


def test_staff_change_their_own_password(app):
    member = make_staff(app, "advisor")
    client, other = app.test_client(), app.test_client()
    sign_in(client, member.email)
    sign_in(other, member.email)
    page = client.get("/staff/password").get_data(as_text=True)
    bad = client.post("/staff/password", data={"current": "wrong", "new": "a" * 12, "again": "a" * 12, "csrf_token": token(page)})
    assert bad.status_code == 400
    differ = client.post("/staff/password", data={"current": PASSWORD, "new": "a" * 12, "again": "b" * 12, "csrf_token": token(page)})
    assert differ.status_code == 400
    short = client.post("/staff/password", data={"current": PASSWORD, "new": "short", "again": "short", "csrf_token": token(page)})
    assert short.status_code == 400
    ok = client.post(
        "/staff/password",
        data={"current": PASSWORD, "new": "a brand new passphrase", "again": "a brand new passphrase", "csrf_token": token(page)},
    )
    assert ok.status_code == 200
    assert client.get("/staff").status_code == 200  # this sign-in stays
    assert other.get("/staff").status_code == 303  # the other one ended


def test_non_admins_cannot_manage_accounts(app):
    for role in ("advisor", "trainer"):
        member = make_staff(app, role)
        client = app.test_client()
        sign_in(client, member.email)
        page = client.get("/staff").get_data(as_text=True)
        assert client.get("/staff/accounts").status_code == 403
        assert (
            client.post("/staff/accounts", data={"email": "x@example.org", "role": "admin", "csrf_token": token(page)}).status_code == 403
        )
        assert client.post(f"/staff/accounts/{member.id}/reset", data={"csrf_token": token(page)}).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/staff/accounts").status_code == 303
    assert anonymous.get("/staff/password").status_code == 303
