"""Live updates without JavaScript: the trainer's screen and a participant's waiting page reload
themselves with `<meta http-equiv="refresh">` while the reader wants them to.

Whether they do is the reader's choice (WCAG 2.1 success criterion 2.2.1, timing adjustable):
asked before the first such page (a checkbox on the join and start forms, ticked by default),
kept in their Flask session, and switched on or off on the page itself with `?live=1` / `?live=0`.
A page with a form to fill never reloads itself, so a half-filled answer is never lost.
"""

from __future__ import annotations

from flask import request, session

KEY = "live"


def choose(on: bool) -> None:
    """Remember the reader's choice (from a form's checkbox)."""
    session[KEY] = bool(on)


def wanted() -> bool:
    """Whether this reader wants automatic updates; `?live=1|0` changes it."""
    flag = request.args.get("live")
    if flag in ("0", "1"):
        choose(flag == "1")
    return bool(session.get(KEY, False))
