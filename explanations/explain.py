"""Complete, minimal reasons for a conclusion: the decisive chain, the answers it rests on,
the full proof, and the nearest other outcome — one plain structure a page or a report renders.

    found = search(compiled, outcome)                 # one bounded counterfactual search
    e = explain(compiled, outcome, "mdr.class", found)
    e.chain      # the decisive chain: the rule that drew the value, then the rules under it
                 # that rest on answers alone (a few lines; render with render.chain_markdown)
    e.answers    # every answer the value depends on, and only those (AnswerReason)
    e.proof      # the full proof (explanations.how.How; render with render.proof_markdown)
    e.nearest    # the smallest changes of answers giving another value (counterfactual.Nearest)

An answer is in `answers` when a rule in the proof matched it, or when changing it alone could
change the conclusion (it then takes another value, or is no longer settled).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.consultation import Outcome
from engine.model import UNDECIDED, Rule
from explanations.counterfactual import Nearest, Search, changeable, search
from explanations.how import How, how, proof_answers, root_rules


@dataclass(frozen=True)
class AnswerReason:
    """One answer a conclusion rests on."""

    question: str
    value: object
    in_proof: bool  # a rule that fired for this conclusion matched it
    could_change: bool  # changing it alone could change the conclusion


@dataclass(frozen=True)
class Explanation:
    fact: str
    value: object
    chain: tuple[Rule, ...]
    answers: tuple[AnswerReason, ...]
    proof: How
    nearest: tuple[Nearest, ...]
    truncated: bool  # the counterfactual search hit its bound (see counterfactual.MAX_TRIALS)

    @property
    def boundary(self) -> tuple[Nearest, ...]:
        """The nearest outcomes one answer away: the value sits on a boundary with these."""
        return tuple(n for n in self.nearest if n.boundary)


def decisive_chain(proof: How) -> tuple[Rule, ...]:
    """The rule(s) that drew the value, then the rules under them that rest on answers alone."""
    top = [s.rule for s in proof.steps]
    return tuple(dict.fromkeys(top + [r for r in root_rules(proof.steps) if r not in top]))


def explain(compiled: CompiledModule, outcome: Outcome, fact: str, found: Search | None = None) -> Explanation:
    if found is None or fact not in found.current:
        found = search(compiled, outcome, goals=(fact,))
    proof = how(compiled, outcome, fact)
    matched = set(proof_answers(proof))
    now = outcome.conclusions.get(fact, UNDECIDED)
    moving = {q for q, _v, after in found.singles if after.get(fact, UNDECIDED) != now}
    own = changeable(compiled, outcome)
    answers = tuple(
        AnswerReason(q, v, q in matched, q in moving and q in own)
        for q, v in outcome.answers.items()
        if q in matched or (q in moving and q in own)
    )
    chain = decisive_chain(proof)
    nearest = rank_nearest(compiled, chain, found.nearest.get(fact, ()), list(outcome.answers))
    return Explanation(fact, proof.value, chain, answers, proof, nearest, found.truncated)


def rank_nearest(compiled: CompiledModule, chain, nearest, order: list) -> tuple[Nearest, ...]:
    """Nearest outcomes closest to the reasoning first: a change to an answer read by the rule
    that drew the value or by the most specific rule of the chain (the last), or by their
    siblings (rules drawing the same conclusion that share an answer with them: Rule 11's IIb
    sub-rule next to its IIa sub-rule); then the rest; one answer before two, then in
    interview order."""
    from engine.conditions import facts_in

    questions = set(compiled.kb.questions)
    focus = [chain[0], chain[-1]] if chain else []
    reads = {r.id: set(facts_in(compiled.conditions[r.id])) for r in compiled.rules.values()}
    near: set = set()
    for rule in focus:
        near |= reads[rule.id]
        for fact in dict(rule.conclude):
            for rid in compiled.concluders.get(fact, ()):
                if reads[rid] & reads[rule.id] & questions:
                    near |= reads[rid]

    def rank(n: Nearest):
        qs = [q for q, _ in n.changes]
        level = 0 if all(q in near for q in qs) else 1
        return (n.size, level, min(order.index(q) if q in order else len(order) for q in qs))

    from dataclasses import replace

    return tuple(replace(n, close=rank(n)[1] == 0) for n in sorted(nearest, key=rank))


def explain_goals(compiled: CompiledModule, outcome: Outcome, found: Search | None = None) -> dict[str, Explanation]:
    """An explanation of every goal reached, sharing one counterfactual search."""
    found = found or search(compiled, outcome)
    return {g: explain(compiled, outcome, g, found) for g in compiled.module.goals if g in outcome.conclusions}


@dataclass(frozen=True)
class WhyNotWords:
    """Why a conclusion did not get `value`, in terms of the user's own answers.

    `ways`: the smallest changes of answers that would give it (one answer, else two);
    `standing`: the user's answers to those questions now (question id → value), in interview order;
    `waiting`: questions not answered that a rule giving the value still needs;
    `rules`: the rules that would draw the value with the first way (for their titles and sources)."""

    fact: str
    value: object
    reached: bool
    ways: tuple[Nearest, ...]
    standing: tuple[tuple[str, object], ...]
    waiting: tuple[str, ...]
    rules: tuple[Rule, ...]
    truncated: bool


def why_not_words(compiled: CompiledModule, outcome: Outcome, fact: str, value, found: Search | None = None) -> WhyNotWords:
    from engine.consultation import consult
    from explanations.how import why_not

    reached = _same(outcome.conclusions.get(fact), value)
    if found is None or fact not in found.current:
        found = search(compiled, outcome, goals=(fact,))
    ways = tuple(n for n in found.nearest.get(fact, ()) if _same(n.value, value))
    if not ways:  # a conclusion that is not a goal, or a value the goal search listed under another
        ways = tuple(Nearest(fact, value, ((q, v),), True) for q, v, after in found.singles if _same(after.get(fact), value))
    current = how(compiled, outcome, fact)
    ways = rank_nearest(compiled, decisive_chain(current), ways, list(outcome.answers))
    asked = list(outcome.answers)
    changed = {q for way in ways for q, _ in way.changes}
    standing = tuple((q, outcome.answers[q]) for q in asked if q in changed)
    waiting = tuple(
        dict.fromkeys(
            b.at.fact
            for b in why_not(compiled, outcome, fact, value)
            if b.status == "waiting" and b.at is not None and b.at.fact in compiled.kb.questions
        )
    )
    rules: tuple[Rule, ...] = ()
    if ways:
        trial = consult(compiled, {**outcome.answers, **dict(ways[0].changes)}, explore_unknowns=False, as_of=outcome.as_of)
        rules = decisive_chain(how(compiled, trial, fact))
    else:
        rules = tuple(compiled.rules[r] for r in compiled.concluders.get(fact, ()) if dict(compiled.rules[r].conclude)[fact] == value)
    return WhyNotWords(fact, value, reached, ways, standing, waiting, rules, found.truncated)


def _same(a, b) -> bool:
    return a == b and type(a) is type(b) if isinstance(b, bool) or isinstance(a, bool) else a == b
