"""The web UI of Vägvisare: `create_app(config)` builds the Flask app.

Pages (webui.pages), the JSON API (webui.api) and the knowledge-base browser call only the
Consultation API (engine.session) and explanations/*. Consultations live in the database
(webui.storage), never in the process, so any worker can serve any request and a killed
server loses nothing it has acknowledged.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "RETENTION_DAYS": 90,
    "IDEA_RETENTION_DAYS": 0,  # 0: submitted ideas are kept; else handed-over/closed ones untouched this long are deleted
    "MAX_CONTENT_LENGTH": 256 * 1024,  # a form or API request is far smaller; 413 above this
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "vagvisare",
    "PERMANENT_SESSION_LIFETIME": 90 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,  # the token is bound to the session; forms may stay open long
    "WTF_CSRF_SSL_STRICT": False,  # behind a proxy the Referer check breaks; the token is the check
    "API_RATE_LIMIT": 600,
    "INTAKE_RATE_LIMIT": 20,  # idea submissions per hour and client address  # requests per minute and client address (0: no limit)
    "KB_ROOT": None,
    "ENGINE": None,
    "WORKSPACE": None,  # an open engine.session.Workspace to share (tests)
    "JOIN_RATE_LIMIT": 200,  # attempts to join a training session per client address and window (0: no limit);
    # a class of 60 behind one NAT address must get in, guessing 1 of 887 million codes must not
    "JOIN_RATE_WINDOW": 600,  # seconds
    "TRAINING_JOIN_HOURS": 12,  # a training session's code lets people join for this long after it started
    "TRAINING_REFRESH_SECONDS": 5,  # live pages (trainer's screen, participant's waiting page) reload this often
    "STAFF_IDLE_MINUTES": 60,  # a staff session ends after this long without a request
    "STAFF_SESSION_HOURS": 12,  # and after this long in any case
    "SIGNIN_LIMIT_PER_ADDRESS": 30,  # sign-in attempts per 15 minutes and client address
    "SIGNIN_LIMIT_PER_ACCOUNT": 10,  # and per e-mail address
    "SMTP_HOST": None,  # no SMTP server: notifications wait in the outbox
    "SMTP_PORT": 25,
    "SMTP_FROM": "vagvisare@localhost",
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
}


def create_app(config: dict | None = None) -> Flask:
    from flask_wtf.csrf import CSRFProtect

    from engine.session import Workspace
    from webui import (
        accounts,
        api,
        audit,
        dashboard,
        errors,
        inbox,
        intake,
        mail,
        pages,
        participate,
        registers,
        security,
        selfstudy,
        staff_admin,
        storage,
        training,
    )
    from webui.scenario_book import ScenarioBook
    from webui.training_store import TrainingStore

    app = Flask(__name__, instance_relative_config=False)
    app.config.update(DEFAULTS)
    for key in DEFAULTS:
        env = os.environ.get(f"VAGVISARE_{key}")
        if env is not None:
            default = DEFAULTS[key]
            if isinstance(default, bool):
                app.config[key] = env.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(default, int):
                app.config[key] = int(env)
            else:
                app.config[key] = env
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    app.config["SECRET_KEY"] = os.environ.get("VAGVISARE_SECRET_KEY") or os.environ.get("SECRET_KEY") or _local_secret()
    app.config.update(config or {})
    if not app.config["DATABASE_URL"]:
        folder = Path(os.environ.get("VAGVISARE_DATA", "instance")).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{folder / 'vagvisare.sqlite3'}"

    app.extensions["vagvisare_ws"] = app.config.get("WORKSPACE") or Workspace.open(app.config["KB_ROOT"], app.config["ENGINE"])
    engine = storage.make_engine(app.config["DATABASE_URL"])
    storage.upgrade(engine)
    app.extensions["vagvisare_store"] = storage.Store(engine)
    app.extensions["vagvisare_training"] = TrainingStore(engine)
    app.extensions["vagvisare_scenarios"] = ScenarioBook(app.extensions["vagvisare_ws"])

    CSRFProtect(app)
    app.extensions["csrf"].exempt(api.bp)
    security.init(app)
    errors.init(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(registers.bp)
    app.register_blueprint(participate.bp)
    app.register_blueprint(selfstudy.bp)
    app.register_blueprint(training.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(staff_admin.bp)
    mail.init(app)
    app.register_blueprint(intake.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(dashboard.bp)

    @app.cli.command("purge")
    def purge_cmd() -> None:  # flask --app webui purge
        for what, n in purge(app).items():
            print(f"deleted {n} {what}")

    return app


def purge(app: Flask) -> dict[str, int]:
    """Delete what is past its retention time; returns how many of each.

    Saved consultations and training sessions untouched for RETENTION_DAYS. Submitted ideas only
    when IDEA_RETENTION_DAYS is set, and only those handed over or closed and untouched that
    long: they are the advisors' work, so by default they are kept. The audit log records each
    purged idea (its id only)."""
    from webui import audit, intake_store

    days = app.config["RETENTION_DAYS"]
    counts = {
        "saved consultations": app.extensions["vagvisare_store"].purge(days),
        "training sessions": app.extensions["vagvisare_training"].purge(days),
    }
    idea_days = app.config["IDEA_RETENTION_DAYS"]
    if idea_days:
        with app.extensions["vagvisare_store"].engine.begin() as conn:
            gone = intake_store.purge_finished(conn, idea_days)
            for idea_id in gone:
                audit.record("system", "idea.purged", "idea", idea_id, f"retention={idea_days}d", conn=conn)
        counts["finished ideas"] = len(gone)
    return counts


def _local_secret() -> str:
    """For local use only: a secret generated once and kept in the instance folder."""
    folder = Path(os.environ.get("VAGVISARE_DATA", "instance")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
