"""Reading a question form: the controls named `answer` become the raw value the Consultation API takes."""

from __future__ import annotations

from engine.model import DONT_KNOW_WORD, Question


class FormProblem(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key  # a webui.messages key


def raw_answer(question: Question, values: list[str]):
    values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not values:
        raise FormProblem("no_answer")
    if DONT_KNOW_WORD in values:
        if len(values) > 1:
            raise FormProblem("both_dont_know")
        return DONT_KNOW_WORD
    if question.type == "boolean":
        if values == ["yes"]:
            return True
        if values == ["no"]:
            return False
        raise FormProblem("no_answer")
    if question.type == "multichoice":
        return list(dict.fromkeys(values))
    if len(values) != 1:
        raise FormProblem("no_answer")
    value = values[0]
    if question.type == "number":
        try:
            number = float(value.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise FormProblem("bad_number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise FormProblem("bad_number")
        return int(number) if number.is_integer() else number
    return value  # a choice id or a date: the Consultation API checks it


def shown_value(question: Question, plain_value) -> list[str]:
    """The form values that show a saved answer (to pre-fill a change form)."""
    if plain_value is None:
        return []
    if plain_value == DONT_KNOW_WORD:
        return [DONT_KNOW_WORD]
    if isinstance(plain_value, bool):
        return ["yes" if plain_value else "no"]
    if isinstance(plain_value, list):
        return [str(v) for v in plain_value]
    return [str(plain_value)]
