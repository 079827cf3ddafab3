"""Helpers for driving live training sessions through Flask's test client, as phones and a
projector without JavaScript would: start a session as a trainer, join as a participant,
answer the scenario's form, and read the HTML contract (data-* attributes) of the pages."""

from __future__ import annotations

import re
from html import unescape

from web_helpers import make_staff, sign_in, token

from explanations.jsonview import plain

CODE = re.compile(r'data-code="([^"]+)"')
FIELD = re.compile(r'name="(a\.[^"]+)" value="([^"]*)"')


def html(r) -> str:
    return r.get_data(as_text=True)


def trainer(app, role: str = "trainer"):
    """(a signed-in test client, the staff member)."""
    staff = make_staff(app, role)
    client = app.test_client()
    assert sign_in(client, staff.email).status_code == 303
    return client, staff


def start_session(client, scenario_id: str, live: bool = False) -> tuple[str, str]:
    """Start a session from the trainer's list; returns (screen path, join code)."""
    page = html(client.get("/training"))
    data = {"scenario": scenario_id, "csrf_token": token(page)}
    if live:
        data["live"] = "1"
    r = client.post("/training/start", data=data)
    assert r.status_code == 303, (r.status_code, html(r)[:500])
    screen = r.headers["Location"]
    return screen, CODE.search(html(client.get(screen))).group(1)


def join(client, code: str, nickname: str):
    """POST the join form; returns the response (303 to the participant's page when joined)."""
    page = html(client.get("/join"))
    return client.post("/join", data={"code": code, "nickname": nickname, "csrf_token": token(page)})


def form_values(value) -> list[str]:
    """A plain answer (as stored) as the values a form sends."""
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def answer(client, url: str, responses: dict):
    """Fill the participant's (or self-study) form with `responses` (fact → plain value) and send it."""
    page = html(client.get(url))
    if 'name="csrf_token"' not in page:  # a page without a form (the answers are locked): any form's token
        page = html(client.get("/join"))
    data = {"csrf_token": token(page)}
    for fact, value in responses.items():
        data["a." + fact] = form_values(value)
    return client.post(url, data=data)


def plain_expected(ws, scenario, expected: dict) -> dict:
    return {fact: plain(ws.kb, fact, value) for fact, value in expected.items()}


def distributions(page: str) -> dict:
    """fact → {data-key: count} of the rows with a count above zero, from the distribution tables."""
    out = {}
    for fact, body in re.findall(r'<table class="distribution" data-fact="([^"]+)".*?>(.*?)</table>', page, re.S):
        rows = re.findall(r'data-key="([^"]*)" data-count="(\d+)"', body)
        out[fact] = {unescape(k): int(n) for k, n in rows if int(n)}
    return out


def shown_steps(page: str) -> list[tuple[str, str, list[str], list[str]]]:
    """(kind, fact, rule ids, source pinpoints) of each revealed step, in order."""
    out = []
    for chunk in page.split('<li class="step ')[1:]:
        chunk = chunk.split("</ol>")[0]
        kind = re.search(r'data-kind="([^"]+)"', chunk).group(1)
        fact = re.search(r'data-fact="([^"]+)"', chunk).group(1)
        rules = re.findall(r'data-rule="([^"]+)"', chunk)
        pinpoints = [unescape(p) for p in re.findall(r'data-pinpoint="([^"]*)"', chunk)]
        out.append((kind, fact, rules, pinpoints))
    return out


def expected_steps(steps) -> list[tuple[str, str, list[str], list[str]]]:
    """The same, from engine.scenarios.reveal_steps."""
    out = []
    for step in steps:
        rules = [*step.rules, *(r for r, _ in step.overridden), *step.checked_by]
        out.append((step.kind, step.fact, [r.id for r in rules], [s.pinpoint for r in rules for s in r.sources]))
    return out
