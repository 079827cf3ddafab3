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
from explanations.counterfactual import Search, search
from explanations.explain import Explanation, WhyNotWords, explain_goals
from explanations.how import Blocked, How, Step, how, proof_steps, why_not
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


#: Swedish names of EU acts and of the parts of a provision, for citing EU law (which has an
#: official Swedish text) in a Swedish report. Longest first.
_EU_TERMS_SV = (
    (r"\bCommission Implementing Regulation \(EU\)", "Kommissionens genomförandeförordning (EU)"),
    (r"\bCommission Delegated Regulation \(EU\)", "Kommissionens delegerade förordning (EU)"),
    (r"\bRegulation \(EU\)", "Förordning (EU)"),
    (r"\bRegulation \(EC\)", "Förordning (EG)"),
    (r"\bas amended by\b", "ändrad genom"),
    (r"\bfinal paragraph\b", "sista stycket"),
    (r"\bfirst paragraph\b", "första stycket"),
    (r"\bsecond paragraph\b", "andra stycket"),
    (r"\bthird paragraph\b", "tredje stycket"),
    (r"\bfirst indent\b", "första strecksatsen"),
    (r"\bsecond indent\b", "andra strecksatsen"),
    (r"\bthird indent\b", "tredje strecksatsen"),
    (r"\bparagraph\b", "stycket"),
    (r"\bAnnexes\b", "bilagorna"),
    (r"\bAnnex\b", "bilaga"),
    (r"\bArt\.", "art."),
    (r"\bch\.", "kap."),
    (r"\bRules\b", "reglerna"),
    (r"\bRule\b", "regel"),
    (r"\bsections\b", "avsnitten"),
    (r"\bsection\b", "avsnitt"),
    (r"\bpoint\b", "punkt"),
    (r"\brecitals?\b", "skäl"),
    (r"\band\b", "och"),
)


def source_label(kb: KnowledgeBase, ref: SourceRef, lang: str) -> str:
    """A citation in the report's language (plain text). In Swedish: EU law under its official
    Swedish name and terms; Swedish sources as they are; a source only in another language
    under its own title, marked "(på engelska)"."""
    source = kb.sources.get(ref.source)
    if source is None:
        return ref.source
    text = source.citation + (f", {ref.pinpoint}" if ref.pinpoint else "")
    if lang != "sv":
        return text
    host = source.url.split("/")[2] if source.url.count("/") >= 2 else ""
    if host.endswith("eur-lex.europa.eu"):
        for pattern, swedish in _EU_TERMS_SV:
            text = re.sub(pattern, swedish, text)
        return text
    if host.endswith(".se") or host in ("lagen.nu",) or source.citation.startswith(("SFS", "HSLF")):
        return text
    return f"{text} ({msg('in_english', lang)})"


def cite(kb: KnowledgeBase, ref: SourceRef, lang: str) -> str:
    source = kb.sources.get(ref.source)
    if source is None:
        return ref.source
    text = source_label(kb, ref, lang)
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


# --- complete reasons, the full proof, why-not in words, the nearest other outcome (issue 12) ---


def answer_text(kb: KnowledgeBase, fact: str, value, lang: str) -> str:
    """One answer in words: the question's short label and the value (plain text, unescaped)."""
    return f"{short_text(kb, fact, lang)}: {value_text(kb, fact, value, lang)}"


def changes_text(kb: KnowledgeBase, changes, lang: str) -> str:
    """A change of answers in words: "Seriousness of the situation: Critical and …" (plain text)."""
    return f" {msg('and', lang)} ".join(answer_text(kb, q, v, lang) for q, v in changes)


def _rule_line(kb: KnowledgeBase, rule, lang: str) -> str:
    return f"**{_escape(rule.title.get(lang))}** — {_escape(rule.because.get(lang))} ({cites(kb, rule.sources, lang)})"


def chain_markdown(compiled: CompiledModule, explanation: Explanation, lang: str) -> str:
    """The short form: the decisive chain of rules, then every answer the value rests on."""
    kb = compiled.kb
    lines = [f"- {_rule_line(kb, rule, lang)}" for rule in explanation.chain]
    if explanation.answers:
        answers = "; ".join(
            f"{_escape(short_text(kb, a.question, lang))}: **{_escape(value_text(kb, a.question, a.value, lang))}**"
            for a in explanation.answers
        )
        lines.append(f"- *{msg('rests_on', lang)}:* {answers}")
    return "\n".join(lines)


