"""`vagvisare scenario`: the peer-learning scenarios for self-study in the terminal.

    vagvisare scenario list [--guide MODULE] [--lang en]
    vagvisare scenario play ID [--lang en]

`play` reads the case, asks the key questions and then the predictions on standard input
("vet inte"/"don't know" is always an answer), and shows the reveal of the guide's real
reasoning with each answer compared, then the misconception, learning points and discussion
prompts. Swedish by default. Exit status: 0 played to the end; 1 input ended mid-way or
knowledge-base errors; 2 an unknown scenario or option.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

import click

from engine.errors import KnowledgeBaseError
from engine.model import Question
from engine.scenarios import check_response, expected_answers, expected_predictions, load_library, reveal_steps
from engine.session import Workspace
from explanations.render import to_text
from explanations.scenario_view import learning_markdown, reveal_markdown, scenario_intro_markdown, smsg
from vagvisare.terminal import WORDS, parse_reply

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _library(ws: Workspace):
    library, problems = load_library(ws.kb.root, ws.kb)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise KnowledgeBaseError(errors)
    return library


@click.group("scenario", context_settings=CONTEXT)
def scenario() -> None:
    """Peer-learning scenarios: list them, or play one alone (self-study)."""


@scenario.command("list", context_settings=CONTEXT)
@click.option("--guide", metavar="MODULE", help="Only the scenarios of this guide.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
@click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
def list_cmd(guide: str | None, lang: str, kb_dir: str | None) -> None:
    """List the scenarios: id, guide and title."""
    ws = Workspace.open(kb_dir)
    library = _library(ws)
    if guide is not None:
        ws.module(guide)  # an unknown guide is an AnswerError with a 'did you mean'
    shown = library.for_guide(guide) if guide else list(library.scenarios)
    width = max((len(s.id) for s in shown), default=0)
    for s in shown:
        click.echo(f"{s.id:<{width}}  {s.guide:<16} {s.title.get(lang)}")
    click.echo(f"{len(shown)} {smsg('scenario_list', lang).lower()}")


@scenario.command("play", context_settings=CONTEXT)
@click.argument("scenario_id", metavar="ID")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
@click.option(
    "--engine", type=click.Choice(["clips", "experta"]), default=None, help="Inference backend (default: clips, or $VAGVISARE_ENGINE)."
)
@click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
def play_cmd(scenario_id: str, lang: str, engine: str | None, kb_dir: str | None) -> None:
    """Play a scenario alone: read the case, answer, predict, then see the reveal."""
    ws = Workspace.open(kb_dir, engine)
    chosen = _library(ws).get(scenario_id)

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    sys.exit(play(ws, chosen, lang, read, sys.stdout))


def play(ws: Workspace, scenario, lang: str, read: Callable[[], str | None], out: TextIO) -> int:
    """Run one self-study round. `read` gives the next line (None at end of input). Returns an exit code."""
    kb = ws.kb
    print(to_text(scenario_intro_markdown(kb, scenario, lang)), file=out)
    print(smsg("scenario_your_turn", lang) + "\n", file=out)
    mine: dict = {}
    asked = [(q, kb.questions[q]) for q in scenario.key_questions]
    predicted = [(g, _as_question(kb, g)) for g in scenario.predict]
    for n, (fact, question) in enumerate(asked + predicted, 1):
        if n == len(asked) + 1:
            print(smsg("scenario_predict", lang) + "\n", file=out)
        while True:
            _print_question(question, n, lang, out)
            reply = read()
            if reply is None:  # input ended before the last answer
                print("\n" + smsg("scenario_stopped", lang), file=out)
                return 1
            if reply.strip().lower() in WORDS["quit"]:
                return 0
            raw = parse_reply(question, reply)
            if raw is None:
                print(smsg("not_understood", lang), file=out)
                continue
            try:
                mine[fact] = check_response(ws, scenario, fact, raw)
            except Exception as exc:  # an AnswerError, e.g. 'none' ticked with other choices
                print(getattr(exc, "message", str(exc)), file=out)
                continue
            break
    steps = reveal_steps(ws, scenario, lang)
    print("\n" + to_text(reveal_markdown(kb, scenario, steps, lang, mine)), file=out)
    expected = {**expected_answers(ws, scenario), **expected_predictions(ws, scenario)}
    right = sum(1 for fact, value in mine.items() if expected.get(fact) == value)
    print(smsg("scenario_score", lang, right=right, total=len(mine)) + "\n", file=out)
    print(to_text(learning_markdown(scenario, lang)), file=out)
    print(f"> {smsg('disclaimer', lang)}", file=out)
    return 0


def _as_question(kb, goal: str) -> Question:
    """A predicted goal asked as a question: its text and choices, from the guide's conclusion."""
    c = kb.conclusions[goal]
    return Question(goal, c.module, c.type, c.text, None, None, c.choices, None, (), (), "", c.origin)


def _print_question(question: Question, number: int, lang: str, out: TextIO) -> None:
    print(f"{smsg('question', lang)} {number}: {question.text.get(lang)}", file=out)
    if question.type == "boolean":
        print(f"  {smsg('bool_hint', lang)}", file=out)
    elif question.type == "number":
        print(f"  {smsg('number_hint', lang)}", file=out)
    elif question.type == "date":
        print(f"  {smsg('date_hint', lang)}", file=out)
    else:
        for i, choice in enumerate(question.choices, 1):
            print(f"  {i}. {choice.label.get(lang)}", file=out)
        hint = smsg("multi_hint" if question.type == "multichoice" else "choice_hint", lang)
        print(f"  {hint}, {smsg('scenario_or_dont_know', lang)}", file=out)
    print("> ", end="", file=out, flush=True)


__all__ = ["scenario", "play"]
