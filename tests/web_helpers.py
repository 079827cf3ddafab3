"""Helpers for driving the web UI through Flask's test client, as a browser without JavaScript would."""

from __future__ import annotations

import re
from html import unescape

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION = re.compile(r'name="question" value="([^"]+)"')
ANSWERS = re.compile(r'<input type="(radio|checkbox|text|date)"[^>]*name="answer"[^>]*value="([^"]*)"')
FACT = re.compile(r'data-fact="([^"]+)" data-value="([^"]*)"')


def token(html: str) -> str:
    return TOKEN.search(html).group(1)


def question_of(html: str) -> str | None:
    m = QUESTION.search(html)
    return m.group(1) if m else None


def options(html: str) -> list[tuple[str, str]]:
    return [(kind, unescape(v)) for kind, v in ANSWERS.findall(html)]


def facts(html: str) -> dict[str, str]:
    return {f: unescape(v) for f, v in FACT.findall(html)}


def start(client, module: str) -> str:
    """Start a guide from the start page; returns the guide's question URL."""
    page = client.get("/").get_data(as_text=True)
    r = client.post("/start", data={"module": module, "csrf_token": token(page)})
    assert r.status_code == 303, r.status_code
    return r.headers["Location"]


def answer(client, url: str, value) -> object:
    page = client.get(url).get_data(as_text=True)
    values = value if isinstance(value, list) else [value]
    return client.post(url, data={"question": question_of(page), "answer": values, "csrf_token": token(page)})


def run_through(client, url: str, choose=None, limit: int = 80) -> list[str]:
    """Answer every question (by `choose(qid, options)` or the first real option); returns the ids asked."""
    asked = []
    for _ in range(limit):
        r = client.get(url)
        if r.status_code == 303:
            return asked
        page = r.get_data(as_text=True)
        qid = question_of(page)
        opts = options(page)
        value = choose(qid, opts) if choose else None
        if value is None:
            kind, first = opts[0]
            value = "3" if kind == "text" else "2024-01-01" if kind == "date" else first
        asked.append(qid)
        post = client.post(url, data={"question": qid, "answer": value if isinstance(value, list) else [value], "csrf_token": token(page)})
        assert post.status_code == 303, (qid, value, post.status_code, post.get_data(as_text=True)[:2000])
    raise AssertionError("the guide did not finish")


# --- staff ---------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


def make_staff(app, role: str, organisation: str | None = None, email: str | None = None, password: str = PASSWORD):
    """A new staff account in the app's database (a unique e-mail unless one is given)."""
    import secrets

    from webui.accounts import create_staff

    email = email or f"{role}-{secrets.token_hex(4)}@example.org"
    organisation = organisation if organisation is not None or role != "advisor" else "region_vasterbotten"
    return create_staff(app.extensions["vagvisare_store"].engine, email, role.title(), role, organisation, password)


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the form, as a browser would; returns the response to the POST."""
    page = client.get("/staff/sign-in").get_data(as_text=True)
    return client.post("/staff/sign-in", data={"email": email, "password": password, "csrf_token": token(page)})
