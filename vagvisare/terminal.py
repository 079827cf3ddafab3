"""The guided consultation in a terminal: one question at a time, with why/back/help/quit.

It drives an `engine.session.Consultation` and nothing else. Input and output are passed
in (not read from globals) so tests can drive it through a stream, exactly as a clinician
would type. With a save file, the answers are written after every answer, so quitting (or
a lost connection) never loses them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import yaml

from engine.answers import parse_date
from engine.errors import AnswerError
from engine.model import DONT_KNOW_WORD, Question
from engine.session import Consultation
from explanations.jsonview import plain
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
    """The raw answer a typed reply stands for (as an answers file would hold it), or None."""
    text = reply.strip().lower()
    if text in WORDS["dont_know"]:
        return DONT_KNOW_WORD
    if question.type == "boolean":
        return True if text in WORDS["yes"] else False if text in WORDS["no"] else None
    if question.type == "date":
        value, error = parse_date(question.id, text)
        return None if error else value.isoformat()
    if question.type == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        if number != number or number in (float("inf"), float("-inf")):
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
    return list(dict.fromkeys(picked))


def save_answers(consultation: Consultation, path: Path) -> None:
    """Write the answers as an answers file, atomically (a crash leaves the old file or the new)."""
    kb = consultation.kb
    data = {q: plain(kb, q, v) for q, v in consultation.answers.items()}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True) if data else "{}\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"# Vägvisare: answers to the guide '{consultation.module_id}'\n" + text, encoding="utf-8")
    os.replace(tmp, path)


def run_consultation(consultation: Consultation, read: Callable[[], str | None], out: TextIO, save: Path | None = None) -> int:
    """Run the interview. `read` returns the next line, or None at end of input. Returns an exit code."""
    lang = consultation.lang
    module = consultation.compiled.module
    print(f"{module.title.get(lang)}\n{module.intro.get(lang)}\n{msg('commands', lang)}\n", file=out)
    for question, reason in consultation.dropped:
        print(msg("answer_dropped", lang, question=question, reason=reason), file=out)
    while True:
        question = consultation.next_question
        if question is None:
            break
        _print_question(question, len(consultation.answers) + 1, lang, out)
        reply = read()
        if reply is None or reply.strip().lower() in WORDS["quit"]:
            print(msg("saved_in", lang, file=save) if save else msg("quit", lang), file=out)
            return 1 if reply is None else 0  # quitting is a choice; input that ends mid-way is not
        word = reply.strip().lower()
        if word in WORDS["why"]:
            print(to_text(why_markdown(consultation.compiled, consultation.why(question.id), lang)) + "\n", file=out)
            continue
        if word in WORDS["help"]:
            _print_help(question, lang, out)
            continue
        if word in WORDS["back"]:
            if consultation.back() is None:
                print(msg("nothing_to_undo", lang), file=out)
            elif save:
                save_answers(consultation, save)
            continue
        value = parse_reply(question, reply)
        if value is None:
            print(msg("not_understood", lang), file=out)
            continue
        try:
            consultation.answer(question.id, value)
        except AnswerError as exc:  # e.g. 'none' ticked with other choices
            print(f"{exc.message} — {exc.fix}" if exc.fix else exc.message, file=out)
            continue
        if save:
            save_answers(consultation, save)
    print("\n" + to_text(outcome_markdown(consultation.compiled, consultation.outcome(), lang)), file=out)
    if save:
        print(msg("saved_in", lang, file=save), file=out)
    for module in consultation.handovers():
        title = consultation.kb.modules[module].title.get(lang)
        print(msg("handover", lang, guide=title, command=f"vagvisare consult {module} --with {save or '…'}"), file=out)
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


__all__ = ["run_consultation", "parse_reply", "save_answers"]