def proof_markdown(compiled: CompiledModule, proof: How, lang: str, explained: set | None = None) -> str:
    """The full proof: every step once, as "conclusion → value: rule — because (sources)", with
    the answers and earlier conclusions it starts from. A conclusion already in `explained`
    (explained earlier on the page) is referred to, not explained again; `explained` is updated."""
    kb = compiled.kb
    explained = explained if explained is not None else set()
    lines = []
    for step in proof_steps(proof):
        key = (step.fact, step.rule.id)
        if key in explained:
            continue
        explained.add(key)
        head = f"{_escape(fact_text(kb, step.fact, lang))} → {_escape(value_text(kb, step.fact, step.value, lang))}"
        premises = []
        for p in step.premises:
            text = f"{_escape(short_text(kb, p.fact, lang))}: {_escape(value_text(kb, p.fact, p.value, lang))}"
            if not p.is_answer and p.support:
                earlier = any((p.fact, sub.rule.id) in explained for sub in p.support)
                text += f" ({msg('see_above', lang) if earlier else '↓'})"
            premises.append(text)
        tail = f" *{msg('from_premises', lang)}:* " + "; ".join(premises) if premises else ""
        lines.append(f"- {head}: {_rule_line(kb, step.rule, lang)}{tail}")
    if proof.overridden:
        key = "strictest_wins" if proof.resolve == "highest" else "priority_wins"
        note = kb.conclusions[proof.fact]
        text = f"- {msg(key, lang)}" + (f" {_escape(note.resolve_because.get(lang))}" if note.resolve_because else "")
        if note.resolve_sources:
            text += f" ({cites(kb, note.resolve_sources, lang)})"
        lines.append(text)
        for rule, value in proof.overridden:
            lines.append(
                f"  - {_escape(rule.title.get(lang))} {msg('also_gave', lang)} {_escape(value_text(kb, proof.fact, value, lang))} ({cites(kb, rule.sources, lang)})"
            )
    return "\n".join(lines)


def nearest_markdown(
    compiled: CompiledModule, explanation: Explanation, lang: str, per_value: int = 2, values: int = 4, truncated_after: int | None = None
) -> str:
    """The nearest other outcomes, at most `per_value` changes for each other value (closest to the
    reasoning first), and the boundary note when one answer decides. Values that only mean the
    conclusion no longer applies are left to the other goals."""
    from engine.model import ABSENT as _ABSENT

    kb = compiled.kb
    by_value: dict = {}
    for n in explanation.nearest:
        if n.value is _ABSENT:
            continue
        by_value.setdefault(_key(n.value), []).append(n)
    if not by_value:
        return ""
    lines = []
    close = list(dict.fromkeys(_key(n.value) for n in explanation.boundary if n.close and n.value is not _ABSENT))
    if close:
        names = f" {msg('or', lang)} ".join(_escape(value_text(kb, explanation.fact, by_value[k][0].value, lang)) for k in close)
        now = _escape(value_text(kb, explanation.fact, explanation.value, lang))
        lines.append(f"- **{msg('boundary', lang, value=now, others=names)}**")
    groups = list(by_value.values())
    for items in groups[:values]:
        shown = items[:per_value]
        ways = f" {msg('or', lang)} ".join(_escape(changes_text(kb, n.changes, lang)) for n in shown)
        more = f" ({msg('and_more_changes', lang, n=len(items) - len(shown))})" if len(items) > len(shown) else ""
        value = _escape(value_text(kb, explanation.fact, items[0].value, lang))
        lines.append(f"- {msg('if_were', lang, changes=ways)}: {msg('would_be', lang, value=f'**{value}**')}{more}")
    if len(groups) > values:
        lines.append(f"- {msg('and_more_outcomes', lang, n=len(groups) - values)}")
    if explanation.truncated and truncated_after:
        lines.append(f"- *{msg('search_capped', lang, n=truncated_after)}*")
    return "\n".join(lines)


def _key(value):
    return tuple(sorted(value)) if isinstance(value, frozenset) else value


def explanation_markdown(
    compiled: CompiledModule, explanation: Explanation, lang: str, full: bool = False, explained: set | None = None
) -> str:
    """The decisive chain, the answers, the nearest other outcome; with `full`, the full proof."""
    parts = [f"**{msg('decisive_chain', lang)}:**", "", chain_markdown(compiled, explanation, lang)]
    near = nearest_markdown(compiled, explanation, lang)
    if near:
        parts += ["", f"**{msg('nearest', lang)}:**", "", near]
    if full:
        parts += ["", f"**{msg('full_proof', lang)}:**", "", proof_markdown(compiled, explanation.proof, lang, explained)]
    return "\n".join(parts)


