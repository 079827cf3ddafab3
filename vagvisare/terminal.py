"""The guided consultation in a terminal: one question at a time, with why/back/help/quit.

Input and output are passed in (not read from globals) so tests can drive it through a
stream, exactly as a clinician would type.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TextIO

from engine.answers import parse_date
from engine.compiler import CompiledModule
from engine.consultation import consult
from engine.model import DONT_KNOW, Question
from explanations.how import why
from explanations.messages import msg
from explanations.render import outcome_markdown, to_text, why_markdown

WORDS = {
    "why": {"why", "varför", "varfor"},
    "back": {"back", "tillbaka", "bakåt"},
    "help": {"help", "hjälp", "hjalp", "?"},
    "quit": {"quit", "exit", "avsluta", "sluta"},
    "yes": {"y", "yes", "j", "ja", "true"},
    "no": {"n", "no", "nej", "false"},
    "dont_know": {"dont_know", "vet inte", "vet ej", "don't know", "dont know", "vi", "dk", "-"},
}


def parse_reply(question: Question, reply: str):
    """The value a typed reply stands for, or None if it cannot be understood."""
    text = reply.strip().lower()
    if text in WORDS["dont_know"]:
        return DONT_KNOW
    if question.type == "boolean":
        return True if text in WORDS["yes"] else False if text in WORDS["no"] else None
    if question.type == "date":
        value, error = parse_date(question.id, text)
        return None if error else value
    if question.type == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    values = question.values
    picked = []
    for token in text.replace(",", " ").split():
        if token.isdigit() and 1 <= int(token) <= len(values):
            picked.append(values[int(token) - 1])
        elif token in values:
            picked.append(token)
        else:
            return None
    if not picked:
        return None
    if question.type == "choice":
        return picked[0] if len(picked) == 1 else None
    return frozenset(picked)


def run_consultation(
    compiled: CompiledModule, lang: str, read: Callable[[], str | None], out: TextIO, as_of: datetime.date | None = None
) -> int:
    """Run the interview. `read` returns the next line, or None at end of input. Returns an exit code."""
    kb = compiled.kb
    answers: dict = {}
    order: list[str] = []
    print(f"{compiled.module.title.get(lang)}\n{compiled.module.intro.get(lang)}\n{msg('commands', lang)}\n", file=out)
    while True:
        outcome = consult(compiled, answers, explore_unknowns=False, as_of=as_of)
        qid = outcome.next_question
        if qid is None:
            break
        question = kb.questions[qid]
        _print_question(question, len(order) + 1, lang, out)
        reply = read()
        if reply is None or reply.strip().lower() in WORDS["quit"]:
            print(msg("quit", lang), file=out)
            return 1 if reply is None else 0  # quitting is a choice; input that ends mid-way is not
        word = reply.strip().lower()
        if word in WORDS["why"]:
            print(to_text(why_markdown(compiled, why(compiled, outcome.plan.state, qid), lang)) + "\n", file=out)
            continue
        if word in WORDS["help"]:
            _print_help(question, lang, out)
            continue
        if word in WORDS["back"]:
            if not order:
                print(msg("nothing_to_undo", lang), file=out)
            else:
                answers.pop(order.pop())
            continue
        value = parse_reply(question, reply)
        if value is None:
            print(msg("not_understood", lang), file=out)
            continue
        answers[qid] = value
        order.append(qid)
    final = consult(compiled, answers, as_of=as_of)
    print("\n" + to_text(outcome_markdown(compiled, final, lang)), file=out)
    return 0


def _print_question(question: Question, number: int, lang: str, out: TextIO) -> None:
    print(f"{msg('question', lang)} {number}: {question.text.get(lang)}", file=out)
    if question.type == "boolean":
        print(f"  {msg('bool_hint', lang)}", file=out)
    elif question.type == "number":
        print(f"  {msg('number_hint', lang)}" + (f" ({question.unit})" if question.unit else ""), file=out)
    elif question.type == "date":
        print(f"  {msg('date_hint', lang)}", file=out)
    else:
        for i, choice in enumerate(question.choices, 1):
            print(f"  {i}. {choice.label.get(lang)}", file=out)
        print(f"  {msg('multi_hint' if question.type == 'multichoice' else 'choice_hint', lang)}", file=out)
    print("> ", end="", file=out, flush=True)


def _print_help(question: Question, lang: str, out: TextIO) -> None:
    print(question.help.get(lang) if question.help else msg("no_help", lang), file=out)
    for d in question.definitions:
        print(f"  • {d.term.get(lang)}: {d.meaning.get(lang)}", file=out)
    print(msg("commands", lang) + "\n", file=out)


__all__ = ["run_consultation", "parse_reply"]
