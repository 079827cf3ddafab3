"""Staff accounts: advisors, trainers and admins sign in; everyone else stays anonymous.

Passwords are hashed with Argon2 (argon2-cffi). A sign-in creates a server-side session row;
the browser's signed cookie holds only a random token for it, so signing out, disabling an
account or expiry ends access at once, on every worker. Every request checks the row: idle
expiry (`STAFF_IDLE_MINUTES`), absolute expiry (`STAFF_SESSION_HOURS`) and that the account is
still active. Sign-in is rate-limited per address and per account through `webui.throttle`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from webui import storage, throttle
from webui.web import EMAIL

ROLES = ("advisor", "trainer", "admin")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # Argon2 hashes anything, but a megabyte password is an attack, not a password
SESSION_KEY = "staff_token"
TOUCH_EVERY = dt.timedelta(seconds=60)  # write last_seen at most once a minute

_hasher = PasswordHasher()  # stateless: the parameters only (RFC 9106 low-memory profile)
_DUMMY = _hasher.hash("not a password: equalises the time of an unknown e-mail address")

bp = Blueprint("accounts", __name__)


@dataclass(frozen=True)
class Staff:
    id: str
    email: str
    name: str
    role: str
    organisation: str | None

    @property
    def actor(self) -> str:
        """How the audit log names this staff member."""
        return f"staff:{self.id}"


class AccountError(ValueError):
    """A staff account that cannot be made as asked; the message says what to change.

    `key` names the same message in webui.messages, for the web pages."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _staff(row) -> Staff:
    return Staff(id=row.id, email=row.email, name=row.name, role=row.role, organisation=row.organisation)


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def create_staff(engine: sa.Engine, email: str, name: str, role: str, organisation: str | None, password: str) -> Staff:
    email = normal_email(email)
    if not EMAIL.match(email):
        raise AccountError("account_email", f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError("account_role_error", f"role {role!r} is unknown; use one of {', '.join(ROLES)}")
    if role == "advisor" and not organisation:
        raise AccountError("account_organisation", "an advisor belongs to an organisation: give --organisation")
    if not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise AccountError("account_password", f"the password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    name = " ".join((name or "").split())[:120] or email
    staff_id = secrets.token_hex(8)
    with engine.begin() as conn:
        if conn.execute(sa.select(storage.staff.c.id).where(storage.staff.c.email == email)).first():
            raise AccountError("account_exists", f"there is already an account for {email}")
        conn.execute(
            storage.staff.insert().values(
                id=staff_id,
                email=email,
                name=name,
                role=role,
                organisation=organisation or None,
                password_hash=_hasher.hash(password),
                active=True,
                created=storage.now(),
            )
        )
    return Staff(staff_id, email, name, role, organisation or None)


def list_staff(engine: sa.Engine) -> list[tuple[Staff, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(storage.staff).order_by(storage.staff.c.email)).all()
    return [(_staff(r), r.active) for r in rows]


def colleagues(engine: sa.Engine, organisation: str | None) -> list[Staff]:
    """The active advisors of one organisation (to assign work to)."""
    t = storage.staff
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t).where(t.c.active, t.c.organisation == organisation).order_by(t.c.name)).all()
    return [_staff(r) for r in rows]


def set_active(engine: sa.Engine, email: str, active: bool) -> bool:
    """Enable or disable an account; disabling also ends its sessions. False: no such account."""
    email = normal_email(email)
    with engine.begin() as conn:
        row = conn.execute(sa.select(storage.staff.c.id).where(storage.staff.c.email == email)).first()
        if not row:
            return False
        conn.execute(storage.staff.update().where(storage.staff.c.id == row.id).values(active=active))
        if not active:
            conn.execute(storage.staff_sessions.delete().where(storage.staff_sessions.c.staff_id == row.id))
    return True


def set_password(engine: sa.Engine, email: str, password: str, keep_session: str | None = None) -> bool:
    """A new password; ends the account's sessions (all but `keep_session`, a session token)."""
    if not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise AccountError("account_password", f"the password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    email = normal_email(email)
    with engine.begin() as conn:
        row = conn.execute(sa.select(storage.staff.c.id).where(storage.staff.c.email == email)).first()
        if not row:
            return False
        conn.execute(storage.staff.update().where(storage.staff.c.id == row.id).values(password_hash=_hasher.hash(password)))
        ended = storage.staff_sessions.delete().where(storage.staff_sessions.c.staff_id == row.id)
        if keep_session:
            ended = ended.where(storage.staff_sessions.c.token_hash != _digest(keep_session))
        conn.execute(ended)
    return True


def authenticate(engine: sa.Engine, email: str, password: str) -> Staff | None:
    """The active account with this e-mail and password, or None (in the same time either way)."""
    email = normal_email(email)
    with engine.connect() as conn:
        row = conn.execute(sa.select(storage.staff).where(storage.staff.c.email == email)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        with engine.begin() as conn:
            conn.execute(storage.staff.update().where(storage.staff.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return _staff(row)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    cfg = current_app.config
    return dt.timedelta(minutes=cfg["STAFF_IDLE_MINUTES"]), dt.timedelta(hours=cfg["STAFF_SESSION_HOURS"])


def current_staff() -> Staff | None:
    """The signed-in staff member of this request, checked against the session row every time."""
    if "staff" in g:
        return g.staff
    g.staff = None
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) > 100:
        return None
    idle, longest = _limits()
    now = storage.now()
    s, t = storage.staff_sessions, storage.staff
    engine = storage.db()
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(s.c.token_hash, s.c.created, s.c.last_seen, t).join(t, t.c.id == s.c.staff_id).where(s.c.token_hash == _digest(token))
        ).first()
    if row is None or not row.active or now - row.last_seen > idle or now - row.created > longest:
        if row is not None:
            with engine.begin() as conn:
                conn.execute(s.delete().where(s.c.token_hash == row.token_hash))
        session.pop(SESSION_KEY, None)
        return None
    if now - row.last_seen > TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(s.update().where(s.c.token_hash == row.token_hash).values(last_seen=now))
    g.staff = _staff(row)
    return g.staff


def require_role(*roles: str):
    """Only signed-in staff with one of `roles` (an admin passes every check) may use the route."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                if request.method in ("GET", "HEAD"):
                    return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")), 303)
                abort(403)
            if staff.role != "admin" and staff.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no '//'), else the staff home."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("accounts.home")


@bp.route("/staff/sign-in", methods=["GET", "POST"])
def sign_in():
    from webui.audit import record

    next_url = request.values.get("next", "")[:500]
    if request.method == "GET":
        if current_staff():
            return redirect(_safe_next(next_url), 303)
        return render_template("sign_in.html", next_url=next_url, problem=None, email="")
    email = normal_email(request.form.get("email", ""))[:254]
    password = request.form.get("password", "")
    cfg = current_app.config
    address = request.remote_addr or "?"
    if not (
        throttle.allow(f"signin-ip:{address}", cfg["SIGNIN_LIMIT_PER_ADDRESS"], 900)
        and throttle.allow(f"signin:{email}", cfg["SIGNIN_LIMIT_PER_ACCOUNT"], 900)
    ):
        return render_template("sign_in.html", next_url=next_url, problem="signin_throttled", email=email), 429
    staff = authenticate(storage.db(), email, password[:MAX_PASSWORD]) if len(password) <= MAX_PASSWORD else None
    if staff is None:
        return render_template("sign_in.html", next_url=next_url, problem="signin_failed", email=email), 401
    token = secrets.token_urlsafe(32)
    now = storage.now()
    with storage.db().begin() as conn:
        conn.execute(storage.staff_sessions.insert().values(token_hash=_digest(token), staff_id=staff.id, created=now, last_seen=now))
        record(staff.actor, "staff.signed_in", "staff", staff.id, conn=conn)
    session[SESSION_KEY] = token
    session.permanent = True
    g.pop("staff", None)
    return redirect(_safe_next(next_url), 303)


@bp.post("/staff/sign-out")
def sign_out():
    token = session.pop(SESSION_KEY, None)
    if isinstance(token, str):
        with storage.db().begin() as conn:
            conn.execute(storage.staff_sessions.delete().where(storage.staff_sessions.c.token_hash == _digest(token)))
    g.pop("staff", None)
    return redirect(url_for("accounts.sign_in"), 303)


@bp.get("/staff")
@require_role(*ROLES)
def home():
    return render_template("staff_home.html", staff=current_staff())
