"""Render outcomes and explanations as Markdown (and HTML through python-markdown), sv or en.

Everything here is presentation: it reads the model, the outcome and the explanation
objects of `explanations.how`, and never runs rules.
"""

from __future__ import annotations

import html
import re

import markdown as _markdown
import nh3

from engine.compiler import CompiledModule
from engine.conditions import describe
from engine.consultation import Outcome
from engine.model import ABSENT, AS_OF, DONT_KNOW, UNDECIDED, KnowledgeBase, SourceRef, is_date
from engine.relevance import Why
from explanations.how import Blocked, How, Step, how, why_not
from explanations.messages import msg


def value_text(kb: KnowledgeBase, fact: str, value, lang: str) -> str:
    if value is DONT_KNOW:
        return msg("dont_know", lang)
    if value is ABSENT or value is None:
        return msg("not_applicable", lang)
    if isinstance(value, bool):
        return msg("yes" if value else "no", lang)
    if is_date(value):
        return value.isoformat()
    if isinstance(value, frozenset):
        order = kb.fact_values(fact)
        ordered = sorted(value, key=lambda v: order.index(v) if v in order else len(order))
        return "; ".join(kb.label(fact, v, lang) for v in ordered)
    if value is UNDECIDED:
        return msg("open_value", lang)
    return kb.label(fact, value, lang)


def fact_text(kb: KnowledgeBase, fact: str, lang: str) -> str:
    if fact == AS_OF:
        return msg("as_of_fact", lang)
    decl = kb.questions.get(fact) or kb.conclusions.get(fact)
    return decl.text.get(lang) if decl else fact


def short_text(kb: KnowledgeBase, fact: str, lang: str) -> str:
    """A question's short label (for lists and conditions), else its full text."""
    q = kb.questions.get(fact)
    if q is not None and q.short is not None:
        return q.short.get(lang)
    return fact_text(kb, fact, lang)


def cite(kb: KnowledgeBase, ref: SourceRef, lang: str) -> str:
    source = kb.sources.get(ref.source)
    if source is None:
        return ref.source
    text = source.citation + (f", {ref.pinpoint}" if ref.pinpoint else "")
    return f"[{_escape(text)}]({source.url})" if source.url else _escape(text)


def cites(kb: KnowledgeBase, refs, lang: str) -> str:
    return "; ".join(cite(kb, r, lang) for r in refs)


def _escape(text: str) -> str:
    """Keep knowledge-base text from being read as Markdown or HTML markup."""
    text = html.escape(text, quote=False)  # markdown passes raw HTML through, so no tags
    for ch in "\\`*_[]#":
        text = text.replace(ch, "\\" + ch)
    return text


def how_markdown(compiled: CompiledModule, explanation: How, lang: str, shown: frozenset = frozenset()) -> str:
    """The proof as nested bullets. Conclusions in `shown` are explained elsewhere on the page."""
    kb = compiled.kb
    lines = []
    for step in explanation.steps:
        lines.extend(_step_lines(kb, step, lang, 0, shown))
    if explanation.overridden:
        key = "strictest_wins" if explanation.resolve == "highest" else "priority_wins"
        note = kb.conclusions[explanation.fact]
        lines.append(f"- {msg(key, lang)}" + (f" {_escape(note.resolve_because.get(lang))}" if note.resolve_because else ""))
        if note.resolve_sources:
            lines.append(f"  ({msg('sources', lang)}: {cites(kb, note.resolve_sources, lang)})")
        for rule, value in explanation.overridden:
            lines.append(
                f"  - {_escape(rule.title.get(lang))} {msg('also_gave', lang)} {_escape(value_text(kb, explanation.fact, value, lang))} ({cites(kb, rule.sources, lang)})"
            )
    return "\n".join(lines)


