"""The `vagvisare` command: check, consult, evaluate and test the knowledge base.

Every command works through the core's public API (engine.session, explanations). Exit
status: 0 success; 1 knowledge-base errors or failing test cases; 2 bad input (answers
files, options). Errors are printed as `file:line: what — fix`, never as a traceback.
"""

from __future__ import annotations

import datetime
import json
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import click
import yaml

from engine.backends import BACKENDS
from engine.errors import AnswerError, KnowledgeBaseError, VagvisareError
from engine.kbtests import coverage, run_case, show
from engine.loader import load
from engine.problems import Problem, did_you_mean
from engine.session import Workspace, kb_root
from explanations.jsonview import outcome_json, why_not_json
from explanations.render import nearest_json, outcome_markdown, why_not_text, why_not_words_markdown
from vagvisare.cliutil import given_outcomes, read_answers
from vagvisare.graph_cmd import graph
from vagvisare.registers_cmd import calendar, counts, partners
from vagvisare.scenario_cmd import scenario
from vagvisare.staff_cmd import mail, staff

CONTEXT = {"help_option_names": ["-h", "--help"]}


class _Main(click.Group):
    """Prints the core's typed errors (exit 1 for the knowledge base, 2 for input) instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KnowledgeBaseError as exc:
            _echo_problems(exc)
            click.echo("The knowledge base has errors; run 'vagvisare check' for the full list.", err=True)
            ctx.exit(1)
        except VagvisareError as exc:
            _echo_problems(exc)
            ctx.exit(2)


def _echo_problems(exc: VagvisareError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)


def _date(value: datetime.datetime | None) -> datetime.date | None:
    return value.date() if value else None


def _version_text() -> str:
    try:
        text = f"vagvisare {package_version('vagvisare')}"
    except PackageNotFoundError:
        text = "vagvisare (not installed)"
    try:
        ws = Workspace.open()
    except VagvisareError:
        return text + "\nknowledge base: has errors (run 'vagvisare check')"
    guides = ", ".join(f"{m.id} {m.version}".strip() for m in ws.guides())
    return f"{text}\nknowledge base {ws.version[:12]} at {ws.kb.root}\nguides: {guides}"


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit(0)


kb_option = click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
engine_option = click.option(
    "--engine", type=click.Choice(BACKENDS), default=None, help="Inference backend (default: clips, or $VAGVISARE_ENGINE)."
)
lang_option = click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Apply the law as it stands on this date (default: today).",
)
with_option = click.option(
    "--with",
    "with_files",
    multiple=True,
    metavar="FILE",
    help="Answers file of another guide whose results this guide reads (e.g. mdr and ip answers for pathway). Repeatable.",
)


@click.group(cls=_Main, context_settings=CONTEXT, invoke_without_command=True)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version and exit.")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Vägvisare: first-line guidance on IP, the MDR, the IVDR, funding and commercialisation.

    Start a guide with `vagvisare consult MODULE`; `vagvisare COMMAND -h` explains a command.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        try:
            ws = Workspace.open()
            click.echo("\nGuides (MODULE):")
            for module in ws.guides():
                click.echo(f"  {module.id:<16} {module.title.get('en')}")
        except VagvisareError:
            click.echo("\nThe knowledge base has errors; run 'vagvisare check'.")


@main.command(context_settings=CONTEXT)
@kb_option
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Check for dead law and stale facts as of this day.",
)
@click.option(
    "--readability",
    is_flag=True,
    help="Also report the LIX readability index of every Swedish user-facing text (flags texts above 55).",
)
def check(kb_dir: str | None, today, readability: bool) -> None:
    """Validate the knowledge base; every problem as file:line: what — fix."""
    kb, problems = load(kb_root(kb_dir), strict=False, today=_date(today))
    if readability:
        _readability(kb)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    notes = sum(p.severity == "note" for p in problems)
    warnings = len(problems) - errors - notes
    click.echo(
        f"{len(kb.rules)} rules, {len(kb.questions)} questions, {len(kb.sources)} sources, {len(kb.tests)} test cases: "
        f"{errors} errors, {warnings} warnings, {notes} notes for advisors"
    )
    sys.exit(1 if errors else 0)


def _readability(kb) -> None:
    """LIX of every Swedish question, help text, rule reason and recommendation (explanations.readability)."""
    from explanations.readability import LIMIT, TARGET_MEDIAN, medians, readings

    items = readings(kb)
    for item in sorted(items, key=lambda i: -i.lix):
        if item.lix > LIMIT:
            click.echo(
                f"{item.origin}: readability: LIX {item.lix:.0f} > {LIMIT} in the Swedish {item.kind} of {item.owner} — shorter sentences, shorter words"
            )
    for kind, value in medians(items).items():
        mark = " (target: at most 45)" if kind == "questions and help" else ""
        click.echo(f"LIX median of {kind}: {value:.1f}{mark}")
    over = sum(i.lix > LIMIT for i in items)
    both = medians(items).get("questions and help", 0)
    click.echo(
        f"{len(items)} Swedish texts, {over} above LIX {LIMIT}; questions and help {'meet' if both <= TARGET_MEDIAN else 'miss'} the median target {TARGET_MEDIAN}"
    )


@main.command("consult", context_settings=CONTEXT)
@click.argument("module", required=False)
@lang_option
@as_of_option
@with_option
@click.option("--save", "save_file", metavar="FILE", help="Write the answers to FILE after every answer (an answers file).")
@click.option("--resume", "resume_file", metavar="FILE", help="Continue from an answers file (and keep saving to it).")
@engine_option
@kb_option
def consult_cmd(module, lang, as_of, with_files, save_file, resume_file, engine, kb_dir) -> None:
    """Guided consultation in the terminal (MODULE: mdr, ip, pathway, …)."""
    from vagvisare.terminal import run_consultation

    ws = Workspace.open(kb_dir, engine)
    answers = read_answers(resume_file) if resume_file else {}
    if module is None:
        if not resume_file:
            raise AnswerError(Problem("MODULE", 0, "name the guide to start", f"choose one of: {', '.join(ws.kb.modules)}"))
        module = ws.module_of_answers(answers, resume_file)
    given = given_outcomes(ws, with_files, _date(as_of))
    consultation = ws.consultation(module, lang=lang, as_of=_date(as_of), given=given)
    if answers:
        consultation.resume(answers, resume_file)
    save = Path(save_file or resume_file) if (save_file or resume_file) else None

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    sys.exit(run_consultation(consultation, read, sys.stdout, save))


@main.command(context_settings=CONTEXT)
@click.argument("module")
@click.option(
    "--answers",
    "answer_files",
    multiple=True,
    required=True,
    metavar="FILE",
    help="YAML mapping of fact id → value; '-' reads standard input (repeatable; one result per file).",
)
@click.argument("more_files", nargs=-1, metavar="[FILE ...]")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True)
@click.option(
    "--why-not", "why_nots", multiple=True, metavar="FACT=VALUE", help="Also explain why a conclusion was not reached (repeatable)."
)
@click.option("--full", is_flag=True, help="Markdown: show the full reasoning under each conclusion, not only what decides it.")
@lang_option
@as_of_option
@with_option
@engine_option
@kb_option
def evaluate(module, answer_files, more_files, fmt, why_nots, full, lang, as_of, with_files, engine, kb_dir) -> None:
    """Evaluate answers files; one JSON object per file, one per line."""
    ws = Workspace.open(kb_dir, engine)
    compiled = ws.module(module)
    targets = [_why_not_target(ws, module, text) for text in why_nots]
    given = given_outcomes(ws, with_files, _date(as_of))
    files = list(answer_files) + list(more_files)
    parsed = [(name, read_answers(name)) for name in files]
    outcomes = [ws.evaluate(module, raw, as_of=_date(as_of), given=given, name=name) for name, raw in parsed]  # check all first
    from explanations.counterfactual import search
    from explanations.explain import why_not_words
    from explanations.how import why_not

    for outcome in outcomes:
        found = search(compiled, outcome)
        blocked = [(fact, value, why_not(compiled, outcome, fact, value)) for fact, value in targets]
        words = [why_not_words(compiled, outcome, fact, value, found) for fact, value in targets]
        if fmt == "json":
            data = outcome_json(ws.kb, outcome, lang)
            data["nearest_outcomes"] = nearest_json(ws.kb, found)
            data["nearest_search"] = {"trials": found.trials, "truncated": found.truncated}
            if blocked:
                data["why_not"] = [
                    {**why_not_json(ws.kb, fact, value, b), "text": why_not_text(compiled, w, lang)}
                    for (fact, value, b), w in zip(blocked, words)
                ]
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(outcome_markdown(compiled, outcome, lang, full=full, found=found))
            for w in words:
                click.echo(why_not_words_markdown(compiled, w, lang) + "\n")


def _why_not_target(ws: Workspace, module: str, text: str):
    """Parse FACT=VALUE for --why-not; an AnswerError with a hint when it names no conclusion value."""
    from engine.answers import check_value

    compiled = ws.module(module)
    fact, _, raw = text.partition("=")
    if fact not in compiled.concluders:
        hint = did_you_mean(fact, compiled.concluders) or f"choose one of: {', '.join(compiled.concluders)}"
        raise AnswerError(Problem("--why-not", 0, f"'{fact}' is not a conclusion of module '{module}'", hint))
    raw_value = raw if raw in ws.kb.fact_values(fact) else _yaml_scalar(raw)  # 'yes' as a choice, not a boolean
    value, error = check_value(ws.kb, fact, raw_value)
    if error:
        raise AnswerError(Problem("--why-not", 0, *error.split(" — ", 1)))
    return fact, value


def _yaml_scalar(raw: str):
    """'true' → True, '[a, b]' → list, 'IIa' → 'IIa': read the value as YAML would, safely."""
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


@main.command("test", context_settings=CONTEXT)
@click.argument("module", required=False)
@click.option("--coverage", "show_coverage", is_flag=True, help="List rules and conditions that no case exercises.")
@engine_option
@kb_option
def test_cmd(module: str | None, show_coverage: bool, engine: str | None, kb_dir: str | None) -> None:
    """Run the knowledge base's YAML test cases."""
    ws = Workspace.open(kb_dir, engine)
    modules = [module] if module else list(ws.kb.modules)
    failed = total = 0
    for mid in modules:
        compiled = ws.module(mid)
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
main.add_command(scenario)
main.add_command(staff)
main.add_command(mail)

if __name__ == "__main__":
    main()


@main.command("serve", context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--purge",
    is_flag=True,
    help="Delete what is past its retention time (consultations, training sessions, finished ideas if set), then exit.",
)
def serve(host: str, port: int, purge: bool) -> None:
    """Serve the web UI (for production, run gunicorn 'webui:create_app()' instead; see the README)."""
    from webui import create_app

    app = create_app({"SESSION_COOKIE_SECURE": False} if host in ("127.0.0.1", "localhost") else None)
    if purge:
        from webui import purge as purge_old

        for what, n in purge_old(app).items():
            click.echo(f"deleted {n} {what}")
        return
    click.echo(f"Vägvisare: http://{host}:{port}/")
    app.run(host=host, port=port, debug=False, use_reloader=False)
