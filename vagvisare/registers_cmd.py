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
import sys
from pathlib import Path

import click

from engine.call_calendar import Call, load_calendar, upcoming
from engine.countries import load_countries
from engine.directory import GAP_ROLES, ROLES, load_directory, search, suggest
from engine.partner_table import KINDS, PartnerRow, counts_from_partners
from engine.problems import did_you_mean
from engine.yamlfile import YamlError, read_yaml
from vagvisare.cliutil import workspace_or_exit

lang_option = click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
kb_option = click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
today_option = click.option("--today", "today", metavar="YYYY-MM-DD", help="The date to count from (default: today).")


def _load(loader, root):
    data, problems = loader(root)
    if data is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    return data


def _date(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        click.echo(f"--today: '{text}' is not a date — write it as YYYY-MM-DD", err=True)
        sys.exit(2)


@click.command()
@click.argument("query", required=False)
@click.option("--role", type=click.Choice(ROLES), help="Only entries that can take this role.")
@click.option("--country", metavar="CODE", help="Only entries in this country (ISO code, e.g. FI).")
@click.option("--fill", "gaps", multiple=True, metavar="GAP", help="A gap of consortium.missing to fill (repeatable).")
@click.option("--lead-country", default="SE", show_default=True, metavar="CODE", help="Where the consortium already is (for --fill).")
@lang_option
@kb_option
def partners(query, role, country, gaps, lead_country, lang, kb_dir) -> None:
    """Search the partner directory, or suggest partners for gaps (--fill)."""
    ws = workspace_or_exit(kb_dir)
    directory = _load(load_directory, ws.kb.root)
    countries, _ = load_countries(ws.kb.root)
    if gaps:
        known = ws.kb.fact_values("consortium.missing") or tuple(GAP_ROLES)
        for gap in gaps:
            if gap not in known:
                click.echo(f"--fill: unknown gap '{gap}' — {did_you_mean(gap, known) or 'choose one of: ' + ', '.join(known)}", err=True)
                sys.exit(2)
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


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Also show calls and events that are past.")
@click.option("--instrument", metavar="ID", help="Only calls of this instrument (a consortium.instrument choice).")
@today_option
@lang_option
@kb_option
def calendar(show_all, instrument, today, lang, kb_dir) -> None:
    """Upcoming calls (next deadline) and matchmaking events."""
    ws = workspace_or_exit(kb_dir)
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


@click.command()
@click.argument("table", metavar="TABLE.yaml")
@click.option("--instrument", required=True, metavar="ID", help="The call (a consortium.instrument choice).")
@today_option
@lang_option
@kb_option
def counts(table, instrument, today, lang, kb_dir) -> None:
    """Fill the consortium guide's counts from a partner table (lead first); prints an answers file."""
    ws = workspace_or_exit(kb_dir)
    instruments = ws.kb.fact_values("consortium.instrument")
    if instrument not in instruments:
        click.echo(f"--instrument: unknown '{instrument}' — {did_you_mean(instrument, instruments) or ', '.join(instruments)}", err=True)
        sys.exit(2)
    countries = _load(load_countries, ws.kb.root)
    rows = _read_table(table)
    result = counts_from_partners(rows, countries, instrument, _date(today))
    click.echo(f"consortium.instrument: {instrument}")
    for count in result.counts:
        click.echo(f"# {count.explanation.get(lang)}")
        value = count.value
        shown = ("true" if value else "false") if isinstance(value, bool) else f"[{', '.join(value)}]" if isinstance(value, list) else value
        click.echo(f"{count.fact}: {shown}")
    for problem in result.problems:
        click.echo(f"# ! {problem.get(lang)}")


def _read_table(name: str) -> list[PartnerRow]:
    """A YAML list of '{name, country, kind, sme}'; exit 2 naming file and line when it is wrong."""
    try:
        data = read_yaml(Path(name), name)
    except YamlError as exc:
        click.echo(str(exc.problem), err=True)
        sys.exit(2)
    if not isinstance(data, list) or not data:
        click.echo(f"{name}: the partner table must be a list of '- {{name: …, country: SE, kind: university, sme: false}}'", err=True)
        sys.exit(2)
    rows, errors = [], []
    for i, item in enumerate(data):
        line = data.line_of(i)
        if not isinstance(item, dict) or not {"name", "country", "kind"} <= set(item):
            errors.append(f"{name}:{line}: a row needs name, country and kind — write '- {{name: …, country: SE, kind: university}}'")
            continue
        kind = str(item["kind"])
        if kind not in KINDS:
            errors.append(f"{name}:{line}: unknown kind '{kind}' — {did_you_mean(kind, KINDS) or 'use one of: ' + ', '.join(KINDS)}")
        country = item["country"]
        if isinstance(country, bool):
            errors.append(f"{name}:{line}: the country was read as a boolean — quote it: country: 'NO'")
        sme = item.get("sme")
        if sme is not None and not isinstance(sme, bool):
            errors.append(f"{name}:{line}: 'sme' must be true or false — leave it out when unknown")
            sme = None
        rows.append(PartnerRow(str(item["name"]), str(country).upper(), kind, sme))
    if errors:
        click.echo("\n".join(errors), err=True)
        sys.exit(2)
    return rows