def _step_lines(kb: KnowledgeBase, step: Step, lang: str, depth: int, shown: frozenset) -> list[str]:
    pad = "  " * depth
    lines = [
        f"{pad}- **{_escape(step.rule.title.get(lang))}** — {_escape(step.rule.because.get(lang))}",
        f"{pad}  *{msg('sources', lang)}:* {cites(kb, step.rule.sources, lang)}",
    ]
    for premise in step.premises:
        value = _escape(value_text(kb, premise.fact, premise.value, lang))
        if premise.is_answer:
            lines.append(f"{pad}  - {msg('you_answered', lang)}: {_escape(fact_text(kb, premise.fact, lang))} → **{value}**")
        else:
            lines.append(f"{pad}  - {msg('concluded_earlier', lang)}: {_escape(fact_text(kb, premise.fact, lang))} → **{value}**")
            if premise.fact not in shown:
                for sub in premise.support:
                    lines.extend(_step_lines(kb, sub, lang, depth + 2, shown))
    return lines


def why_markdown(compiled: CompiledModule, why: Why, lang: str, limit: int = 3) -> str:
    """Why a question is asked: the open goals its answer can change, then at most `limit`
    rules (each with its source) and the questions it decides whether to ask."""
    kb = compiled.kb
    if not why.goals:
        return msg("no_rule_needs", lang)
    goals = ", ".join(f"**{_escape(fact_text(kb, g, lang))}**" for g in why.goals)
    lines = [f"{msg('answer_changes', lang)}: {goals}."]
    for need in why.rules[:limit]:
        rule = compiled.rules[need.id]
        lines.append(f"- {msg('needed_by', lang)} **{_escape(rule.title.get(lang))}** ({cites(kb, rule.sources, lang)})")
    if len(why.rules) > limit:
        lines.append(f"- {msg('and_more_rules', lang, n=len(why.rules) - limit)}")
    for gate in why.gates[:limit]:
        lines.append(f"- {msg('decides_whether_to_ask', lang)}: {_escape(fact_text(kb, gate.id, lang))}")
    return "\n".join(lines)


def why_not_markdown(compiled: CompiledModule, blocked: tuple[Blocked, ...], fact: str, value, lang: str) -> str:
    kb = compiled.kb
    title = f"### {msg('why_not', lang)}: {_escape(fact_text(kb, fact, lang))} → {_escape(value_text(kb, fact, value, lang))}?"
    if not blocked:
        return f"{title}\n\n{msg('no_rule_concludes', lang)}"
    lines = [title, ""]
    for b in blocked:
        head = f"- **{_escape(b.rule.title.get(lang))}** ({cites(kb, b.rule.sources, lang)})"
        if b.status == "overridden":
            lines.append(f"{head} {msg('held_but_overridden', lang)}")
        elif b.status == "failed":
            actual = msg("not_asked", lang) if b.actual is ABSENT else _escape(value_text(kb, b.at.fact, b.actual, lang))
            if b.at.fact in compiled.concluders:
                by = "; ".join(f"{_escape(r.title.get(lang))} ({cites(kb, r.sources, lang)})" for r in b.decided_by)
                found = f"{msg('concluded', lang)}: {actual}" + (f" — {msg('decided_by', lang)} {by}" if by else "")
            else:
                found = f"{msg('you_answered', lang).lower()}: {actual}"
            lines.append(f"{head} {msg('failed_on', lang)} `{describe(b.at)}` ({found})")
        else:
            lines.append(f"{head} {msg('waiting_for', lang)} `{b.at.fact if b.at else '?'}`")
    return "\n".join(lines)


