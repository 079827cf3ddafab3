"""Benchmark the web UI and the JSON API under load: gunicorn with 2 workers on loopback,
SQLite in a temporary folder, a bounded number of requests from a few client threads
(keep-alive connections, like a browser). Adds a "web" section to bench/results.json.

    .venv/bin/python bench/web.py            # or: make bench (after the engine benchmark)
    .venv/bin/python bench/web.py --quick

Targets (issue #10): the API ≥ 300 requests/s with p95 < 50 ms; pages ≥ 100 requests/s
with p95 < 100 ms. Pages are the question page of a saved consultation (read from the
database, replayed, rendered) and the start page.

A live training session (issue #14, `--only training` runs just this part): a trainer signed
in, one session, 60 participants (each a thread with its own cookie, all from 127.0.0.1 as a
class behind one NAT would be) who join, answer every question and prediction, then poll their
page while the trainer's screen polls and reveals a step now and then. Polls come every second
(five times as often as the pages' own automatic updates). Target: p95 < 100 ms, no errors."""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
API_BODY = json.dumps(
    {"module": "mdr", "answers": {"mdr.is_software": True, "mdr.medical_purpose": ["disease"], "mdr.software_drives_device": "none"}}
)


def api_bodies() -> list[str]:
    """Request bodies from the knowledge base's own test cases of the mdr, ip and ivdr guides (varied, realistic)."""
    sys.path.insert(0, str(ROOT))
    from engine.session import Workspace

    ws = Workspace.open()
    bodies = [
        json.dumps(
            {"module": case.module, "answers": case.answers, **({"as_of": case.as_of.isoformat()} if case.as_of else {})}, default=str
        )
        for case in ws.kb.tests
        if case.module in ("mdr", "ip", "ivdr")
    ]
    return bodies or [API_BODY]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, data: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "VAGVISARE_DATA": data,
        "VAGVISARE_SECRET_KEY": "bench",
        "VAGVISARE_SESSION_COOKIE_SECURE": "0",
        "VAGVISARE_API_RATE_LIMIT": "0",
    }
    env.pop("DATABASE_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webui:create_app()"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("the server did not start")


def session(port: int) -> tuple[str, str]:
    """Start an MDR consultation and answer one question; returns (cookie, question page path)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/")
    r = c.getresponse()
    cookie = r.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.read().decode()).group(1)
    body = urllib.parse.urlencode({"module": "mdr", "csrf_token": token})
    c.request("POST", "/start", body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    cookie = (r.getheader("Set-Cookie") or cookie).split(";", 1)[0]
    path = urllib.parse.urlparse(r.getheader("Location")).path
    c.request("GET", path, headers={"Cookie": cookie})
    page = c.getresponse().read().decode()
    qid = re.search(r'name="question" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"question": qid, "answer": "yes", "csrf_token": token})
    c.request("POST", path, body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    c.getresponse().read()
    return cookie, path


def load(port: int, make_request, total: int, threads: int) -> dict:
    """`total` requests from `threads` keep-alive clients; latency per request."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per = total // threads

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, bad = [], 0
        for _ in range(per):
            t = time.perf_counter()
            try:
                method, path, body, headers = make_request()
                c.request(method, path, body, headers)
                r = c.getresponse()
                r.read()
                if r.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - t)
        with lock:
            times.extend(mine)
            errors[0] += bad

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - start
    times.sort()
    return {
        "requests": len(times),
        "concurrency": threads,
        "req_per_s": round(len(times) / wall, 1),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 2),
        "errors": errors[0],
    }


# --- a live training session ------------------------------------------------------------------

TRAINING_SCENARIO = "ip-poster-before-patent"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One client with its own cookie and keep-alive connection; times every request by kind."""

    def __init__(self, port: int, times: dict, errors: list, lock: threading.Lock) -> None:
        self.port, self.times, self.errors, self.lock = port, times, errors, lock
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, kind: str, method: str, path: str, fields: dict | None = None, ok=(200,)) -> tuple[int, dict, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        try:
            self.conn.request(method, path, body, headers)
            r = self.conn.getresponse()
            text = r.read().decode()
            status, got = r.status, dict(r.getheaders())
        except OSError:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status, got, text = 0, {}, ""
        elapsed = time.perf_counter() - t
        if got.get("Set-Cookie"):
            self.cookie = got["Set-Cookie"].split(";", 1)[0]
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if status not in ok:
                self.errors.append((kind, status))
        return status, got, text


def _trainer(port: int, data: str, times, errors, lock) -> tuple[Browser, str, str]:
    """Make a trainer account in the server's database, sign in, start a session: (browser, screen, code)."""
    sys.path.insert(0, str(ROOT))
    from webui import storage
    from webui.accounts import create_staff

    engine = storage.make_engine(f"sqlite:///{Path(data) / 'vagvisare.sqlite3'}")
    create_staff(engine, "trainer@example.org", "Trainer", "trainer", None, "bench password 1234")
    engine.dispose()
    b = Browser(port, times, errors, lock)
    _, _, page = b.request("setup", "GET", "/staff/sign-in")
    b.request("setup", "POST", "/staff/sign-in", {"email": "trainer@example.org", "password": "bench password 1234",
              "csrf_token": TOKEN.search(page).group(1)}, ok=(303,))  # fmt: skip
    _, _, page = b.request("setup", "GET", "/training")
    _, got, _ = b.request("setup", "POST", "/training/start", {"scenario": TRAINING_SCENARIO, "csrf_token": TOKEN.search(page).group(1)},
                          ok=(303,))  # fmt: skip
    screen = urllib.parse.urlparse(got["Location"]).path
    _, _, page = b.request("setup", "GET", screen)
    code = re.search(r'data-code="([^"]+)"', page).group(1)
    return b, screen, code


