"""Access to the intake, tried by every kind of visitor against every intake route and idea:
anonymous, a submitter with their own private link, a submitter with a forged or another's link,
a training participant (joined a live session of issue 14, with a case of their own, no account), an advisor of organisation
A, an advisor of B, a trainer and an admin. Nothing beyond what is allowed: a 403 or 404 (or, for
a GET without a sign-in, the foundation's redirect to the sign-in page), never another idea's
data, never a 500. Then hostile input: huge fields, scripts, forged ids, missing consent, CSRF."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_helpers import ORG_A, ORG_B, URGENT, new_app, private_link, staff_client, submit
from training_helpers import join, start_session
from web_helpers import start, token

from webui import intake_store

TITLE_A, TITLE_B = "Secret idea of A", "Secret idea of B"


@pytest.fixture(scope="module")
def world(shipped, tmp_path_factory):
    """One app with an idea for each organisation and a client for each kind of visitor."""
    app = new_app(f"sqlite:///{tmp_path_factory.mktemp('acc') / 'a.sqlite3'}", shipped)
    sub_a, sub_b = app.test_client(), app.test_client()
    link_a = private_link(submit(sub_a, title=TITLE_A, organisation=ORG_A, **URGENT))
    link_b = private_link(submit(sub_b, title=TITLE_B, organisation=ORG_B))
    with app.extensions["vagvisare_store"].engine.connect() as conn:
        ids = {i["organisation"]: i["id"] for i in intake_store.listing(conn, None)}
    participant = app.test_client()  # a training participant's session (issue 14) with a case of its own
    trainer_client, _ = staff_client(app, "trainer")
    _screen, code = start_session(trainer_client, "mdr-step-counter-wellness")
    assert join(participant, code, "Pat").status_code == 303
    start(participant, "mdr")
    clients = {
        "anonymous": app.test_client(),
        "submitter_a": sub_a,
        "submitter_b": sub_b,
        "participant": participant,
        "advisor_a": staff_client(app, "advisor", ORG_A)[0],
        "advisor_b": staff_client(app, "advisor", ORG_B)[0],
        "trainer": trainer_client,
        "admin": staff_client(app, "admin")[0],
    }
    return {"app": app, "clients": clients, "links": {"a": link_a, "b": link_b}, "ids": {"a": ids[ORG_A], "b": ids[ORG_B]}}


def _csrf(client) -> str:
    return token(client.get("/ideas/new").get_data(as_text=True))


STAFF_GETS = ["/staff/ideas", "/staff/ideas.csv", "/staff/dashboard", "/staff/dashboard.csv", "/staff/dashboard.md"]
IDEA_GET = "/staff/ideas/{id}"
#: POSTs chosen so that an allowed visitor gets a 400 (invalid value) and nothing changes.
IDEA_POSTS = [
    ("/staff/ideas/{id}/status", {"status": "bogus"}),
    ("/staff/ideas/{id}/assign", {"assignee": "nobody"}),
    ("/staff/ideas/{id}/priority", {"priority": "bogus"}),
    ("/staff/ideas/{id}/notes", {"note": ""}),
]
ROLES = ["anonymous", "submitter_a", "submitter_b", "participant", "advisor_a", "advisor_b", "trainer", "admin"]


def _may_see(role: str, which: str) -> bool:
    return role == "admin" or role == f"advisor_{which}"


def _denied(r, method: str) -> bool:
    if r.status_code in (403, 404):
        return True
    return method == "GET" and r.status_code == 303 and "/staff/sign-in" in r.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_staff_routes_by_role(world, role):
    client = world["clients"][role]
    csrf = _csrf(client)
    staff = role.startswith("advisor") or role == "admin"
    for url in STAFF_GETS:
        r = client.get(url)
        assert r.status_code != 500, url
        if staff:
            body = r.get_data(as_text=True)
            assert r.status_code == 200, url
            if role == "advisor_a":
                assert TITLE_B not in body
            if role == "advisor_b":
                assert TITLE_A not in body
        else:
            assert _denied(r, "GET"), (url, r.status_code)
            assert TITLE_A not in r.get_data(as_text=True) and TITLE_B not in r.get_data(as_text=True)
    for which in ("a", "b", "forged"):
        idea_id = world["ids"].get(which, "A" * 22)
        allowed = which != "forged" and _may_see(role, which)
        r = client.get(IDEA_GET.format(id=idea_id))
        body = r.get_data(as_text=True)
        if allowed:
            assert r.status_code == 200 and (TITLE_A if which == "a" else TITLE_B) in body
        else:
            assert _denied(r, "GET"), (role, which, r.status_code)
            assert TITLE_A not in body and TITLE_B not in body
        for url, data in IDEA_POSTS:
            r = client.post(url.format(id=idea_id), data={**data, "csrf_token": csrf})
            body = r.get_data(as_text=True)
            if allowed:
                assert r.status_code == 400, (role, url, r.status_code)
            else:
                assert _denied(r, "POST"), (role, which, url, r.status_code)
                assert TITLE_A not in body and TITLE_B not in body


@pytest.mark.parametrize("role", ROLES)
def test_private_links_by_role(world, role):
    """A private link works for whoever holds it (it is the key); a forged or altered one for nobody."""
    client = world["clients"][role]
    csrf = _csrf(client)
    link_a = world["links"]["a"]
    token_a = link_a.rsplit("/", 1)[1]
    forged = [
        "/idea/" + token_a[:-1] + ("A" if token_a[-1] != "A" else "B"),
        "/idea/" + token_a[:20],
        "/idea/" + world["ids"]["a"],  # the internal id is not a key
        "/idea/" + "x" * 43,
    ]
    for path in forged:
        for suffix, method in [
            ("", "GET"),
            ("/export.json", "GET"),
            ("/export.md", "GET"),
            ("/withdraw", "GET"),
            ("/add", "POST"),
            ("/withdraw", "POST"),
        ]:
            r = client.get(path + suffix) if method == "GET" else client.post(path + suffix, data={"addition": "x", "csrf_token": csrf})
            assert r.status_code == 404, (role, path, suffix, r.status_code)
            assert TITLE_A not in r.get_data(as_text=True)
    if role == "submitter_a":
        assert TITLE_A in client.get(link_a).get_data(as_text=True)
        assert TITLE_A in client.get(link_a + "/export.json").get_data(as_text=True)


def test_notes_never_reach_a_submitter(world):
    admin = world["clients"]["admin"]
    idea_id = world["ids"]["b"]
    page = admin.get(f"/staff/ideas/{idea_id}").get_data(as_text=True)
    assert admin.post(f"/staff/ideas/{idea_id}/notes", data={"note": "INTERNAL-NOTE-42", "csrf_token": token(page)}).status_code == 303
    sub = world["clients"]["submitter_b"]
    link = world["links"]["b"]
    for suffix in ("", "/export.json", "/export.md"):
        assert "INTERNAL-NOTE-42" not in sub.get(link + suffix).get_data(as_text=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80))
def test_forged_identifiers_are_404_never_500(world, forged):
    segment = quote(forged, safe="")
    for role in ("advisor_a", "submitter_a"):
        client = world["clients"][role]
        for url in (f"/staff/ideas/{segment}", f"/idea/{segment}", f"/idea/{segment}/receipt", f"/idea/{segment}/export.json"):
            r = client.get(url)
            assert r.status_code in (301, 308, 404, 405) or _denied(r, "GET"), (url, r.status_code)
            assert TITLE_A not in r.get_data(as_text=True) and TITLE_B not in r.get_data(as_text=True)


# --- hostile input ----------------------------------------------------------------------------


@pytest.fixture
def app(shipped, tmp_path):
    return new_app(f"sqlite:///{tmp_path / 'h.sqlite3'}", shipped)


def _count(app) -> int:
    with app.extensions["vagvisare_store"].engine.connect() as conn:
        return len(intake_store.listing(conn, None))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "x" * 201}, "högst 200 tecken"),
        ({"description": "x" * 4001}, "högst 4000 tecken"),
        ({"email": "not-an-address"}, "e-postadress"),
        ({"email": "a@b.se\r\nBcc: x@evil.example"}, "e-postadress"),
        ({"phone": "<script>"}, "telefonnumret"),
        ({"consent": None}, "samtycka"),
        ({"organisation": "evil_org"}, "Välj vem som ska ta emot"),
        ({"title": ""}, "Fyll i rubrik"),
        ({"t.triage.submitter_role": "king"}, "Välj ett svar"),
        ({"t.triage.weeks_to_disclosure": "soon", "t.triage.disclosure_planned": "yes"}, "kunde inte användas"),
        ({"t.triage.weeks_to_disclosure": "1e999", "t.triage.disclosure_planned": "yes"}, "Veckor till publicering"),
        ({"t.triage.idea_kind": "<script>"}, "Slags idé"),
    ],
)
def test_a_bad_submission_is_refused_with_a_message_and_nothing_stored(app, fields, message):
    r = submit(app.test_client(), **fields)
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    assert _count(app) == 0


def test_scripts_are_escaped_everywhere(app):
    client = app.test_client()
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    path = private_link(submit(client, title=evil, description=evil, need=evil, submitter_organisation=evil, **URGENT))
    advisor, _ = staff_client(app, "advisor", ORG_A)
    with app.extensions["vagvisare_store"].engine.connect() as conn:
        (idea,) = intake_store.listing(conn, None)
    for who, url in [(client, path), (advisor, "/staff/ideas"), (advisor, f"/staff/ideas/{idea['id']}")]:
        body = who.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<img src=x" not in body and "&lt;script&gt;" in body
    assert "<script>alert(1)" not in client.get(path + "/export.md").get_data(as_text=True).replace("\\<script\\>", "")


def test_csrf_and_oversized_requests(app):
    client = app.test_client()
    r = client.post("/ideas/new", data={"title": "x", "consent": "yes"})
    assert r.status_code == 400 and _count(app) == 0
    page = client.get("/ideas/new").get_data(as_text=True)
    r = client.post("/ideas/new", data={"title": "x" * 300_000, "csrf_token": token(page)})
    assert r.status_code == 413
    path = private_link(submit(client, **URGENT))
    assert client.post(path + "/add", data={"addition": "no token"}).status_code == 400
    assert client.post(path + "/withdraw", data={}).status_code == 400
    assert client.get(path).status_code == 200  # still there


def test_submissions_are_rate_limited(shipped, tmp_path):
    app = new_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", shipped, INTAKE_RATE_LIMIT=2)
    client = app.test_client()
    assert submit(client).status_code == 200
    assert submit(client).status_code == 200
    assert submit(client).status_code == 429


def test_an_admin_adds_an_advisor_only_to_a_receiving_organisation(app):
    admin, _ = staff_client(app, "admin")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert '<option value="umea_university"' in page and '<option value="skelleftea_municipality"' in page
    data = {"email": "new@example.org", "name": "New", "role": "advisor", "csrf_token": token(page)}
    assert admin.post("/staff/accounts", data={**data, "organisation": "evil_org"}).status_code == 400
    assert admin.post("/staff/accounts", data={**data, "organisation": "umea_university"}).status_code in (200, 303)
