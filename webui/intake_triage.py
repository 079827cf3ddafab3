"""The `triage` guide run on a submitted idea, through the Consultation API only.

Why one form and no separate interview: the triage questions are few (about a dozen), most are
a single choice, and a submitter should see everything they are asked before sending an
unpublished idea anywhere. So the submission form shows every triage question, rendered from the
knowledge base (its texts, choices and help, in sv and en), with "Don't know" chosen until the
submitter picks something. Here the answers are fed to a triage `Consultation` in interview
order: only the questions the interview actually asks are answered (a number of weeks is
ignored when no disclosure is planned), and any question left out counts as "Don't know".
The attached consultations (MDR, IVDR, IP, pathway) are given to the guide, which reads the
conclusions it lists under `inputs:`.

`summary` turns the outcome into the few values the inbox lists. A "Don't know" answer can leave
the priority and the flags depending on it (engine.uncertainty): the summary keeps the flags that
hold in every branch apart from those that hold only in some, and the highest priority any
branch gives, marked uncertain, so an urgent possibility is never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.model import DONT_KNOW_WORD, Question
from engine.session import Consultation, Workspace
from explanations.jsonview import plain
from webui.forms import FormProblem, raw_answer

MODULE = "triage"
PRIORITY, FLAGS, REASONS, HANDLER, KIND = "triage.priority", "triage.flags", "triage.reasons", "triage.next_handler", "triage.idea_kind"
#: Flags an advisor must see at once (the inbox marks them urgent).
URGENT_FLAGS = ("disclosure_within_4_weeks_unfiled", "novelty_at_risk", "deadline_passed")
#: Conclusions of the attached guides that the inbox lists (all are inputs of the triage guide).
READINESS = ("pathway.level_customer", "pathway.level_technology", "pathway.level_funding")
KEY_INPUTS = (*READINESS, "mdr.class", "ivdr.class", "ip.owner")
#: Guides a submitter may attach (the triage guide itself is for advisors).
ATTACHABLE = ("mdr", "ivdr", "ip", "pathway", "consortium", "mdr_obligations")


def questions(workspace: Workspace) -> list[Question]:
    """The triage questions in interview order (what the submission form shows)."""
    return list(workspace.module(MODULE).questions)


def answers_from_form(workspace: Workspace, form: Mapping) -> tuple[dict, dict]:
    """Raw answers from the form fields `t.<question id>` (missing: Don't know), and per
    question a webui.messages key for a value that cannot be read."""
    found, problems = {}, {}
    for q in questions(workspace):
        values = [v[:40] for v in form.getlist("t." + q.id)][:20] if hasattr(form, "getlist") else []
        if not any(v.strip() for v in values):
            found[q.id] = DONT_KNOW_WORD
            continue
        try:
            found[q.id] = raw_answer(q, values)
        except FormProblem as exc:
            problems[q.id] = exc.key
    return found, problems


def run(workspace: Workspace, answers: Mapping, given: Iterable[Consultation], lang: str) -> Consultation:
    """A finished triage consultation: the answers taken in interview order (AnswerError if one
    does not fit its question), Don't know for any question they leave out."""
    cons = workspace.consultation(MODULE, lang=lang, given=list(given))
    for _ in range(len(questions(workspace)) + 1):
        q = cons.next_question
        if q is None:
            break
        cons.answer(q.id, answers.get(q.id, DONT_KNOW_WORD))
    return cons


def _values(value) -> set:
    """The choice ids of a multichoice value; a branch without one (a marker) has none."""
    if isinstance(value, (frozenset, set, list, tuple)):
        return {v for v in value if isinstance(v, str)}
    return set()


def _fired(cons: Consultation, outcome, goal: str) -> set:
    """The values the rules that fired conclude for `goal`. A rule fires only when its conditions
    hold on definite answers, which every branch of the "Don't know" answers shares, so these
    values hold in every branch – even when the branches were too many to explore."""
    found: set = set()
    for firing in outcome.trace:
        rule = cons.compiled.rules.get(firing.rule)
        for fact, value in rule.conclude if rule else ():
            if fact == goal:
                found |= (
                    _values(value) if isinstance(value, (frozenset, set, list, tuple)) else ({value} if isinstance(value, str) else set())
                )
    return found


def summary(cons: Consultation) -> dict:
    """The values the inbox lists and filters on, JSON-safe (see the module docstring).

    Flags: those that hold in every branch (`flags`) and those that hold only in some
    (`flags_possible`). Priority: the highest any branch gives (`priority`), with
    `priority_certain` False when another value is possible. `explored` is False when there were
    too many "Don't know" answers to try every branch (engine.uncertainty.MAX_BRANCHES): then
    only what the definite answers already decide is known, and more flags may apply."""
    kb = cons.kb
    outcome = cons.outcome()
    u = outcome.uncertainty
    conditional = u.conditional if u is not None else {}
    explored = u is None or not u.truncated

    def options(goal) -> list:
        if goal in outcome.conclusions:
            return [outcome.conclusions[goal]]
        if u is not None and isinstance(u.firm.get(goal), (str, frozenset)):
            return [u.firm[goal]]
        return [value for value, _paths in conditional.get(goal, [])]

    order = kb.fact_values(PRIORITY)
    priorities = {p for p in options(PRIORITY) if isinstance(p, str)}
    floor = _fired(cons, outcome, PRIORITY)
    if not priorities and floor:  # unexplored: at least the highest priority a rule already gives
        priorities = {max(floor, key=order.index)}
    top = max(priorities, key=order.index) if priorities else None
    certain = len(priorities) == 1 and (explored or PRIORITY in outcome.conclusions)

    def split(goal) -> tuple[set, set]:
        branches = [_values(v) for v in options(goal)]
        firm = _fired(cons, outcome, goal) | (set.intersection(*branches) if branches else set())
        return firm, (set.union(*branches) - firm if branches else set())

    flags, possible = split(FLAGS)
    reasons, maybe_reasons = split(REASONS)
    inputs = {f: plain(kb, f, v) for f, v in cons.inputs.items() if f in KEY_INPUTS}
    kind = outcome.answers.get(KIND)
    return {
        "priority": top,
        "priority_options": sorted(priorities, key=order.index),
        "priority_certain": certain,
        "explored": explored,
        "flags": plain(kb, FLAGS, frozenset(flags)),
        "flags_possible": plain(kb, FLAGS, frozenset(possible)),
        "urgent": sorted(f for f in flags | possible if f in URGENT_FLAGS),
        "reasons": plain(kb, REASONS, frozenset(reasons | maybe_reasons)),
        "next_handler": [h for h in dict.fromkeys(options(HANDLER)) if isinstance(h, str)],
        "idea_kind": kind if isinstance(kind, str) else None,
        "inputs": inputs,
        "complete": outcome.complete,
    }
