"""The `vagvisare` command: check, consult, evaluate and test the knowledge base.

Exit status: 0 success; 1 knowledge-base errors or failing test cases; 2 bad input
(answers files, options).
"""

from __future__ import annotations

import json
import sys

import click

from engine.answers import check_value
from engine.backends import BACKENDS
from engine.consultation import consult
from engine.kbtests import coverage, run_case, show
from engine.loader import load
from engine.problems import did_you_mean
from explanations.how import why_not
from explanations.render import outcome_markdown, why_not_markdown
from vagvisare.cliutil import answers_or_exit, workspace_or_exit
from vagvisare.graph_cmd import graph
from vagvisare.jsonview import outcome_json, why_not_json
from vagvisare.registers_cmd import calendar, counts, partners
from vagvisare.session import Workspace, kb_root

kb_option = click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
engine_option = click.option("--engine", type=click.Choice(BACKENDS), default=None, help="Inference backend.")
lang_option = click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")


def _workspace(kb_dir: str | None, engine: str | None) -> Workspace:
    return workspace_or_exit(kb_dir, engine)


def _module(ws: Workspace, module: str):
    if module not in ws.kb.modules:
        click.echo(f"unknown module '{module}' — choose one of: {', '.join(ws.kb.modules)}", err=True)
        sys.exit(2)
    return ws.module(module)


@click.group()
def main() -> None:
    """Vägvisare: first-line guidance on IP, the MDR and commercialisation."""


@main.command()
@kb_option
def check(kb_dir: str | None) -> None:
    """Validate the knowledge base; every problem as file:line: what — fix."""
    kb, problems = load(kb_root(kb_dir), strict=False)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(
        f"{len(kb.rules)} rules, {len(kb.questions)} questions, {len(kb.sources)} sources, {len(kb.tests)} test cases: {errors} errors, {warnings} warnings"
    )
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("module")
@lang_option
@engine_option
@kb_option
def consult_cmd(module: str, lang: str, engine: str | None, kb_dir: str | None) -> None:
    """Guided consultation in the terminal."""
    from vagvisare.terminal import run_consultation

    ws = _workspace(kb_dir, engine)
    compiled = _module(ws, module)

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    sys.exit(run_consultation(compiled, lang, read, sys.stdout))


consult_cmd.name = "consult"


@main.command()
@click.argument("module")
@click.option(
    "--answers",
    "answer_files",
    multiple=True,
    required=True,
    metavar="FILE",
    help="YAML mapping of fact id → value (repeatable; one result per file).",
)
@click.argument("more_files", nargs=-1, metavar="[FILE ...]")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True)
@click.option(
    "--why-not", "why_nots", multiple=True, metavar="FACT=VALUE", help="Also explain why a conclusion was not reached (repeatable)."
)
@lang_option
@engine_option
@kb_option
def evaluate(module, answer_files, more_files, fmt, why_nots, lang, engine, kb_dir) -> None:
    """Evaluate answers files; one JSON object per file, one per line."""
    ws = _workspace(kb_dir, engine)
    compiled = _module(ws, module)
    questions_asked = [_why_not_target(ws, compiled, text) for text in why_nots]
    files = list(answer_files) + list(more_files)
    parsed = [answers_or_exit(ws, name, module) for name in files]  # check every file before printing anything
    for answers in parsed:
        outcome = consult(compiled, answers, close_unanswered=True)  # a file is a finished set of answers
        blocked = [(fact, value, why_not(compiled, outcome, fact, value)) for fact, value in questions_asked]
        if fmt == "json":
            data = outcome_json(ws.kb, outcome, lang)
            if blocked:
                data["why_not"] = [why_not_json(ws.kb, fact, value, b) for fact, value, b in blocked]
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(outcome_markdown(compiled, outcome, lang))
            for fact, value, b in blocked:
                click.echo(why_not_markdown(compiled, b, fact, value, lang) + "\n")


def _why_not_target(ws: Workspace, compiled, text: str):
    """Parse FACT=VALUE for --why-not; exit 2 with a hint when it names no conclusion value."""
    fact, _, raw = text.partition("=")
    if fact not in compiled.concluders:
        hint = did_you_mean(fact, compiled.concluders) or f"choose one of: {', '.join(compiled.concluders)}"
        click.echo(f"--why-not: '{fact}' is not a conclusion of module '{compiled.module.id}' — {hint}", err=True)
        sys.exit(2)
    raw_value = raw if raw in ws.kb.fact_values(fact) else _yaml_scalar(raw)  # 'yes' as a choice, not a boolean
    value, error = check_value(ws.kb, fact, raw_value)
    if error:
        click.echo(f"--why-not: {error}", err=True)
        sys.exit(2)
    return fact, value


def _yaml_scalar(raw: str):
    """'true' → True, '[a, b]' → list, 'IIa' → 'IIa': read the value as YAML would, safely."""
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


@main.command("test")
@click.argument("module", required=False)
@click.option("--coverage", "show_coverage", is_flag=True, help="List rules and conditions that no case exercises.")
@engine_option
@kb_option
def test_cmd(module: str | None, show_coverage: bool, engine: str | None, kb_dir: str | None) -> None:
    """Run the knowledge base's YAML test cases."""
    ws = _workspace(kb_dir, engine)
    modules = [module] if module else list(ws.kb.modules)
    failed = total = 0
    for mid in modules:
        compiled = _module(ws, mid)
        results = [run_case(compiled, case) for case in ws.kb.tests if case.module == mid]
        for result in results:
            total += 1
            if result.passed:
                continue
            failed += 1
            click.echo(f"FAIL {result.case.id} ({result.case.origin}) {result.case.description}")
            for failure in result.failures:
                click.echo(f"    {failure}")
            if result.outcome:
                click.echo("    trace: " + (", ".join(f.rule for f in result.outcome.trace) or "no rule fired"))
                answered = ", ".join(f"{k}={show(v)}" for k, v in result.outcome.answers.items())
                click.echo(f"    answers used: {answered}")
        if show_coverage:
            cov = coverage(compiled, results)
            click.echo(f"coverage of {mid}: {len(compiled.rules) - len(cov.unfired_rules)}/{len(compiled.rules)} rules fired by some case")
            for rid in cov.unfired_rules:
                click.echo(f"    rule never fired: {rid} ({compiled.rules[rid].origin})")
            for rid, text in cov.untested_comparisons:
                click.echo(f"    condition never true: {rid}: {text}")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main.add_command(graph)
main.add_command(partners)
main.add_command(calendar)
main.add_command(counts)

if __name__ == "__main__":
    main()