def outcome_markdown(compiled: CompiledModule, outcome: Outcome, lang: str) -> str:
    """The full report: conclusions with how, conditional results, recommendations, disclaimer."""
    kb = compiled.kb
    lines = [f"# {_escape(compiled.module.title.get(lang))}", ""]
    lines.append(f"*{msg('as_of_line', lang, date=outcome.as_of.isoformat())}*")
    lines.append("")
    lines.append(f"## {msg('conclusions', lang)}")
    lines.append("")
    # Goals get a section each; intermediate conclusions are explained inside their proofs.
    shown = [g for g in compiled.module.goals if g in outcome.conclusions]
    if not shown:
        lines.extend([msg("none_reached", lang), ""])
    for fact in shown:
        value = outcome.conclusions[fact]
        lines.append(f"### {_escape(fact_text(kb, fact, lang))} → {_escape(value_text(kb, fact, value, lang))}")
        lines.append("")
        lines.append(f"**{msg('how', lang)}:**")
        lines.append("")
        lines.append(how_markdown(compiled, how(compiled, outcome, fact), lang, frozenset(shown) - {fact}))
        lines.append("")
    u = outcome.uncertainty
    if u is not None and u.conditional:
        lines.append(f"## {msg('conditional', lang)}")
        lines.append("")
        for goal, options in u.conditional.items():
            lines.append(f"- **{_escape(fact_text(kb, goal, lang))}**")
            for value, paths in options:
                for path in paths:
                    conds = f" {msg('and', lang)} ".join(
                        f"{_escape(short_text(kb, f, lang))} = {_escape(value_text(kb, f, v, lang))}" for f, v in path.items()
                    )
                    lines.append(f"  - {msg('if', lang)} {conds or '…'}: **{_escape(value_text(kb, goal, value, lang))}**")
        if u.key_unknowns:
            names = ", ".join(_escape(short_text(kb, f, lang)) for f, _ in u.key_unknowns)
            lines.append("")
            lines.append(f"*{msg('matters_most', lang)}:* {names}")
        if u.truncated:
            lines.append("")
            lines.append(msg("truncated", lang, n=u.branches))
        lines.append("")
    if outcome.plan.not_answered:
        left_out = ", ".join(_escape(short_text(kb, f, lang)) for f in outcome.plan.not_answered)
        lines.append(f"*{msg('not_answered', lang)}: {left_out}.*")
        lines.append("")
    if outcome.open_goals:
        goals = ", ".join(_escape(fact_text(kb, g, lang)) for g in outcome.open_goals)
        lines.append(f"*{msg('incomplete', lang)}: {goals}.*")
        if outcome.next_question:
            lines.append(f"*{msg('next_question', lang)}: {_escape(fact_text(kb, outcome.next_question, lang))}*")
        lines.append("")
    if outcome.recommendations:
        lines.append(f"## {msg('recommendations', lang)}")
        lines.append("")
        seen = set()
        for rule_id, rec in outcome.recommendations:
            if rec.id in seen:
                continue
            seen.add(rec.id)
            lines.append(f"- {_escape(rec.text.get(lang))} ({cites(kb, compiled.rules[rule_id].sources, lang)})")
        lines.append("")
    lines.append(f"> {msg('disclaimer', lang)}")
    return "\n".join(lines) + "\n"


def to_text(markdown_text: str) -> str:
    """Markdown as plain terminal text: link targets, emphasis marks and escapes removed."""
    text = re.sub(r"\[((?:\\.|[^\]])+)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\\\w*])\*(\S.*?)\*", r"\1", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return html.unescape(text)


#: What HTML made from Markdown may contain: the tags our Markdown produces, links to web
#: pages only. Everything else is removed by nh3 (a maintained sanitiser), whatever the text.
HTML_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
HTML_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"https", "http"}


def to_html(markdown_text: str) -> str:
    """Markdown to safe HTML: knowledge-base text is escaped before it reaches Markdown, and
    the HTML is sanitised against an allowlist of tags, attributes and link schemes."""
    raw = _markdown.markdown(markdown_text, extensions=["sane_lists"])
    return nh3.clean(raw, tags=HTML_TAGS, attributes=HTML_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


__all__ = ["outcome_markdown", "how_markdown", "why_markdown", "why_not_markdown", "to_html", "to_text", "why_not", "how"]
