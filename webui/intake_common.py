"""What the submitter's routes, the inbox and the dashboard share: the register of receiving
organisations (read once per process), the database engine, field limits and the non-secret
reference an idea is named by in mail and in the audit log."""

from __future__ import annotations

import re

from engine.intake_register import IntakeRegister, load_intake
from webui.web import register

#: Size limits of every field (characters); more is refused with a message, never cut.
LIMITS = {
    "title": 200,
    "description": 4000,
    "need": 2000,
    "submitter_organisation": 200,
    "email": 254,
    "phone": 40,
    "addition": 4000,
    "note": 4000,
    "reason": 1000,
}
PHONE = re.compile(r"^[0-9+()\-. ]*$")


def organisations() -> IntakeRegister:
    """The receiving organisations (knowledge_base/intake.yaml), loaded once per app."""
    return register("intake", load_intake)


def reference(idea_id: str) -> str:
    """A short name for an idea in mail and on screens: not a key to anything (staff pages need
    a sign-in, the submitter's page the private token)."""
    return "VV-" + re.sub(r"[^A-Za-z0-9]", "", idea_id)[:8].upper()
