"""The answer form of a scenario (live session or self-study): one field per key question,
then one per predicted goal, and reading it back into checked answers.

Field names are `a.<fact>`; the values are those of the question pages (yes/no, choice ids,
a number, a date, `dont_know`). A field for a fact the scenario does not ask is refused as a
whole (`NotInScenario`, a 400); a missing or wrong value is a problem shown beside its field.
Values are checked by `engine.scenarios.check_response` and kept as plain JSON values
(`explanations.jsonview.plain`), which `engine.scenarios.tally` reads back.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import AnswerError
from engine.scenarios import Scenario, check_response
from explanations.jsonview import plain
from explanations.render import fact_text, value_text
from webui.forms import FormProblem, raw_answer, shown_value

PREFIX = "a."


class NotInScenario(Exception):
    """The form names a fact the scenario does not ask (a forged or stale form)."""


@dataclass(frozen=True)
class Field:
    fact: str
    kind: str  # 'question' or 'prediction'
    type: str  # boolean, choice, multichoice, number, date (what webui.forms.raw_answer reads)
    text: str
    help: str
    options: tuple[tuple[str, str], ...]  # (value, label) for boolean and choices; () for a text field
    unit: str = ""

    @property
    def name(self) -> str:
        return PREFIX + self.fact


def fields(kb, scenario: Scenario, lang: str, yes: str, no: str) -> list[Field]:
    """The scenario's key questions, then its predictions, as form fields in `lang`."""
    out = []
    for kind, facts in (("question", scenario.key_questions), ("prediction", scenario.predict)):
        for fact in facts:
            decl = kb.questions.get(fact) or kb.conclusions[fact]
            if decl.type == "boolean":
                options = (("yes", yes), ("no", no))
            else:
                options = tuple((c.id, c.label.get(lang)) for c in decl.choices)
            help_text = getattr(decl, "help", None)
            out.append(
                Field(
                    fact,
                    kind,
                    decl.type,
                    fact_text(kb, fact, lang),
                    help_text.get(lang) if help_text is not None else "",
                    options,
                    getattr(decl, "unit", "") or "",
                )
            )
    return out


@dataclass(frozen=True)
class Reading:
    responses: dict  # fact → plain value, for the facts answered well
    chosen: dict  # fact → the form values sent (to show the form again as it was)
    problems: dict  # fact → a webui.messages key, or an AnswerError

    @property
    def complete(self) -> bool:
        return not self.problems


def read_form(workspace, scenario: Scenario, form, all_fields: list[Field]) -> Reading:
    """Every field of the form, checked. Raises NotInScenario for a field of another fact."""
    asked = {f.fact for f in all_fields}
    for name in form:
        if name.startswith(PREFIX) and name[len(PREFIX) :] not in asked:
            raise NotInScenario(name[len(PREFIX) : len(PREFIX) + 80])
    responses, chosen, problems = {}, {}, {}
    for field in all_fields:
        values = [v[:200] for v in form.getlist(field.name)][:50]
        chosen[field.fact] = values
        try:
            value = check_response(workspace, scenario, field.fact, raw_answer(field, values))
        except FormProblem as exc:
            problems[field.fact] = exc.key
            continue
        except AnswerError as exc:
            problems[field.fact] = exc
            continue
        responses[field.fact] = plain(workspace.kb, field.fact, value)
    return Reading(responses, chosen, problems)


def chosen_values(responses: dict) -> dict:
    """Saved answers as the form values that show them (to pre-fill 'change my answers')."""
    return {fact: shown_value(None, value) for fact, value in responses.items()}


def model_values(workspace, scenario: Scenario, responses: dict) -> dict:
    """Saved plain answers back as model values (to compare with the reveal); bad ones left out."""
    out = {}
    for fact, raw in responses.items():
        try:
            out[fact] = check_response(workspace, scenario, fact, raw)
        except AnswerError:
            continue
    return out


def answer_rows(workspace, scenario: Scenario, responses: dict, lang: str) -> list[tuple[str, str, str]]:
    """(fact, its text, the answer in words) for each saved answer, in the scenario's order."""
    kb = workspace.kb
    values = model_values(workspace, scenario, responses)
    return [
        (fact, fact_text(kb, fact, lang), value_text(kb, fact, values[fact], lang))
        for fact in (*scenario.key_questions, *scenario.predict)
        if fact in values
    ]


__all__ = [
    "PREFIX",
    "Field",
    "NotInScenario",
    "Reading",
    "fields",
    "read_form",
    "chosen_values",
    "model_values",
    "answer_rows",
]
