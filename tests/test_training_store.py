"""Training sessions in the database, on SQLite and on a real PostgreSQL (VAGVISARE_TEST_DATABASE_URL,
started by .ci/run): the store's round trip, answers refused once closed or revealed, delete with
every participant, and a session that survives an app restart (a new app on the same database).
`db_url` (tests/conftest.py) gives SQLite, then PostgreSQL when it is configured."""

from __future__ import annotations

import datetime as dt

from training_helpers import answer, html, join, start_session, trainer
from web_helpers import sign_in

from webui import create_app, storage
from webui.training_store import CLOSED, TrainingStore, training_sessions


def test_store_round_trip(db_url):
    engine = storage.make_engine(db_url)
    storage.upgrade(engine)
    store = TrainingStore(engine)
    first = store.start("ip-poster-before-patent", "staff-1")
    second = store.start("mdr-step-counter-wellness", "staff-2")
    assert first.code != second.code and first.open and first.revealed == 0
    assert store.by_code(first.code.lower()) == first and store.get(first.id) == first
    assert store.by_code("") is None and store.by_code("not a code") is None
    assert store.get("nope") is None and store.participant("nope") is None
    assert [s.id for s in store.sessions("staff-1")] == [first.id]
    assert {first.id, second.id} <= {s.id for s in store.sessions()}
    anna = store.join(first.id, "Anna")
    bo = store.join(first.id, "Bo")
    assert [p.nickname for p in store.participants(first.id)] == ["Anna", "Bo"]
    assert store.answer(anna.id, {"ip.owner": "inventor"})
    saved = store.participant(anna.id)
    assert saved.responses == {"ip.owner": "inventor"} and saved.has_answered and not store.participant(bo.id).has_answered
    store.reveal(first.id, 2)
    assert store.get(first.id).revealed == 2
    assert not store.answer(bo.id, {"ip.owner": "employer"})  # revealed: answers are locked
    store.reveal(first.id, 0)
    store.close(first.id)
    assert store.get(first.id).state == CLOSED
    assert not store.answer(bo.id, {"ip.owner": "employer"})  # closed
    old = store.start("ip-poster-before-patent", "staff-3")
    store.join(old.id, "Old")
    with engine.begin() as conn:
        conn.execute(
            training_sessions.update().where(training_sessions.c.id == old.id).values(updated=storage.now() - dt.timedelta(days=91))
        )
    assert store.purge(90) == 1 and store.get(old.id) is None and store.participants(old.id) == []
    store.delete(first.id)
    assert store.get(first.id) is None and store.participant(anna.id) is None and store.participants(first.id) == []
    assert store.get(second.id) is not None
    store.delete(second.id)


def test_a_session_survives_a_restart(db_url, shipped):
    config = {"DATABASE_URL": db_url, "WORKSPACE": shipped, "SECRET_KEY": "restart", "SESSION_COOKIE_SECURE": False, "JOIN_RATE_LIMIT": 0}
    app = create_app(config)
    boss, staff = trainer(app)
    screen, code = start_session(boss, "mdr-step-counter-wellness")
    phone = app.test_client()
    url = join(phone, code, "Ingrid").headers["Location"]
    assert answer(phone, url, {"mdr.medical_purpose": ["none"], "mdr.is_medical_device": "no"}).status_code == 303

    again = create_app(config)  # a new process on the same database
    phone2 = again.test_client()
    page = html(phone2.get(url))  # the participant's address is enough to get back
    assert 'data-answer="mdr.medical_purpose"' in page and "Ingrid" in page
    boss2 = again.test_client()
    assert sign_in(boss2, staff.email).status_code == 303
    page = html(boss2.get(screen))
    assert 'data-joined="1" data-answered="1"' in page
    assert 'data-key="none" data-count="1"' in page
    again.extensions["vagvisare_training"].delete(screen.rsplit("/", 1)[1])
