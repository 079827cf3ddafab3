"""Check answers (from a file, a form, a JSON body or a test case) against their questions.

An answer is a fact id and a value. "I don't know" (`dont_know`) is valid for every
question. Anything else that does not fit is reported with the file (or field), the line
and a fix. Answers files are untrusted: they are size-limited, refused when they use YAML
anchors, and at most `MAX_PROBLEMS` problems are explained in full.
"""

from __future__ import annotations

import datetime
import re

from engine.errors import AnswerError
from engine.model import AS_OF, DONT_KNOW, DONT_KNOW_WORD, KnowledgeBase, is_date
from engine.problems import MAX_PROBLEMS, Problem, did_you_mean, show
from engine.yamlfile import Located, YamlError, parse_yaml

#: An answers file or request body larger than this is refused.
MAX_ANSWERS_BYTES = 1_000_000

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def check_value(kb: KnowledgeBase, fact: str, value, what: str = "answer") -> tuple[object, str]:
    """Convert a raw YAML/JSON value to the model's value for `fact`.

    Returns (value, "") or (None, "message — fix"). Works for questions and conclusions.
    """
    kind = kb.fact_type(fact)
    if kind is None:
        hint = did_you_mean(fact, list(kb.questions) + list(kb.conclusions)) or "check the id in knowledge_base/questions"
        return None, f"unknown fact {show(fact)} — {hint}"
    if (value == DONT_KNOW_WORD or value is DONT_KNOW) and fact != AS_OF:
        return DONT_KNOW, ""
    values = kb.fact_values(fact)
    if kind == "date":
        return parse_date(fact, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value, ""
        return None, f"'{fact}' is a yes/no question, not {show(value)} — write true, false or {DONT_KNOW_WORD}"
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:  # nan is no number
            return value, ""
        return None, f"'{fact}' takes a number, not {show(value)} — write e.g. {fact}: 3"
    if kind == "choice":
        if isinstance(value, bool) and ("yes" if value else "no") in values:
            return None, f"{show(value)} for '{fact}' was read as a boolean — quote it: '{'yes' if value else 'no'}'"
        if isinstance(value, str) and value in values:
            return value, ""
        if is_date(value) and value.isoformat() in values:
            return None, f"{value.isoformat()} for '{fact}' was read as a date — quote it: '{value.isoformat()}'"
        if isinstance(value, list):
            return None, f"'{fact}' takes one value, not a list — choose one of: {', '.join(values)}"
        hint = did_you_mean(value, values) or f"choose one of: {', '.join(values)}"
        return None, f"{show(value)} is not a choice of '{fact}' — {hint}"
    # multichoice
    if not isinstance(value, list):
        return None, f"'{fact}' takes a list of values — write it as [{show(value).strip(chr(39))}]"
    bad = [v for v in value if not isinstance(v, str) or v not in values]
    if bad:
        hint = did_you_mean(bad[0], values) or f"choose from: {', '.join(values)}"
        return None, f"{show(bad[0])} is not a choice of '{fact}' — {hint}"
    chosen = frozenset(value)
    exclusive = [c for c in kb.exclusive_values(fact) if c in chosen]
    if exclusive and len(chosen) > 1:
        return None, f"'{exclusive[0]}' cannot be combined with other choices of '{fact}' — choose either '{exclusive[0]}' or the others"
    return chosen, ""


def parse_date(fact: str, value) -> tuple[object, str]:
    """A date from YAML (a date) or JSON and forms (the text YYYY-MM-DD)."""
    if is_date(value):
        return value, ""
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip()), ""
        except ValueError:
            pass
    return None, f"'{fact}' takes a date, not {show(value)} — write it as YYYY-MM-DD, e.g. 2026-12-01"


def parse_answers(kb: KnowledgeBase, raw, name: str, module: str | None = None) -> dict:
    """Validate a mapping of fact id → value; raise AnswerError listing the problems.

    `name` is the file (or request field) the answers came from, used in every message.
    With `module`, answers must belong to it (or be among its `inputs:`).
    """
    if not isinstance(raw, dict):
        raise AnswerError(
            Problem(
                name,
                getattr(raw, "line", 0),
                "answers must be a mapping of 'fact.id: value' lines",
                "write one 'module.question: value' per line",
            )
        )
    inputs = kb.modules[module].inputs if module in kb.modules else ()
    problems: list[Problem] = []
    answers = {}
    for fact, value in raw.items():
        line = raw.line_of(fact) if isinstance(raw, Located) else 0
        if len(problems) >= MAX_PROBLEMS:
            # past the limit only count, cheaply: no hints for the rest
            ok = isinstance(fact, str) and (fact in kb.questions or fact in inputs) and not check_value(kb, fact, value)[1]
            if not ok:
                problems.append(Problem(name, line, "another problem"))
            continue
        problem = _answer_problem(kb, fact, value, module, inputs)
        if problem:
            problems.append(Problem(name, line, *problem))
            continue
        answers[fact] = check_value(kb, fact, value)[0]
    if problems:
        raise AnswerError(problems)  # shows the first MAX_PROBLEMS, then how many more
    return answers


def _answer_problem(kb: KnowledgeBase, fact, value, module: str | None, inputs) -> tuple[str, str] | None:
    """(message, fix) for one answer that does not fit, or None."""
    if not isinstance(fact, str):
        return f"a key must be a question id, not {show(fact)}", "write 'module.question: value'"
    if fact not in kb.questions and fact not in inputs:
        if fact == AS_OF:
            return f"'{AS_OF}' is the date the consultation reasons for, not an answer", "remove it and give the date with --as-of"
        if fact in kb.conclusions:
            return f"'{fact}' is a conclusion the rules draw, not an answer", "remove it from the answers"
        return f"unknown fact {show(fact)}", did_you_mean(fact, kb.questions) or "see the question ids in knowledge_base/questions"
    if module and fact not in inputs and kb.questions[fact].module != module:
        owner = kb.questions[fact].module
        return f"'{fact}' belongs to module '{owner}', not '{module}'", f"give it with the answers of the '{owner}' guide instead"
    converted, error = check_value(kb, fact, value)
    if error:
        message, _, fix = error.partition(" — ")
        return message, fix
    return None


def parse_answers_text(kb: KnowledgeBase, text: str, name: str, module: str | None = None) -> dict:
    """Answers from the text of an answers file (YAML or JSON), within the limits for untrusted input."""
    try:
        raw = parse_yaml(text, name, MAX_ANSWERS_BYTES)
    except YamlError as exc:
        raise AnswerError(exc.problems) from None
    return parse_answers(kb, raw if raw is not None else {}, name, module)
