"""Helpers shared by the pages: language, the workspace and store, cases and their guides."""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import urlencode

from flask import abort, current_app, g, request, session

from engine.errors import KnowledgeBaseError
from engine.session import Consultation, Workspace
from explanations.jsonview import plain
from webui.messages import t

CASE_FORMAT = "vagvisare.case/1"
MAX_CASES_IN_SESSION = 20


def ws() -> Workspace:
    return current_app.extensions["vagvisare_ws"]


def store():
    return current_app.extensions["vagvisare_store"]


#: An e-mail address as staff accounts and submissions accept it: no spaces, and none of the
#: characters that could break out of a mail header (<>"',;).
EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[^@\s<>\"',;]{1,190}\.[^@\s<>\"',;]{2,63}$")


def register(name: str, loader):
    """A register of the knowledge base (directory, calendar, intake …), read once per app;
    KnowledgeBaseError if it cannot be read (`vagvisare check` says why)."""
    cache = current_app.extensions.setdefault("vagvisare_registers", {})
    if name not in cache:
        data, problems = loader(ws().kb.root)
        if data is None:
            raise KnowledgeBaseError(problems)
        cache[name] = data
    return cache[name]


def lang() -> str:
    if "lang" not in g:
        wanted = request.args.get("lang")
        if wanted in ("sv", "en"):
            if session.get("lang") != wanted:
                session["lang"] = wanted
            g.lang = wanted
        else:
            g.lang = session.get("lang") if session.get("lang") in ("sv", "en") else "sv"
    return g.lang


def switch_url() -> str:
    """This page in the other language (the place is kept)."""
    args = {k: v for k, v in request.args.items(multi=True) if k != "lang"} if request.method == "GET" else {}
    args = list(args.items()) + [("lang", "en" if lang() == "sv" else "sv")]
    return request.path + "?" + urlencode(args)


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def text(obj) -> str:
    """A knowledge-base Text in the page language."""
    return obj.get(lang()) if obj is not None else ""


def data_value(kb, fact: str, value) -> str:
    """The `data-value` of the HTML contract: the JSON value as text (lists joined with commas)."""
    p = plain(kb, fact, value)
    if p is None:
        return ""
    if isinstance(p, bool):
        return "true" if p else "false"
    if isinstance(p, list):
        return ",".join(str(x) for x in p)
    return str(p)


# --- cases -------------------------------------------------------------------------


def owned(case_id: str) -> bool:
    return case_id in session.get("cases", [])


def own(case_id: str) -> None:
    ids = [c for c in session.get("cases", []) if c != case_id]
    session["cases"] = (ids + [case_id])[-MAX_CASES_IN_SESSION:]
    session.permanent = True


def disown(case_id: str) -> None:
    session["cases"] = [c for c in session.get("cases", []) if c != case_id]


class Case:
    """A saved case: every guide the user went through for one idea, read from one row."""

    def __init__(self, case_id: str, data: dict) -> None:
        self.id = case_id
        self.data = data
        self._cache: dict[str, Consultation] = {}

    @classmethod
    def load(cls, case_id: str) -> Case:
        """The case, if this browser owns it; otherwise 404 (an id never tells whether it exists)."""
        if not owned(case_id):
            abort(404)
        data = store().load(case_id)
        if data is None or data.get("format") != CASE_FORMAT:
            disown(case_id)
            abort(404)
        return cls(case_id, data)

    @staticmethod
    def new_data() -> dict:
        return {"format": CASE_FORMAT, "consultations": {}, "partners": []}

    @property
    def modules(self) -> list[str]:
        return list(self.data["consultations"])

    def has(self, module_id: str) -> bool:
        return module_id in self.data["consultations"]

    def consultation(self, module_id: str) -> Consultation:
        """The guide's consultation, with the results of the case's other guides it reads."""
        if module_id in self._cache:
            return self._cache[module_id]
        w = ws()
        saved = self.data["consultations"].get(module_id)
        if saved is None:
            abort(404)
        wanted = w.kb.modules[module_id].inputs if module_id in w.kb.modules else ()
        if wanted:
            given = [self.consultation(m) for m in self.modules if m != module_id and not w.kb.modules[m].inputs]
            inputs = w.inputs_from(module_id, given)
            saved = {**saved, "inputs": {f: plain(w.kb, f, v) for f, v in inputs.items()}}
        c = w.restore(saved)
        c.lang = lang()
        self._cache[module_id] = c
        return c

    def start(self, module_id: str, answers: dict | None = None) -> Consultation:
        w = ws()
        w.module(module_id)  # unknown: AnswerError
        if not self.has(module_id):
            given = [self.consultation(m) for m in self.modules if not w.kb.modules[m].inputs]
            c = w.consultation(module_id, lang=lang(), given=given)
            if answers:
                c.resume(answers, "handover")
            self.data["consultations"][module_id] = c.to_dict()
            self._cache.pop(module_id, None)
        return self.consultation(module_id)

    def put(self, c: Consultation) -> None:
        self.data["consultations"][c.module_id] = c.to_dict()
        self._cache = {c.module_id: c}  # other guides may read this one: rebuild them on demand

    def save(self) -> None:
        store().save(self.id, self.data)

    def dump(self) -> str:
        return json.dumps(self.data)


@functools.lru_cache(maxsize=4096)
def md_html(markdown_text: str) -> str:
    """explanations.render.to_html, remembered: the same Markdown (a question's sources, a why)
    comes back on every page view, and to_html is pure."""
    from explanations.render import to_html

    return to_html(markdown_text)
