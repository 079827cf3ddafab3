"""Saved consultations on SQLite and on a real PostgreSQL (VAGVISARE_TEST_DATABASE_URL, started
by .ci/run), and the kill test: a server killed with SIGKILL loses no acknowledged answer."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from web_helpers import question_of, run_through, start, token

from webui import create_app, storage


def test_store_round_trip_and_purge(db_url):
    engine = storage.make_engine(db_url)
    storage.upgrade(engine)
    storage.upgrade(engine)  # idempotent
    store = storage.Store(engine)
    case_id = store.create({"format": "x", "n": 1})
    assert len(case_id) >= 32 and store.load(case_id) == {"format": "x", "n": 1}
    store.save(case_id, {"format": "x", "n": 2})
    assert store.load(case_id)["n"] == 2
    assert store.load("nope") is None and store.load("x" * 32) is None
    old = store.create({"format": "x"})
    with engine.begin() as conn:
        conn.execute(storage.cases.update().where(storage.cases.c.id == old).values(updated=storage.now() - dt.timedelta(days=91)))
    assert store.purge(90) >= 1
    assert store.load(old) is None and store.load(case_id) is not None
    store.delete(case_id)
    assert store.load(case_id) is None


def test_a_consultation_on_each_database(db_url, shipped):
    app = create_app({"DATABASE_URL": db_url, "WORKSPACE": shipped, "SECRET_KEY": "s", "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    url = start(client, "ip")
    asked = run_through(client, url)
    saved = app.extensions["vagvisare_store"].load(url.split("/")[2])
    assert [q for q, _ in saved["consultations"]["ip"]["answers"]] == asked


def test_a_failed_write_stores_nothing(shipped, tmp_path, monkeypatch):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'f.sqlite3'}", "WORKSPACE": shipped, "SECRET_KEY": "s", "SESSION_COOKIE_SECURE": False}
    )
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    url = start(client, "mdr")
    store = app.extensions["vagvisare_store"]
    before = store.load(url.split("/")[2])

    def broken(self, case_id, data):
        with self.engine.begin() as conn:
            conn.execute(storage.cases.update().where(storage.cases.c.id == case_id).values(data="{}"))
            raise OSError("disk gone")  # the transaction is rolled back

    monkeypatch.setattr(storage.Store, "save", broken)
    page = client.get(url).get_data(as_text=True)
    r = client.post(url, data={"question": question_of(page), "answer": "yes", "csrf_token": token(page)})
    assert r.status_code == 500 and "disk gone" not in r.get_data(as_text=True)
    assert store.load(url.split("/")[2]) == before


# --- the kill test --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, data: Path) -> subprocess.Popen:
    env = {**os.environ, "VAGVISARE_DATA": str(data), "VAGVISARE_SECRET_KEY": "kill-test", "VAGVISARE_SESSION_COOKIE_SECURE": "0"}
    env.pop("DATABASE_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "webui:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("the server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_sigkill_loses_no_acknowledged_answer(tmp_path):
    """gunicorn with 2 workers on SQLite: answer, SIGKILL the whole server right after an
    acknowledged answer, start it again, and the consultation resumes with every answer."""
    port = _free_port()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    base = f"http://127.0.0.1:{port}"

    def get(path):
        return opener.open(base + path, timeout=10).read().decode()

    def post(path, fields):
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        try:
            r = opener.open(base + path, data=body, timeout=10)
            return r.status, r.headers.get("Location")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location")

    server = _serve(port, tmp_path)
    try:
        status, location = post("/start", {"module": "mdr", "csrf_token": token(get("/"))})
        assert status == 303
        url = urllib.parse.urlparse(location).path
        acknowledged = []
        for _ in range(5):
            page = get(url)
            qid = question_of(page)
            value = "yes" if 'value="yes"' in page else __import__("re").search(r'name="answer" value="([^"]+)"', page).group(1)
            status, _ = post(url, {"question": qid, "answer": value, "csrf_token": token(page)})
            assert status == 303  # acknowledged
            acknowledged.append(qid)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    server = _serve(port, tmp_path)
    try:
        check = get(url + "/check")
        for qid in acknowledged:
            assert f'data-question="{qid}"' in check
        assert question_of(get(url)) not in acknowledged
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
