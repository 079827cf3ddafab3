"""Where a consultation stands: which facts are settled, which rules are decided.

`settle` is pure: answers in, `State` out. A question is *skipped* (its fact ABSENT) when
its `ask_if` is false; a derived fact is *settled* when every rule that could conclude it
is decided, and then takes the combined value of the rules that hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from engine.compiler import CompiledModule
from engine.logic import F, T, Truth, U, combine, possible_values, settled_early
from engine.model import ABSENT, AS_OF


@dataclass(frozen=True)
class State:
    facts: dict  # settled facts: answers, ABSENT for skipped questions, settled conclusions
    possible: dict  # open derived fact → values it may still take (None: too many to list)
    rule_truth: dict  # rule id → Truth
    skipped: frozenset  # questions whose ask_if is false

    def is_settled(self, fact: str) -> bool:
        return fact in self.facts


def prepare(compiled: CompiledModule) -> CompiledModule:
    """The compiled module with its blank state worked out once, for every interview to start from."""
    return replace(compiled, blank=settle(compiled, {}))


def settle(compiled: CompiledModule, answers: Mapping[str, object]) -> State:
    """The state for a set of answers, worked out from scratch (the reference for `Tracker`)."""
    kb = compiled.kb
    skipped: set[str] = set()
    while True:  # skipping a question can settle a fact that skips another: repeat to a fixpoint
        facts: dict = {f: answers.get(f, ABSENT) for f in compiled.module.inputs}  # not given: guide not done
        if AS_OF in answers:  # not given: open, so that giving it later is one more monotone step
            facts[AS_OF] = answers[AS_OF]
        for q in compiled.questions:
            if q.id in skipped:
                facts[q.id] = ABSENT
            elif q.id in answers:
                facts[q.id] = answers[q.id]
        possible: dict = {}
        rule_truth: dict = {}
        for step, settles in zip(compiled.steps, compiled.settles_after):
            for rid in step:
                rule_truth[rid] = compiled.index.rule_eval[rid](facts, possible)
            for fact in settles:
                done, value = fact_status(compiled, kb.conclusions[fact], fact, rule_truth)
                if done:
                    facts[fact] = value
                else:
                    possible[fact] = value
        newly = {
            q.id
            for q in compiled.questions
            if q.id not in skipped and q.id in compiled.ask_if and compiled.index.ask_eval[q.id](facts, possible) is F
        }
        if not newly:
            return State(facts, possible, rule_truth, frozenset(skipped))
        skipped |= newly


def fact_status(compiled: CompiledModule, decl, fact: str, rule_truth: Mapping) -> tuple[bool, object]:
    """(True, value) when the derived fact is settled, else (False, the values it may still take)."""
    held, still_open = _standing(compiled, fact, rule_truth)
    return _status(decl, held, still_open)


def _standing(compiled: CompiledModule, fact: str, rule_truth: Mapping) -> tuple[list, list]:
    """(rule, value) of the concluding rules that hold, and of those still open, in rule order."""
    held, still_open = [], []
    for rule, value in compiled.index.concluded_by[fact]:
        t = rule_truth[rule.id]
        if t is T:
            held.append((rule, value))
        elif t is U:
            still_open.append((rule, value))
    return held, still_open


def _status(decl, held: list, still_open: list) -> tuple[bool, object]:
    if not still_open or settled_early(decl, held, still_open):
        return True, combine(decl, held)
    open_values = [v for _, v in held + still_open]  # possible_values reads them as a set
    pv = possible_values(decl, open_values)
    if pv is not None and held:
        pv = pv - {ABSENT}
    return False, pv


class Tracker:
    """`settle`, kept up to date one answer at a time during an interview.

    The interview only ever adds an answer to a question it may ask (its ask_if holds), and
    the three-valued reading is monotone: more answers only turn unknown into true or false,
    open facts into settled ones, and never un-skip a question. So after an answer it is
    enough to re-evaluate what reads the answered fact, step by step, and what reads the
    facts that changed in turn. The result equals `settle` on the same answers (tests check
    this against the reference on every module).
    """

    def __init__(self, compiled: CompiledModule, answers: Mapping[str, object]) -> None:
        start = compiled.blank if not answers and compiled.blank is not None else settle(compiled, answers)
        self._compiled = compiled
        self.facts = dict(start.facts)
        self.possible = dict(start.possible)
        self.rule_truth = dict(start.rule_truth)
        self.skipped = set(start.skipped)
        self._tallies: dict[str, _Tally] = {}  # open derived fact → counts of its concluding rules

    def view(self) -> State:
        """The current state, sharing this tracker's tables (read it before the next answer)."""
        return State(self.facts, self.possible, self.rule_truth, frozenset(self.skipped))

    def answer(self, fact: str, value) -> None:
        self.facts[fact] = value
        self._propagate({fact})

    def _propagate(self, changed: set[str]) -> None:
        compiled, index = self._compiled, self._compiled.index
        facts, possible, rule_truth = self.facts, self.possible, self.rule_truth
        tallies = self._tallies
        while changed:
            todo: dict[int, set[str]] = {}  # step → rules to re-evaluate
            asks: set[str] = set()
            for fact in changed:
                for step, rids in index.readers_by_step.get(fact, ()):
                    todo.setdefault(step, set()).update(rids)
                asks.update(index.ask_readers.get(fact, ()))
            dirty: dict[int, set[str]] = {}  # step → derived facts settled after it whose concluding rules changed
            for step in range(min(todo, default=len(compiled.steps)), len(compiled.steps)):
                for rid in todo.pop(step, ()):
                    before = rule_truth[rid]
                    if before is not U:
                        continue  # decided: more answers never undo it
                    t = index.rule_eval[rid](facts, possible)
                    if t is not before:
                        rule_truth[rid] = t
                        for fact in index.concludes[rid]:
                            if fact in facts:
                                continue
                            tally = tallies.get(fact)
                            if tally is None or tally.change(
                                before, t, compiled.rules[rid], index.conclude_value[rid][fact], index.conclusion_keys[fact][rid]
                            ):
                                dirty.setdefault(index.fact_step[fact], set()).add(fact)
                for fact in dirty.pop(step, ()):
                    tally = tallies[fact] = _Tally(compiled, fact, rule_truth)
                    done, value = tally.status
                    if done:
                        facts[fact] = value
                        possible.pop(fact, None)
                    elif possible[fact] != value:
                        possible[fact] = value
                    else:
                        continue
                    for later, rids in index.readers_by_step.get(fact, ()):
                        todo.setdefault(later, set()).update(rids)
                    asks.update(index.ask_readers.get(fact, ()))
            changed = {q for q in asks if q not in self.skipped and index.ask_eval[q](facts, possible) is F}
            self.skipped |= changed
            facts.update(dict.fromkeys(changed, ABSENT))

    def state(self) -> State:
        """The state in `settle`'s own order of facts, possibilities and rules."""
        compiled = self._compiled
        order = list(compiled.inputs) + [q.id for q in compiled.questions]
        order += [f for settles in compiled.settles_after for f in settles]
        facts = {f: self.facts[f] for f in order if f in self.facts}
        possible = {f: self.possible[f] for f in order if f in self.possible}
        rule_truth = {rid: self.rule_truth[rid] for step in compiled.steps for rid in step}
        return State(facts, possible, rule_truth, frozenset(self.skipped))


