"""The idea intake end to end through the test client: a submission (from the start page and
from a case, with its consultations), its triage, the receipt and the private link, the advisor's
inbox and idea page (assign, workflow, notes, override), withdrawal with deletion, the dashboard,
and the mail each step queues. Access by role and hostile input are in test_intake_access.py."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from intake_helpers import ORG_A, ORG_B, URGENT, form, new_app, private_link, staff_client, submit
from web_helpers import run_through, start, token

from webui import audit, intake_store, mail, storage


@pytest.fixture
def app(shipped, tmp_path):
    return new_app(f"sqlite:///{tmp_path / 'i.sqlite3'}", shipped)


def _engine(app):
    return app.extensions["vagvisare_store"].engine


def _only_idea(app) -> dict:
    with _engine(app).connect() as conn:
        ideas = intake_store.listing(conn, None)
    assert len(ideas) == 1
    return ideas[0]


def _outbox(app) -> list:
    with _engine(app).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(storage.outbox).order_by(storage.outbox.c.id))]


def test_submission_from_the_start_page_gives_a_receipt_with_a_private_link(app):
    client = app.test_client()
    assert 'href="/ideas/new"' in client.get("/").get_data(as_text=True)
    page = client.get("/ideas/new").get_data(as_text=True)
    for words in ("Umeå universitet", "Region Norrbotten", "Skellefteå kommun", "Vilket slags idé är det?"):
        assert words in page
    r = submit(client, **URGENT)
    assert r.status_code == 200
    path = private_link(r)
    assert len(path.rsplit("/", 1)[1]) >= 43  # 256 bits, URL-safe
    idea = _only_idea(app)
    assert idea["organisation"] == ORG_A and idea["status"] == "new" and idea["priority"] == "urgent"
    assert "disclosure_within_4_weeks_unfiled" in idea["summary"]["flags"]
    with _engine(app).connect() as conn:
        stored = conn.execute(sa.select(intake_store.ideas.c.token_hash)).scalar_one()
    assert path.rsplit("/", 1)[1] not in stored  # only the hash is kept
    (message,) = _outbox(app)
    assert message["recipient"] == "inventor@example.org"
    assert "VV-" in message["subject"] and path.rsplit("/", 1)[1] not in message["body"] and "Smart sutur" not in message["body"]
    assert [e["action"] for e in audit.entries(_engine(app), idea["id"])] == ["idea.submit"]
    status = client.get(path).get_data(as_text=True)
    assert "Smart sutur" in status and 'data-status="new"' in status


def test_a_case_attaches_its_consultations_and_the_triage_reads_them(app):
    client = app.test_client()
    url = start(client, "ip")
    run_through(client, url)
    case_id = url.split("/")[2]
    case_page = client.get(f"/c/{case_id}").get_data(as_text=True)
    assert f"/ideas/new?case={case_id}" in case_page
    form_page = client.get(f"/ideas/new?case={case_id}").get_data(as_text=True)
    assert 'name="attach" value="ip"' in form_page
    r = submit(client, case_id=case_id, attach=["ip", "mdr"], **URGENT)  # mdr is not in the case: ignored
    assert r.status_code == 200
    idea = _only_idea(app)
    with _engine(app).connect() as conn:
        attached = intake_store.attached(conn, idea["id"])
    assert list(attached) == ["ip"] and attached["ip"]["module"] == "ip"
    assert "ip.owner" in idea["summary"]["inputs"] or idea["summary"]["inputs"] == {}  # the IP guide's result, if it reached one
    assert idea["triage"]["consultation"]["inputs"] == {
        k: v for k, v in idea["triage"]["consultation"]["inputs"].items() if k.startswith("ip.")
    }


def test_another_browser_cannot_attach_a_case_it_does_not_own(app):
    owner = app.test_client()
    url = start(owner, "mdr")
    case_id = url.split("/")[2]
    stranger = app.test_client()
    assert stranger.get(f"/ideas/new?case={case_id}").status_code == 404
    assert submit(stranger, attach=["mdr"]).status_code == 200  # without a case: nothing to attach
    page = stranger.get("/").get_data(as_text=True)
    r = stranger.post("/ideas/new", data={"case": case_id, "csrf_token": token(page)})
    assert r.status_code == 404


def test_dont_know_keeps_flags_that_hold_in_every_branch_and_marks_the_rest_uncertain(app):
    client = app.test_client()
    answers = {**URGENT, "t.triage.disclosure_planned": "dont_know", "t.triage.weeks_to_disclosure": ""}
    assert submit(client, **answers).status_code == 200
    idea = _only_idea(app)
    s = idea["summary"]
    assert not s["priority_certain"] and s["priority"] == "urgent"  # the highest possible, marked uncertain
    assert "disclosure_within_4_weeks_unfiled" in s["flags_possible"] and "disclosure_within_4_weeks_unfiled" not in s["flags"]
    advisor, _ = staff_client(app, "advisor", ORG_A)
    inbox = advisor.get("/staff/ideas").get_data(as_text=True)
    assert "data-uncertain" in inbox and "data-urgent-possible" in inbox
    page = advisor.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
    assert 'data-flag-possible="disclosure_within_4_weeks_unfiled"' in page


def test_advisor_works_an_idea_through_to_closure(app):
    submitter = app.test_client()
    path = private_link(submit(submitter, **URGENT))
    idea = _only_idea(app)
    advisor, me = staff_client(app, "advisor", ORG_A)
    _colleague_client, colleague = staff_client(app, "advisor", ORG_A)
    _other_client, stranger = staff_client(app, "advisor", ORG_B)
    inbox = advisor.get("/staff/ideas").get_data(as_text=True)
    assert f'data-idea="{idea["id"]}"' in inbox and 'data-priority="urgent"' in inbox and "data-urgent" in inbox
    page = advisor.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
    assert 'data-fact="triage.priority" data-value="urgent"' in page and 'details class="how"' in page
    assert colleague.name in page and stranger.id not in page  # only colleagues of the idea's organisation
    csrf = token(page)
    base = f"/staff/ideas/{idea['id']}"
    # assign: to a colleague (mail), never to another organisation's advisor
    assert advisor.post(base + "/assign", data={"assignee": stranger.id, "csrf_token": csrf}).status_code == 400
    assert advisor.post(base + "/assign", data={"assignee": colleague.id, "csrf_token": csrf}).status_code == 303
    assert _outbox(app)[-1]["recipient"] == colleague.email
    # workflow: no jumps, a reason to close
    assert advisor.post(base + "/status", data={"status": "verification", "csrf_token": csrf}).status_code == 400
    assert advisor.post(base + "/status", data={"status": "in_dialogue", "csrf_token": csrf}).status_code == 303
    assert _outbox(app)[-1]["recipient"] == "inventor@example.org" and "I dialog" in _outbox(app)[-1]["body"]
    assert advisor.post(base + "/status", data={"status": "closed", "csrf_token": csrf}).status_code == 400
    # notes and override
    assert advisor.post(base + "/notes", data={"note": "Call the PI about prior art", "csrf_token": csrf}).status_code == 303
    assert advisor.post(base + "/priority", data={"priority": "low", "csrf_token": csrf}).status_code == 400  # no reason
    r = advisor.post(base + "/priority", data={"priority": "normal", "reason": "Abstract deadline moved", "csrf_token": csrf})
    assert r.status_code == 303
    page = advisor.get(base).get_data(as_text=True)
    assert 'data-priority="normal"' in page and 'data-rule-priority="urgent"' in page and "data-override" in page
    assert "Call the PI about prior art" in page
    assert "data-override" in advisor.get("/staff/ideas").get_data(as_text=True)
    r = advisor.post(base + "/status", data={"status": "closed", "reason": "Not novel", "csrf_token": csrf})
    assert r.status_code == 303
    assert advisor.post(base + "/status", data={"status": "in_dialogue", "csrf_token": csrf}).status_code == 400  # closed is final
    # the submitter sees the status and the reason, never notes, assignee or priority
    status = submitter.get(path).get_data(as_text=True)
    assert 'data-status="closed"' in status and "Not novel" in status
    for secret in ("Call the PI", colleague.name, "Abstract deadline", "urgent"):
        assert secret not in status
    with _engine(app).connect() as conn:
        events = intake_store.events_of(conn, idea["id"])
    assert [(e["kind"], e["to_value"]) for e in events] == [
        ("assign", colleague.id),
        ("status", "in_dialogue"),
        ("priority", "normal"),
        ("status", "closed"),
    ]
    actions = [e["action"] for e in audit.entries(_engine(app), idea["id"])]
    for action in ("idea.submit", "idea.view", "idea.assign", "idea.status", "idea.note", "idea.priority"):
        assert action in actions
    assert all("Smart sutur" not in e["detail"] and "Call the PI" not in e["detail"] for e in audit.entries(_engine(app)))
    assert me.id


def test_submitter_adds_information_downloads_everything_and_withdraws(app):
    client = app.test_client()
    path = private_link(submit(client, **URGENT))
    idea = _only_idea(app)
    advisor, _ = staff_client(app, "advisor", ORG_A)
    page = advisor.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
    advisor.post(f"/staff/ideas/{idea['id']}/notes", data={"note": "internal only", "csrf_token": token(page)})
    status = client.get(path).get_data(as_text=True)
    assert client.post(path + "/add", data={"addition": "", "csrf_token": token(status)}).status_code == 400
    assert client.post(path + "/add", data={"addition": "x" * 5000, "csrf_token": token(status)}).status_code == 400
    r = client.post(path + "/add", data={"addition": "We also tested it on 12 patients.", "csrf_token": token(status)})
    assert r.status_code == 303
    assert "12 patients" in client.get(path).get_data(as_text=True)
    assert "12 patients" in advisor.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
    data = json.loads(client.get(path + "/export.json").get_data(as_text=True))
    assert data["idea"]["title"] == "Smart sutur" and data["additions"][0]["text"].startswith("We also")
    assert "internal only" not in json.dumps(data)
    md = client.get(path + "/export.md").get_data(as_text=True)
    assert md.startswith("# VV-") and "Smart sutur" in md and "internal only" not in md
    assert client.get(path + "/export.pdf").status_code == 404
    confirm = client.get(path + "/withdraw").get_data(as_text=True)
    r = client.post(path + "/withdraw", data={"csrf_token": token(confirm)})
    assert r.status_code == 200
    assert client.get(path).status_code == 404
    assert advisor.get(f"/staff/ideas/{idea['id']}").status_code == 404
    with _engine(app).connect() as conn:
        for table in (intake_store.ideas, *intake_store.CHILDREN):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
    log = audit.entries(_engine(app), idea["id"])
    assert "idea.delete" in [e["action"] for e in log]
    assert all("Smart sutur" not in e["detail"] and "12 patients" not in e["detail"] for e in log)


def test_inbox_filters_sorts_and_exports_csv(app):
    client = app.test_client()
    submit(client, title="Alpha", **URGENT)
    submit(client, title="=HYPERLINK(1)", **{"t.triage.in_use_elsewhere": "similar_product_on_market"})
    submit(client, title="Elsewhere", organisation=ORG_B)
    advisor, me = staff_client(app, "advisor", ORG_A)
    page = advisor.get("/staff/ideas").get_data(as_text=True)
    assert "Alpha" in page and "HYPERLINK" in page and "Elsewhere" not in page
    urgent_only = advisor.get("/staff/ideas?priority=urgent").get_data(as_text=True)
    assert "Alpha" in urgent_only and "HYPERLINK" not in urgent_only
    flagged = advisor.get("/staff/ideas?flag=disclosure_within_4_weeks_unfiled").get_data(as_text=True)
    assert "Alpha" in flagged and "HYPERLINK" not in flagged
    by_title = advisor.get("/staff/ideas?sort=title&order=asc").get_data(as_text=True)
    assert by_title.index("=HYPERLINK") < by_title.index("Alpha")
    assert "Alpha" not in advisor.get("/staff/ideas?status=closed").get_data(as_text=True)
    assert "Alpha" in advisor.get("/staff/ideas?assignee=none").get_data(as_text=True)
    assert "Alpha" not in advisor.get(f"/staff/ideas?assignee={me.id}").get_data(as_text=True)
    assert advisor.get("/staff/ideas?sort=<script>&status=x&priority=y&flag=z").status_code == 200  # ignored, not an error
    r = advisor.get("/staff/ideas.csv")
    assert r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0][0] == "ref" and len(rows) == 3
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows)  # not run as a formula
    assert "ideas.export_csv" in [e["action"] for e in audit.entries(_engine(app))]
    admin, _ = staff_client(app, "admin")
    assert "Elsewhere" in admin.get("/staff/ideas").get_data(as_text=True)
    only_b = admin.get(f"/staff/ideas?organisation={ORG_B}").get_data(as_text=True)
    assert "Elsewhere" in only_b and "Alpha" not in only_b
    assert "Elsewhere" not in advisor.get(f"/staff/ideas?organisation={ORG_B}").get_data(as_text=True)  # never widens


def test_dashboard_counts_charts_and_exports(app):
    client = app.test_client()
    submit(client, **URGENT)
    submit(client, **{"t.triage.idea_kind": "software_or_ai"})
    submit(client, organisation=ORG_B, **{"t.triage.idea_kind": "software_or_ai"})
    advisor, _ = staff_client(app, "advisor", ORG_A)
    page = advisor.get("/staff/dashboard").get_data(as_text=True)
    assert 'data-total="2"' in page and page.count('src="data:image/svg+xml;base64,') == 4
    for key in ("month", "organisation", "status", "kind"):
        assert f'data-breakdown="{key}"' in page
    assert "Programvara, en app eller AI" in page
    rows = list(csv.reader(io.StringIO(advisor.get("/staff/dashboard.csv").get_data(as_text=True))))
    assert ["status", "Ny", "2"] in rows
    md = advisor.get("/staff/dashboard.md").get_data(as_text=True)
    assert md.startswith("# Uppföljning") and "| Ny | 2 |" in md
    admin, _ = staff_client(app, "admin")
    assert 'data-total="3"' in admin.get("/staff/dashboard").get_data(as_text=True)
    assert 'data-total="3"' in admin.get("/staff/dashboard?lang=en").get_data(as_text=True)


def test_every_intake_page_speaks_swedish_and_english(app):
    client = app.test_client()
    path = private_link(submit(client, **URGENT))
    advisor, _ = staff_client(app, "advisor", ORG_A)
    idea = _only_idea(app)
    for url, who, sv, en in [
        ("/ideas/new", client, "Lämna in en idé", "Submit an idea"),
        (path, client, "Ladda ner allt", "Download everything"),
        ("/staff/ideas", advisor, "Inkorg", "Inbox"),
        (f"/staff/ideas/{idea['id']}", advisor, "Interna anteckningar", "Internal notes"),
        ("/staff/dashboard", advisor, "Idéer per månad", "Ideas per month"),
    ]:
        assert sv in who.get(url + ("&" if "?" in url else "?") + "lang=sv").get_data(as_text=True)
        assert en in who.get(url + ("&" if "?" in url else "?") + "lang=en").get_data(as_text=True)


def test_mail_is_delivered_through_smtp_and_waits_while_it_is_down(shipped, tmp_path):
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = new_app(f"sqlite:///{tmp_path / 'm.sqlite3'}", shipped, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="vagvisare@example.org")
    client = app.test_client()
    assert submit(client, **URGENT).status_code == 200  # the server is down: the receipt waits
    assert mail.pending(_engine(app)) == 1
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail.deliver(app) == (1, 0)
        advisor, _ = staff_client(app, "advisor", ORG_A)
        idea = _only_idea(app)
        page = advisor.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
        advisor.post(f"/staff/ideas/{idea['id']}/status", data={"status": "in_dialogue", "csrf_token": token(page)})
        mail.deliver(app)
    finally:
        controller.stop()
    assert [m["To"] for m in received] == ["inventor@example.org", "inventor@example.org"]
    assert "mottagen" in received[0]["Subject"] and "I dialog" in received[1].get_payload(decode=True).decode()


def test_an_admin_works_ideas_of_every_organisation(app):
    client = app.test_client()
    submit(client, organisation=ORG_B, **URGENT)
    idea = _only_idea(app)
    admin, _ = staff_client(app, "admin")
    _b, advisor_b = staff_client(app, "advisor", ORG_B)
    _a, advisor_a = staff_client(app, "advisor", ORG_A)
    page = admin.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
    csrf = token(page)
    base = f"/staff/ideas/{idea['id']}"
    assert admin.post(base + "/assign", data={"assignee": advisor_a.id, "csrf_token": csrf}).status_code == 400  # not of ORG_B
    assert admin.post(base + "/assign", data={"assignee": advisor_b.id, "csrf_token": csrf}).status_code == 303
    assert admin.post(base + "/status", data={"status": "in_dialogue", "csrf_token": csrf}).status_code == 303
    assert admin.post(base + "/status", data={"status": "verification", "csrf_token": csrf}).status_code == 303
    r = admin.post(base + "/status", data={"status": "handed_over", "reason": "To the incubator", "csrf_token": csrf})
    assert r.status_code == 303
    assert _b.get(base).status_code == 200 and _a.get(base).status_code == 404
    assert 'data-status="handed_over"' in _b.get("/staff/ideas").get_data(as_text=True)


def test_with_many_dont_knows_the_flags_the_answers_decide_still_show(app):
    """Too many "Don't know" answers to try every branch: the flags the definite answers already
    give (here: a disclosure in two weeks, nothing filed) still show, marked incomplete."""
    client = app.test_client()
    answers = {
        "t.triage.idea_kind": "device_or_diagnostic",
        "t.triage.application_filed": "no",
        "t.triage.disclosure_planned": "yes",
        "t.triage.weeks_to_disclosure": "2",
    }
    assert submit(client, **answers).status_code == 200
    s = _only_idea(app)["summary"]
    assert s["explored"] is False and s["priority"] == "urgent"
    assert "disclosure_within_4_weeks_unfiled" in s["flags"] and s["urgent"] == ["disclosure_within_4_weeks_unfiled"]
    advisor, _ = staff_client(app, "advisor", ORG_A)
    inbox = advisor.get("/staff/ideas").get_data(as_text=True)
    assert "data-urgent>" in inbox and "data-incomplete" in inbox
    assert "data-urgent>" in advisor.get("/staff/ideas?flag=disclosure_within_4_weeks_unfiled").get_data(as_text=True)


def test_the_receipt_survives_a_reload_without_a_second_submission(app):
    client = app.test_client()
    page = client.get("/ideas/new").get_data(as_text=True)
    data = {**form(), "csrf_token": token(page)}
    r = client.post("/ideas/new", data=data)
    assert r.status_code == 303 and r.headers["Location"].endswith("/receipt")
    first = client.get(r.headers["Location"]).get_data(as_text=True)
    again = client.get(r.headers["Location"]).get_data(as_text=True)
    assert first == again and "data-private-link" in first
    assert app.test_client().get("/idea/" + "x" * 43 + "/receipt").status_code == 404


def test_retention_purges_only_finished_ideas_and_only_when_set(app):
    import datetime as dt

    from webui import purge

    client = app.test_client()
    for title in ("Finished", "Ongoing"):
        submit(client, title=title)
    engine = _engine(app)
    with engine.begin() as conn:
        ideas = {i["title"]: i for i in intake_store.listing(conn, None)}
        intake_store.set_status(conn, ideas["Finished"], "closed", "Not novel", "staff:x")
        conn.execute(intake_store.ideas.update().values(updated=storage.now() - dt.timedelta(days=800)))
    assert "finished ideas" not in purge(app)  # not set: every idea is kept
    app.config["IDEA_RETENTION_DAYS"] = 730
    try:
        assert purge(app)["finished ideas"] == 1
    finally:
        app.config["IDEA_RETENTION_DAYS"] = 0
    with engine.connect() as conn:
        left = [i["title"] for i in intake_store.listing(conn, None)]
    assert "Ongoing" in left and "Finished" not in left
    assert [e["action"] for e in audit.entries(engine, subject_id=ideas["Finished"]["id"])][0] == "idea.purged"