def training(port: int, data: str, participants: int = 60, polls: int = 15, every: float = 1.0) -> dict:
    """One session, `participants` joining, answering and polling at once, the trainer's screen too."""
    import random

    times: dict[str, list[float]] = {}
    errors: list = []
    lock = threading.Lock()
    trainer, screen, code = _trainer(port, data, times, errors, lock)
    start = threading.Barrier(participants + 1)

    def participant(n: int) -> None:
        rnd = random.Random(n)
        b = Browser(port, times, errors, lock)
        start.wait()
        time.sleep(rnd.random() * 2)  # people do not press Join at the same millisecond
        _, _, page = b.request("join_page", "GET", "/join")
        _, got, _ = b.request("join", "POST", "/join", {"code": code, "nickname": f"P{n}", "csrf_token": TOKEN.search(page).group(1)},
                              ok=(303,))  # fmt: skip
        me = urllib.parse.urlparse(got.get("Location", "/join")).path
        _, _, form = b.request("form", "GET", me)
        fields: dict[str, list[str]] = {}
        for name, value in re.findall(r'name="(a\.[^"]+)" value="([^"]*)"', form):
            fields.setdefault(name, [rnd.choice([value, "dont_know"])] if rnd.random() < 0.3 else [value])
        time.sleep(rnd.random() * 3)  # reading the case
        b.request("answer", "POST", me, {**fields, "csrf_token": TOKEN.search(form).group(1)}, ok=(303,))
        for _ in range(polls):
            time.sleep(every * (0.5 + rnd.random()))
            b.request("participant_poll", "GET", me)

    def screen_poller() -> None:
        start.wait()
        time.sleep(4)
        csrf = None
        for i in range(polls + 4):
            _, _, page = trainer.request("trainer_screen", "GET", screen)
            csrf = csrf or TOKEN.search(page).group(1)
            if i % 3 == 2:
                trainer.request("reveal", "POST", screen + "/reveal", {"action": "next", "csrf_token": csrf}, ok=(303,))
            time.sleep(every)

    pool = [threading.Thread(target=participant, args=(n,)) for n in range(participants)] + [threading.Thread(target=screen_poller)]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - began
    _, _, page = trainer.request("setup", "GET", screen)
    answered = int(re.search(r'data-answered="(\d+)"', page).group(1))

    def stats(values: list[float]) -> dict:
        values = sorted(values)
        return {
            "requests": len(values),
            "median_ms": round(statistics.median(values) * 1000, 2),
            "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)] * 1000, 2),
            "max_ms": round(values[-1] * 1000, 2),
        }

    every_request = [t for kind, values in times.items() if kind != "setup" for t in values]
    return {
        "participants": participants,
        "answered": answered,
        "polls_per_participant": polls,
        "poll_interval_s": every,
        "wall_s": round(wall, 1),
        "all": {**stats(every_request), "req_per_s": round(len(every_request) / wall, 1), "errors": len(errors)},
        "by_kind": {kind: stats(values) for kind, values in sorted(times.items()) if kind != "setup"},
        "errors": [f"{kind}: {status}" for kind, status in errors[:20]],
    }


def training_only(out: Path) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        proc = serve(port, data)
        try:
            result = training(port, data)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    data_json = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    web = data_json.setdefault("web", {})
    web["training_session"] = result
    web.setdefault("targets", {})["training"] = "one session, 60 participants answering and polling: p95 < 100 ms, no errors"
    web["targets"]["training_met"] = _training_met(result)
    out.write_text(json.dumps(data_json, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


def _training_met(result: dict) -> bool:
    return result["all"]["p95_ms"] < 100 and result["all"]["errors"] == 0 and result["answered"] == result["participants"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["training"], help="run only this part, and update its figures in the results")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args()
    if args.only == "training":
        training_only(Path(args.out))
        return
    n = 300 if args.quick else 3000
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        proc = serve(port, data)
        try:
            cookie, path = session(port)
            bodies = itertools.cycle(api_bodies())
            api = lambda: ("POST", "/api/v1/evaluate", next(bodies), {"Content-Type": "application/json"})  # noqa: E731
            page = lambda: ("GET", path, None, {"Cookie": cookie})  # noqa: E731
            start = lambda: ("GET", "/", None, {})  # noqa: E731
            load(port, api, 100, 2)  # warm up both workers
            load(port, page, 100, 2)
            results = {
                "server": "gunicorn, 2 sync workers, 127.0.0.1, SQLite",
                "client": "bench/web.py: keep-alive http.client threads, bounded request count",
                "api_evaluate": load(port, api, n, 4),
                "api_bodies": "the mdr, ip and ivdr test cases of the knowledge base, in turn",
                "question_page": load(port, page, n, 4),
                "start_page": load(port, start, n, 4),
                "training_session": training(port, data),
            }
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    api_r, page_r = results["api_evaluate"], results["question_page"]
    results["targets"] = {
        "api": "≥ 300 req/s, p95 < 50 ms",
        "pages": "≥ 100 req/s, p95 < 100 ms",
        "api_met": api_r["req_per_s"] >= 300 and api_r["p95_ms"] < 50 and api_r["errors"] == 0,
        "pages_met": page_r["req_per_s"] >= 100 and page_r["p95_ms"] < 100 and page_r["errors"] == 0,
        "training": "one session, 60 participants answering and polling: p95 < 100 ms, no errors",
        "training_met": _training_met(results["training_session"]),
    }
    out = Path(args.out)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data["web"] = results
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