class _Tally:
    """How the rules concluding an open fact stand, to skip `fact_status` when it cannot change.

    Built with the fact's status. Afterwards a rule turning false (the usual step) changes
    the status only if it was the last open rule, the last to give its value (item, for
    multichoice), or the last open rule that kept a rule that holds from deciding the value
    early (`settled_early`). A rule turning true changes it only if it is the first to hold,
    outranks the winner or blocked (for multichoice: only if it is the first to hold, as
    the value then loses ABSENT).
    """

    __slots__ = ("multichoice", "held", "open", "counts", "blocks", "keeps", "blockers", "status")

    def __init__(self, compiled: CompiledModule, fact: str, rule_truth: Mapping) -> None:
        decl = compiled.kb.conclusions[fact]
        keys = compiled.index.conclusion_keys[fact]
        held, still_open = [], []
        counts: dict = {}
        for rule, value in compiled.index.concluded_by[fact]:  # as _standing does, counting values too
            t = rule_truth[rule.id]
            if t is F:
                continue
            (held if t is T else still_open).append((rule, value))
            for key in keys[rule.id]:
                counts[key] = counts.get(key, 0) + 1
        self.status = _status(decl, held, still_open)
        self.multichoice = decl.type == "multichoice"
        self.held, self.open, self.counts = len(held), len(still_open), counts
        self.blocks, self.keeps = _blocks(decl, held) if held and not self.multichoice else (None, None)
        self.blockers = sum(self.blocks(r, v) for r, v in still_open) if self.blocks else 0

    def change(self, before: Truth, after: Truth, rule, value, keys: tuple) -> bool:
        """Record a rule's change; True when the fact's status may have changed."""
        if before is not U or after is U:
            return True  # not the monotone step we count: work it out again
        self.open -= 1
        if after is T:
            self.held += 1
            if self.multichoice:
                return self.held == 1 or self.open <= 0
            # a new holding rule that neither outranks the winner nor blocks changes nothing
            return self.keeps is None or self.open <= 0 or not self.keeps(rule, value)
        gone = False
        for key in keys:
            self.counts[key] -= 1
            gone = gone or self.counts[key] == 0
        if gone or self.open <= 0:
            return True
        if self.blocks is not None and self.blocks(rule, value):
            self.blockers -= 1
            return self.blockers == 0
        return False


def _blocks(decl, held: list):
    """Given the rules that hold: whether an open (rule, value) keeps `settled_early` false,
    and whether one that comes to hold leaves the winner and the blocking rules as they are."""
    if decl.resolve == "highest":
        order = {v: i for i, v in enumerate(decl.values)}
        best = max(order.get(v, -1) for _, v in held)
        return (lambda rule, value: order.get(value, -1) > best), (lambda rule, value: order.get(value, -1) <= best)
    winner, won = max(held, key=lambda rv: rv[0].priority)
    return (lambda rule, value: not (rule.priority < winner.priority or value == won)), (
        lambda rule, value: rule.priority < winner.priority
    )


def ask_if_truth(compiled: CompiledModule, state: State, question: str) -> Truth:
    evaluate = compiled.index.ask_eval.get(question)
    return T if evaluate is None else evaluate(state.facts, state.possible)
