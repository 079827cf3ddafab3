"""The intake's tables on SQLite and on a real PostgreSQL (conftest.db_url: VAGVISARE_TEST_DATABASE_URL,
started by .ci/run): an idea with its attachments, additions, notes and events round-trips, the private
token is found only by its hash, and deletion leaves no row of the idea behind."""

from __future__ import annotations

import os

import sqlalchemy as sa
from intake_helpers import ORG_A, URGENT, new_app, private_link, staff_client, submit
from web_helpers import token

from webui import audit, intake_store, storage


def _fields(**extra) -> dict:
    return {
        "organisation": "test_org_" + os.urandom(4).hex(),
        "title": "T",
        "description": "D",
        "need": "N",
        "submitter_role": "care_staff",
        "submitter_organisation": "O",
        "email": "e@example.org",
        "phone": "",
        "lang": "sv",
        **extra,
    }


def _rows_of(conn, idea_id: str) -> int:
    n = conn.execute(sa.select(sa.func.count()).select_from(intake_store.ideas).where(intake_store.ideas.c.id == idea_id)).scalar_one()
    for table in intake_store.CHILDREN:
        n += conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.idea_id == idea_id)).scalar_one()
    return n


def test_store_round_trip_and_delete(db_url):
    engine = storage.make_engine(db_url)
    storage.upgrade(engine)
    storage.upgrade(engine)  # idempotent
    fields = _fields()
    summary = {"priority": "high", "priority_certain": True, "idea_kind": "other", "flags": ["x"], "flags_possible": []}
    with engine.begin() as conn:
        idea_id, secret = intake_store.create(
            conn, fields, {"consultation": {"answers": []}}, summary, {"ip": {"module": "ip", "answers": []}}
        )
    assert len(secret) >= 43 and len(idea_id) >= 22
    with engine.begin() as conn:
        idea = intake_store.by_token(conn, secret)
        assert idea["id"] == idea_id and idea["priority"] == "high" and idea["summary"]["flags"] == ["x"] and "token_hash" not in idea
        assert intake_store.by_token(conn, secret[:-1] + "A") is None or secret.endswith("A")
        assert intake_store.by_token(conn, "short") is None and intake_store.get(conn, "x" * 200) is None
        intake_store.add_addition(conn, idea_id, "more")
        intake_store.add_note(conn, idea_id, "staff1", "internal")
        intake_store.set_status(conn, idea, "in_dialogue", None, "staff:1")
        intake_store.assign(conn, idea, "staff1", "staff:1")
        intake_store.override_priority(conn, idea, "low", "because", "staff:1")
    with engine.begin() as conn:
        idea = intake_store.get(conn, idea_id)
        assert (idea["status"], idea["assignee"], idea["priority_override"], idea["priority"]) == ("in_dialogue", "staff1", "low", "high")
        assert [i["id"] for i in intake_store.listing(conn, fields["organisation"])] == [idea_id]
        assert intake_store.listing(conn, fields["organisation"], status="closed") == []
        assert [f["status"] for f in intake_store.figures(conn, fields["organisation"])] == ["in_dialogue"]
        assert list(intake_store.attached(conn, idea_id)) == ["ip"]
        assert _rows_of(conn, idea_id) == 1 + 1 + 1 + 1 + 3
        intake_store.delete(conn, idea_id)
    with engine.connect() as conn:
        assert _rows_of(conn, idea_id) == 0 and intake_store.by_token(conn, secret) is None


def test_submit_work_and_withdraw_on_each_database(db_url, shipped):
    app = new_app(db_url, shipped)
    client = app.test_client()
    path = private_link(submit(client, **URGENT))
    advisor, _ = staff_client(app, "advisor", ORG_A)
    page = advisor.get("/staff/ideas").get_data(as_text=True)
    assert "Smart sutur" in page
    engine = app.extensions["vagvisare_store"].engine
    with engine.connect() as conn:
        idea = intake_store.by_token(conn, path.rsplit("/", 1)[1])
    page = advisor.get(f"/staff/ideas/{idea['id']}").get_data(as_text=True)
    assert advisor.post(f"/staff/ideas/{idea['id']}/notes", data={"note": "n", "csrf_token": token(page)}).status_code == 303
    assert advisor.post(f"/staff/ideas/{idea['id']}/status", data={"status": "in_dialogue", "csrf_token": token(page)}).status_code == 303
    assert advisor.get("/staff/dashboard").status_code == 200
    status = client.get(path).get_data(as_text=True)
    assert client.post(path + "/withdraw", data={"csrf_token": token(status)}).status_code == 200
    with engine.connect() as conn:
        assert _rows_of(conn, idea["id"]) == 0
    assert "idea.delete" in [e["action"] for e in audit.entries(engine, idea["id"])]
