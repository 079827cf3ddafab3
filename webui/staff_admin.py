"""Staff accounts on the web: admins add, disable and reset accounts; everyone changes their own password.

No admin needs a terminal. A new or reset account gets a random password, shown once to the
admin to hand over; the holder then sets their own at /staff/password. Every change is audited.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, render_template, request, session

from webui import accounts, audit, storage
from webui.accounts import ROLES, AccountError, current_staff, require_role

bp = Blueprint("staff_admin", __name__)


def organisation_choices() -> list[tuple[str, str]]:
    """(id, name) of the organisations an advisor can belong to (the intake's receiving organisations)."""
    from webui.intake_common import organisations
    from webui.web import lang

    return [(o.id, o.name.get(lang())) for o in organisations().organisations]


def _accounts_page(problem: str | None = None, given: dict | None = None, shown: tuple[str, str] | None = None, status: int = 200):
    return (
        render_template(
            "staff_accounts.html",
            members=accounts.list_staff(storage.db()),
            roles=ROLES,
            organisations=organisation_choices(),
            problem=problem,
            given=given or {},
            shown=shown,
        ),
        status,
    )


@bp.get("/staff/accounts")
@require_role("admin")
def accounts_page():
    return _accounts_page()


@bp.post("/staff/accounts")
@require_role("admin")
def add_account():
    form = request.form
    given = {k: form.get(k, "")[:254] for k in ("email", "name", "role", "organisation")}
    password = secrets.token_urlsafe(12)
    organisation = given["organisation"] or None
    choices = {id_ for id_, _name in organisation_choices()}
    if organisation and choices and organisation not in choices:
        return _accounts_page("account_organisation", given, status=400)
    try:
        made = accounts.create_staff(storage.db(), given["email"], given["name"], given["role"], organisation, password)
    except AccountError as exc:
        return _accounts_page(exc.key, given, status=400)
    audit.record(current_staff().actor, "staff.created", "staff", made.id, f"role={made.role} organisation={made.organisation or '-'}")
    return _accounts_page(shown=(made.email, password))


def _member(staff_id: str) -> accounts.Staff:
    for member, _active in accounts.list_staff(storage.db()):
        if member.id == staff_id:
            return member
    abort(404)


@bp.post("/staff/accounts/<staff_id>/<action>")
@require_role("admin")
def change_account(staff_id: str, action: str):
    member = _member(staff_id)
    if action in ("disable", "enable"):
        if member.id == current_staff().id:
            return _accounts_page("account_not_self", status=400)
        accounts.set_active(storage.db(), member.email, action == "enable")
        audit.record(current_staff().actor, f"staff.{action}d", "staff", member.id)
        return _accounts_page()
    if action == "reset":
        password = secrets.token_urlsafe(12)
        accounts.set_password(storage.db(), member.email, password)
        audit.record(current_staff().actor, "staff.password_reset", "staff", member.id)
        return _accounts_page(shown=(member.email, password))
    abort(404)


@bp.route("/staff/password", methods=["GET", "POST"])
@require_role(*ROLES)
def own_password():
    me = current_staff()
    if request.method == "GET":
        return render_template("staff_password.html", problem=None, done=False)
    current, new, again = (request.form.get(k, "")[: accounts.MAX_PASSWORD + 1] for k in ("current", "new", "again"))
    if accounts.authenticate(storage.db(), me.email, current) is None:
        return render_template("staff_password.html", problem="password_wrong", done=False), 400
    if new != again:
        return render_template("staff_password.html", problem="password_mismatch", done=False), 400
    try:
        accounts.set_password(storage.db(), me.email, new, keep_session=session.get(accounts.SESSION_KEY))
    except AccountError:
        return render_template("staff_password.html", problem="password_rules", done=False), 400
    audit.record(me.actor, "staff.password_changed", "staff", me.id)
    return render_template("staff_password.html", problem=None, done=True)
