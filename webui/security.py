"""Security headers on every response: a strict CSP with no script at all, no framing, no referrer."""

from __future__ import annotations

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)


def init(app) -> None:
    @app.after_request
    def headers(response):
        h = response.headers
        h["Content-Security-Policy"] = CSP
        h["X-Content-Type-Options"] = "nosniff"
        h["X-Frame-Options"] = "DENY"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Cross-Origin-Resource-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            h["Strict-Transport-Security"] = "max-age=31536000"
        if "Cache-Control" not in h and response.mimetype != "text/css":
            h["Cache-Control"] = "no-store"  # answers may describe an unpublished invention
        return response
