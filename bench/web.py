"""Benchmark the web UI and the JSON API under load: gunicorn with 2 workers on loopback,
SQLite in a temporary folder, a bounded number of requests from a few client threads
(keep-alive connections, like a browser). Adds a "web" section to bench/results.json.

    .venv/bin/python bench/web.py            # or: make bench (after the engine benchmark)
    .venv/bin/python bench/web.py --quick

Targets (issue #10): the API ≥ 300 requests/s with p95 < 50 ms; pages ≥ 100 requests/s
with p95 < 100 ms. Pages are the question page of a saved consultation (read from the
database, replayed, rendered) and the start page."""

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args()
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
    }
    out = Path(args.out)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data["web"] = results
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
