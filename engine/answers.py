"""Check answers (from a file, a form or a test case) against the questions they answer.

An answer is a fact id and a value. "I don't know" (`dont_know`) is valid for every
question. Anything else that does not fit is reported with the file, line and a fix.
"""

from __future__ import annotations

import datetime
import re

from engine.model import AS_OF, DONT_KNOW, DONT_KNOW_WORD, KnowledgeBase, is_date
from engine.problems import AnswerError, Problem, did_you_mean


def check_value(kb: KnowledgeBase, fact: str, value, what: str = "answer") -> tuple[object, str]:
    """Convert a raw YAML/JSON value to the model's value for `fact`.

    Returns (value, "") or (None, "message — fix"). Works for questions and conclusions.
    """
    kind = kb.fact_type(fact)
    if kind is None:
        return (
            None,
            f"unknown fact '{fact}' — {did_you_mean(fact, list(kb.questions) + list(kb.conclusions)) or 'check the id in knowledge_base/questions'}",
        )
    if (value == DONT_KNOW_WORD or value is DONT_KNOW) and fact != AS_OF:
        return DONT_KNOW, ""
    values = kb.fact_values(fact)
    if kind == "date":
        return parse_date(fact, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value, ""
        return None, f"'{fact}' is a yes/no question, not {value!r} — write true, false or {DONT_KNOW_WORD}"
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value, ""
        return None, f"'{fact}' takes a number, not {value!r} — write e.g. {fact}: 3"
    if kind == "choice":
        if isinstance(value, bool) and ("yes" if value else "no") in values:
            return None, f"{value!r} for '{fact}' was read as a boolean — quote it: '{'yes' if value else 'no'}'"
        if isinstance(value, str) and value in values:
            return value, ""
        if is_date(value) and value.isoformat() in values:
            return None, f"{value.isoformat()} for '{fact}' was read as a date — quote it: '{value.isoformat()}'"
        if isinstance(value, list):
            return None, f"'{fact}' takes one value, not a list — choose one of: {', '.join(values)}"
        hint = did_you_mean(value, values) or f"choose one of: {', '.join(values)}"
        return None, f"{value!r} is not a choice of '{fact}' — {hint}"
    # multichoice
    items = value if isinstance(value, list) else None
    if items is None:
        return None, f"'{fact}' takes a list of values — write it as [{value}]"
    bad = [v for v in items if v not in values]
    if bad:
        hint = did_you_mean(bad[0], values) or f"choose from: {', '.join(values)}"
        return None, f"{bad[0]!r} is not a choice of '{fact}' — {hint}"
    return frozenset(items), ""


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_date(fact: str, value) -> tuple[object, str]:
    """A date from YAML (a date) or JSON and forms (the text YYYY-MM-DD)."""
    if is_date(value):
        return value, ""
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip()), ""
        except ValueError:
            pass
    return None, f"'{fact}' takes a date, not {value!r} — write it as YYYY-MM-DD, e.g. 2026-12-01"


def parse_answers(kb: KnowledgeBase, raw, name: str, module: str | None = None) -> dict:
    """Validate a mapping of fact id → value; raise AnswerError listing every problem."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise AnswerError(
            [
                Problem(
                    name,
                    getattr(raw, "line", 0),
                    "answers must be a mapping of 'fact.id: value' lines",
                    "write one 'module.question: value' per line",
                )
            ]
        )
    inputs = kb.modules[module].inputs if module in kb.modules else ()
    answers = {}
    for fact, value in raw.items():
        line = raw.line_of(fact) if hasattr(raw, "line_of") else 0
        if fact not in kb.questions and fact not in inputs:
            if fact == AS_OF:
                problems.append(
                    Problem(
                        name,
                        line,
                        f"'{AS_OF}' is the date the consultation reasons for, not an answer",
                        "remove it and give the date with --as-of",
                    )
                )
            elif fact in kb.conclusions:
                problems.append(
                    Problem(name, line, f"'{fact}' is a conclusion the rules draw, not an answer", "remove it from the answers")
                )
            else:
                hint = did_you_mean(fact, kb.questions) or "see the question ids in knowledge_base/questions"
                problems.append(Problem(name, line, f"unknown fact '{fact}'", hint))
            continue
        if module and fact not in inputs and kb.questions[fact].module != module:
            problems.append(
                Problem(
                    name,
                    line,
                    f"'{fact}' belongs to module '{kb.questions[fact].module}', not '{module}'",
                    f"answer it in that module, or list it under 'inputs:' of module '{module}'",
                )
            )
            continue
        converted, error = check_value(kb, fact, value)
        if error:
            message, _, fix = error.partition(" — ")
            problems.append(Problem(name, line, message, fix))
            continue
        answers[fact] = converted
    if problems:
        raise AnswerError(problems)
    return answers
