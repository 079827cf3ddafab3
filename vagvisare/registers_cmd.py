"""`vagvisare partners`, `vagvisare calendar` and `vagvisare counts`: the dated registers on the command line.

- partners: search the partner directory, or with --fill GAP list the entries that can fill
  a gap the consortium guide found, with the reason each fits.
- calendar: upcoming calls and events (past items are hidden unless --all).
- counts: turn a partner table (YAML list of name, country, kind, sme) into the count answers
  of the consortium guide, printed as an answers file with each count explained.

Exit status: 0 success; 1 knowledge-base errors; 2 bad input.
"""

from __future__ import annotations

import datetime as dt

import click

from engine.call_calendar import Call, load_calendar, upcoming
from engine.countries import load_countries
from engine.directory import GAP_ROLES, ROLES, load_directory, search, suggest
from engine.errors import AnswerError, KnowledgeBaseError
from engine.partner_table import counts_from_partners, rows_from_data
from engine.problems import Problem, did_you_mean
from engine.session import Workspace
from vagvisare.cliutil import read_answers

lang_option = click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
kb_option = click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
today_option = click.option("--today", "today", metavar="YYYY-MM-DD", help="The date to count from (default: today).")


def _load(loader, root):
    data, problems = loader(root)
    if data is None:
        raise KnowledgeBaseError(problems)
    return data


def _date(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AnswerError(Problem("--today", 0, f"'{text[:80]}' is not a date", "write it as YYYY-MM-DD")) from None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("query", required=False)
@click.option("--role", type=click.Choice(ROLES), help="Only entries that can take this role.")
@click.option("--country", metavar="CODE", help="Only entries in this country (ISO code, e.g. FI).")
@click.option("--fill", "gaps", multiple=True, metavar="GAP", help="A gap of consortium.missing to fill (repeatable).")
@click.option("--lead-country", default="SE", show_default=True, metavar="CODE", help="Where the consortium already is (for --fill).")
@lang_option
@kb_option
def partners(query, role, country, gaps, lead_country, lang, kb_dir) -> None:
    """Search the partner directory, or suggest partners for gaps (--fill)."""
    ws = Workspace.open(kb_dir)
    directory = _load(load_directory, ws.kb.root)
    countries, _ = load_countries(ws.kb.root)
    if gaps:
        known = ws.kb.fact_values("consortium.missing") or tuple(GAP_ROLES)
        for gap in gaps:
            if gap not in known:
                raise AnswerError(
                    Problem("--fill", 0, f"unknown gap '{gap[:80]}'", did_you_mean(gap, known) or "choose one of: " + ", ".join(known))
                )
        for found in suggest(directory, gaps, lead_country, countries):
            click.echo(f"{ws.kb.label('consortium.missing', found.gap, lang)}:")
            for s in found.suggestions:
                click.echo(f"  - {s.reason.get(lang)}")
                click.echo(f"    {s.partner.contact.route.get(lang)}: {s.partner.contact.url}")
            if found.note:
                click.echo(f"  {found.note.get(lang)}")
        return
    for p in search(directory, query, role, country):
        click.echo(f"{p.name.get(lang)} ({p.country}) — {', '.join(p.roles)}")
        click.echo(f"  {p.description.get(lang)}")
        click.echo(f"  {p.contact.route.get(lang)}: {p.contact.url}  [{p.as_of}]")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--all", "show_all", is_flag=True, help="Also show calls and events that are past.")
@click.option("--instrument", metavar="ID", help="Only calls of this instrument (a consortium.instrument choice).")
@today_option
@lang_option
@kb_option
def calendar(show_all, instrument, today, lang, kb_dir) -> None:
    """Upcoming calls (next deadline) and matchmaking events."""
    ws = Workspace.open(kb_dir)
    cal = _load(load_calendar, ws.kb.root)
    day = _date(today)
    items = upcoming(cal, dt.date.min if show_all else day, instrument)
    if not items:
        click.echo("Inga kommande utlysningar eller evenemang." if lang == "sv" else "No upcoming calls or events.")
    for item in items:
        if isinstance(item, Call):
            label = "sista dag" if lang == "sv" else "deadline"
            click.echo(f"{item.deadline}  {item.title.get(lang)} ({label})")
        else:
            click.echo(f"{item.starts}  {item.title.get(lang)} — {item.place.get(lang)}")
        past = " (passerad)" if lang == "sv" else " (past)"
        click.echo(f"            {item.link}  [{item.as_of}]{past if item.date < day else ''}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("table", metavar="TABLE.yaml")
@click.option("--instrument", required=True, metavar="ID", help="The call (a consortium.instrument choice).")
@today_option
@lang_option
@kb_option
def counts(table, instrument, today, lang, kb_dir) -> None:
    """Fill the consortium guide's counts from a partner table (lead first); prints an answers file."""
    ws = Workspace.open(kb_dir)
    instruments = ws.kb.fact_values("consortium.instrument")
    if instrument not in instruments:
        hint = did_you_mean(instrument, instruments) or "choose one of: " + ", ".join(instruments)
        raise AnswerError(Problem("--instrument", 0, f"unknown instrument '{instrument[:80]}'", hint))
    countries = _load(load_countries, ws.kb.root)
    rows = rows_from_data(read_answers(table), table)
    result = counts_from_partners(rows, countries, instrument, _date(today))
    click.echo(f"consortium.instrument: {instrument}")
    for count in result.counts:
        click.echo(f"# {count.explanation.get(lang)}")
        value = count.value
        shown = ("true" if value else "false") if isinstance(value, bool) else f"[{', '.join(value)}]" if isinstance(value, list) else value
        click.echo(f"{count.fact}: {shown}")
    for problem in result.problems:
        click.echo(f"# ! {problem.get(lang)}")
