"""What the trainer's screen, the summary and the export show, from the core's results:
the distributions of `engine.scenarios.tally` as table rows with bar widths, and the
after-session Markdown (`explanations.scenario_view`, plus the rules and their sources by id).
Presentation only: no rule is run here and nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import DONT_KNOW_WORD
from engine.scenarios import Distribution, RevealStep, Scenario, Tally
from explanations.render import fact_text
from explanations.scenario_view import summary_markdown
from webui.messages import t


@dataclass(frozen=True)
class Bar:
    """One answer of a distribution: its words, how many gave it, and its share."""

    key: str  # the answer as in an answers file (lists joined with commas), for the HTML contract
    label: str
    count: int
    percent: int  # of those who answered this question, rounded
    width: int  # the percentage rounded to a multiple of 5: the CSS class `w-<width>` draws the bar
    right: bool  # the answer the narrative implies (only marked once revealed)


@dataclass(frozen=True)
class Table:
    fact: str
    kind: str  # 'question' or 'prediction'
    text: str
    answered: int
    bars: tuple[Bar, ...]
    shows_right: bool


def key_label(kb, fact: str, key, lang: str) -> str:
    """A distribution key (see engine.scenarios.tally) in words."""
    if key == DONT_KNOW_WORD:
        return t("dont_know", lang)
    if isinstance(key, bool):
        return t("yes" if key else "no", lang)
    if isinstance(key, tuple):
        return "; ".join(kb.label(fact, v, lang) for v in key)
    if isinstance(key, str):
        return kb.label(fact, key, lang)
    return str(key)


def key_text(key) -> str:
    """A distribution key as the `data-key` of its row: true/false, a choice id, ids joined with commas, a number."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, tuple):
        return ",".join(key)
    return str(key)


def _keys(kb, d: Distribution) -> list:
    """Every choice (or yes/no) in its declared order, so bars do not jump while answers come in;
    multiple choices, numbers and dates as given, most frequent first. 'Don't know' last."""
    decl = kb.questions.get(d.fact) or kb.conclusions.get(d.fact)
    if decl is not None and decl.type == "boolean":
        keys = [True, False]
    elif decl is not None and decl.type == "choice":
        keys = list(kb.fact_values(d.fact))
    else:
        keys = [k for k in d.counts if k != DONT_KNOW_WORD]
    keys += [k for k in d.counts if k not in keys and k != DONT_KNOW_WORD]
    return keys + [DONT_KNOW_WORD]


def tables(kb, result: Tally, lang: str, revealed_facts: set) -> list[Table]:
    """One table per key question and prediction. The right answer is marked only for facts in
    `revealed_facts`, so the screen does not give it away before the reveal reaches it."""
    out = []
    for d in (*result.questions, *result.predictions):
        shows = d.fact in revealed_facts
        bars = []
        for key in _keys(kb, d):
            count = d.counts.get(key, 0)
            percent = round(100 * count / d.answered) if d.answered else 0
            bars.append(
                Bar(key_text(key), key_label(kb, d.fact, key, lang), count, percent, 5 * round(percent / 5), shows and key == d.expected)
            )
        out.append(Table(d.fact, d.kind, fact_text(kb, d.fact, lang), d.answered, tuple(bars), shows))
    return out


def revealed_facts(steps: tuple[RevealStep, ...], revealed: int) -> set:
    return {s.fact for s in steps[:revealed]}


def export_markdown(kb, scenario: Scenario, steps: tuple[RevealStep, ...], result: Tally, lang: str, heading: str) -> str:
    """The after-session export: a line naming the session, then the case, the distributions,
    the reasoning, the learning points and the discussion prompts (explanations.scenario_view),
    and last every rule of the reasoning by id with its sources, so a trainer can look it up."""
    lines = [f"*{heading}*", "", summary_markdown(kb, scenario, steps, result, lang), f"## {t('rules', lang)}", ""]
    seen = []
    for step in steps:
        for rule in (*step.rules, *(r for r, _ in step.overridden), *step.checked_by):
            if rule.id not in seen:
                seen.append(rule.id)
                sources = "; ".join(s.label or f"{s.citation}, {s.pinpoint}" for s in rule.sources)
                lines.append(f"- `{rule.id}`: {sources}")
    return "\n".join(lines) + "\n"
