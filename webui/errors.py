"""Error pages in Swedish and English (JSON under /api/), revealing nothing about the inside."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import AnswerError

log = logging.getLogger("webui")


def _api() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, field: str, message: str, fix: str = ""):
    response = jsonify({"error": {"status": status, "field": field, "message": message, "fix": fix}})
    response.status_code = status
    return response


def refusal(status: int, key: str):
    """A clear refusal of a page request (4xx) in the reader's language: the error page with the
    webui.messages text `key` (for a route to return, never a stack trace, never a 500)."""
    return render_template("error.html", status=status, key=key), status


def init(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf(exc):
        return render_template("error.html", status=400, key="csrf"), 400

    @app.errorhandler(AnswerError)
    def answer_error(exc):
        if _api():
            return api_error(400, exc.location or "body", exc.message, exc.fix)
        return render_template("error.html", status=400, key="error_400"), 400

    @app.errorhandler(HTTPException)
    def http(exc):
        status = exc.code or 500
        if _api():
            field = "body" if status in (400, 413) else "path"
            return api_error(status, field, exc.name)
        key = f"error_{status}" if status in (400, 403, 404, 405, 413, 429) else "error_400"
        return render_template("error.html", status=status, key=key), status

    @app.errorhandler(Exception)
    def crash(exc):
        log.exception("unexpected error on %s %s", request.method, request.path)  # the path only: never the body
        if _api():
            return api_error(500, "server", "internal error")
        return render_template("error.html", status=500, key="error_500"), 500
