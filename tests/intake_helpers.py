"""Helpers for the intake tests: an app on a fresh database, staff of two organisations, and a
submission through the form as a browser without JavaScript would send it."""

from __future__ import annotations

import re

from web_helpers import make_staff, sign_in, token

from webui import create_app

ORG_A, ORG_B = "region_vasterbotten", "region_norrbotten"
LINK = re.compile(r"data-private-link>(https?://[^<]+)<")

#: Triage answers of an idea with a disclosure in two weeks and nothing filed: urgent.
URGENT = {
    "t.triage.idea_kind": "device_or_diagnostic",
    "t.triage.need_holder": "care_staff",
    "t.triage.need_confirmed": "yes",
    "t.triage.goal": "commercialise",
    "t.triage.in_use_elsewhere": "not_in_use",
    "t.triage.external_contributors": "no",
    "t.triage.application_filed": "no",
    "t.triage.already_public": "no",
    "t.triage.disclosure_planned": "yes",
    "t.triage.weeks_to_disclosure": "2",
    "t.triage.consent_to_share": "yes",
}


def new_app(db_url: str, shipped, **config):
    return create_app(
        {
            "DATABASE_URL": db_url,
            "WORKSPACE": shipped,
            "SECRET_KEY": "s",
            "SESSION_COOKIE_SECURE": False,
            "INTAKE_RATE_LIMIT": 1000,
            **config,
        }
    )


def form(organisation: str = ORG_A, **fields) -> dict:
    data = {
        "title": "Smart sutur",
        "description": "A suture that reports tension.",
        "need": "Wound dehiscence after surgery.",
        "t.triage.submitter_role": "care_staff",
        "t.triage.organisation_type": "region",
        "submitter_organisation": "Norrlands universitetssjukhus",
        "email": "inventor@example.org",
        "phone": "+46 90 123 45",
        "organisation": organisation,
        "consent": "yes",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, case_id: str | None = None, **fields):
    """POST the submission form (a CSRF token from the form page); returns the response (the
    receipt page after the redirect, or the form with its problems)."""
    page = client.get("/ideas/new" + (f"?case={case_id}" if case_id else "")).get_data(as_text=True)
    data = form(**fields)
    if case_id:
        data["case"] = case_id
    data.setdefault("csrf_token", token(page))
    return client.post("/ideas/new", data=data, follow_redirects=True)


def private_link(response) -> str:
    """The path of the private link on a receipt page."""
    url = link_on(response)
    return "/" + url.split("/", 3)[3]


def link_on(response) -> str:
    m = LINK.search(response.get_data(as_text=True))
    assert m, response.get_data(as_text=True)[:3000]
    return m.group(1)


def staff_client(app, role: str, organisation: str | None = None):
    """A test client signed in as a new staff member; returns (client, staff)."""
    member = make_staff(app, role, organisation)
    client = app.test_client()
    assert sign_in(client, member.email).status_code == 303
    return client, member