def why_not_text(compiled: CompiledModule, words: WhyNotWords, lang: str, limit: int = 3) -> str:
    """Why not, in the user's words (plain text, one or two sentences, no ids, no condition syntax):
    "Class IIb would need Seriousness of the situation: Critical, or Significance of the
    information: Treat or diagnose; you answered Serious and Drive clinical management."."""
    kb = compiled.kb
    value = value_text(kb, words.fact, words.value, lang)
    if words.reached:
        return msg("already_reached", lang)
    sentences = []
    if words.ways:
        shown = words.ways[:limit]
        ways = f", {msg('or', lang)} ".join(changes_text(kb, n.changes, lang) for n in shown)
        if len(words.ways) > len(shown):
            ways += f" ({msg('and_more_changes', lang, n=len(words.ways) - len(shown))})"
        standing = dict(words.standing)
        mentioned = dict.fromkeys(q for n in shown for q, _ in n.changes if q in standing)
        now = [f"“{value_text(kb, q, standing[q], lang)}”" for q in mentioned]
        text = msg("would_need", lang, value=value, ways=ways)
        if now:
            listed = now[0] if len(now) == 1 else ", ".join(now[:-1]) + f" {msg('and', lang)} " + now[-1]
            text += "; " + msg("you_answered_list", lang, answers=listed)
        sentences.append(text + ".")
    else:
        sentences.append(msg("no_near_way", lang, value=value))
    if words.waiting:
        sentences.append(f"{msg('still_unanswered', lang)}: " + ", ".join(short_text(kb, q, lang) for q in words.waiting) + ".")
    return " ".join(sentences)


def why_not_words_markdown(compiled: CompiledModule, words: WhyNotWords, lang: str) -> str:
    """Why not in words, under a heading, with the rules that would give the value and their sources."""
    kb = compiled.kb
    title = f"### {msg('why_not', lang)}: {_escape(fact_text(kb, words.fact, lang))} → {_escape(value_text(kb, words.fact, words.value, lang))}?"
    lines = [title, "", _escape(why_not_text(compiled, words, lang))]
    if words.rules and not words.reached:
        key = "would_be_drawn_by" if words.ways else "rules_that_give"
        lines += ["", f"*{msg(key, lang)}:*"]
        lines += [f"- {_escape(r.title.get(lang))} ({cites(kb, r.sources, lang)})" for r in words.rules[:3]]
    return "\n".join(lines)


def nearest_json(kb: KnowledgeBase, found: Search) -> list:
    """`nearest_outcomes` of `evaluate --format json`: [{"fact", "value", "changes", "boundary"}]."""
    from explanations.jsonview import plain

    return [
        {
            "fact": n.fact,
            "value": plain(kb, n.fact, n.value),
            "changes": {q: plain(kb, q, v) for q, v in n.changes},
            "boundary": n.boundary,
        }
        for goal in found.nearest
        for n in found.nearest[goal]
    ]


def outcome_markdown(compiled: CompiledModule, outcome: Outcome, lang: str, full: bool = False, found: Search | None = None) -> str:
    """The full report: each goal with its decisive chain, the answers it rests on and the nearest
    other outcome (with `full`, the whole proof, each conclusion explained once), conditional
    results, recommendations, disclaimer. `found`: a counterfactual search already made."""
    kb = compiled.kb
    lines = [f"# {_escape(compiled.module.title.get(lang))}", ""]
    lines.append(f"*{msg('as_of_line', lang, date=outcome.as_of.isoformat())}*")
    lines.append("")
    lines.append(f"## {msg('conclusions', lang)}")
    lines.append("")
    shown = [g for g in compiled.module.goals if g in outcome.conclusions]
    if not shown:
        lines.extend([msg("none_reached", lang), ""])
    found = found if found is not None else search(compiled, outcome)
    explanations = explain_goals(compiled, outcome, found)
    explained: set = set()
    for fact in shown:
        value = outcome.conclusions[fact]
        lines.append(f"### {_escape(fact_text(kb, fact, lang))} → {_escape(value_text(kb, fact, value, lang))}")
        lines.append("")
        lines.append(explanation_markdown(compiled, explanations[fact], lang, full, explained))
        lines.append("")
    if found.truncated:
        lines.append(f"*{msg('search_capped', lang, n=found.trials)}*")
        lines.append("")
    if shown and not full:
        lines.append(f"*{msg('full_hint', lang)}*")
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
        helped = [f for f in u.unknowns if f in kb.questions and kb.questions[f].help is not None]
        if helped:  # the examples again, next to the result that depends on the answer
            lines.append("")
            lines.append(f"*{msg('examples_again', lang)}:*")
            for f in helped:
                lines.append(f"- **{_escape(short_text(kb, f, lang))}:** {_escape(kb.questions[f].help.get(lang))}")
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
