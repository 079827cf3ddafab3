"""Compile a module of the validated model into what the engine runs.

Rules may read facts that other rules conclude. We order rules and facts in a graph
(networkx): an edge fact → rule where the rule reads the fact, rule → fact where it
concludes it. Its topological generations are the engine's *steps*: a rule runs only
after every fact it reads is settled, so a conclusion that several rules can reach
(e.g. the strictest MDR class) is combined before anything reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from engine.backends import DEFAULT_BACKEND, Program, get_backend
from engine.conditions import comparisons, facts_in, to_nnf
from engine.logic import Evaluator, compile_truth
from engine.model import AS_OF, Compare, Condition, KnowledgeBase, Module, Question, Rule


@dataclass(frozen=True)
class Index:
    """Who reads what, so that an answer re-evaluates only what it can change (engine.state)."""

    readers: dict[str, tuple[str, ...]]  # fact → rules whose condition reads it
    readers_by_step: dict[str, tuple[tuple[int, tuple[str, ...]], ...]]  # fact → (step, its readers in that step)
    ask_readers: dict[str, tuple[str, ...]]  # fact → questions whose ask_if reads it
    fact_step: dict[str, int]  # derived fact → the step after which it settles
    concludes: dict[str, tuple[str, ...]]  # rule → facts it concludes
    concluded_by: dict[str, tuple[tuple[Rule, object], ...]]  # derived fact → (rule, value) of each rule concluding it
    conclude_value: dict[str, dict[str, object]]  # rule → fact → the value it concludes
    conclusion_keys: dict[str, dict[str, tuple]]  # derived fact → rule → the (type, value) keys of what it concludes
    rule_tests: dict[str, dict[str, tuple[Evaluator, ...]]]  # rule → fact → its comparisons on that fact, compiled
    ask_tests: dict[str, dict[str, tuple[Evaluator, ...]]]  # question → fact → comparisons of its ask_if, compiled
    rule_eval: dict[str, Evaluator]  # rule → its condition's three-valued truth, compiled
    ask_eval: dict[str, Evaluator]  # question → its ask_if's three-valued truth, compiled


@dataclass(frozen=True)
class CompiledModule:
    kb: KnowledgeBase
    module: Module
    questions: tuple[Question, ...]  # interview order
    rules: dict[str, Rule]
    conditions: dict[str, Condition]  # rule id → NNF condition
    ask_if: dict[str, Condition]  # question id → NNF condition
    steps: tuple[tuple[str, ...], ...]  # rule ids per step
    settles_after: tuple[tuple[str, ...], ...]  # derived facts settled after each step
    concluders: dict[str, tuple[str, ...]]  # derived fact → rule ids that conclude it
    program: Program
    backend: str
    index: Index
    blank: object = None  # engine.state.State before any answer, the planner's start (engine.state.prepare)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Facts given with the answers, never asked: other guides' conclusions and the as-of date."""
        return self.module.inputs + (AS_OF,)


def dependency_graph(rules) -> nx.DiGraph:
    """fact → rule (reads) and rule → fact (concludes). Nodes are ('fact'|'rule', id)."""
    graph = nx.DiGraph()
    for rule in rules:
        graph.add_node(("rule", rule.id))
        for fact in facts_in(rule.when):
            graph.add_edge(("fact", fact), ("rule", rule.id))
        for fact, _ in rule.conclude:
            graph.add_edge(("rule", rule.id), ("fact", fact))
    return graph


def compile_module(kb: KnowledgeBase, module_id: str, backend: str = DEFAULT_BACKEND) -> CompiledModule:
    module = kb.modules[module_id]
    rules = {r.id: r for r in kb.module_rules(module_id)}
    graph = dependency_graph(rules.values())
    steps: list[tuple[str, ...]] = []
    settles: list[tuple[str, ...]] = []
    for generation in nx.topological_generations(graph):
        step = tuple(sorted((n[1] for n in generation if n[0] == "rule"), key=list(rules).index))
        derived = tuple(n[1] for n in generation if n[0] == "fact" and graph.in_degree(n))
        if derived and settles:
            settles[-1] = settles[-1] + derived
        if step:
            steps.append(step)
            settles.append(())
    concluders: dict[str, list[str]] = {}
    for rule in rules.values():
        for fact, _ in rule.conclude:
            concluders.setdefault(fact, []).append(rule.id)
    conditions = {rid: to_nnf(r.when) for rid, r in rules.items()}
    questions = tuple(kb.module_questions(module_id))
    ask_if = {q.id: to_nnf(q.ask_if) for q in questions if q.ask_if is not None}
    program = get_backend(backend).compile([[(rid, conditions[rid]) for rid in step] for step in steps])
    compiled = CompiledModule(
        kb=kb,
        module=module,
        questions=questions,
        rules=rules,
        conditions=conditions,
        ask_if=ask_if,
        steps=tuple(steps),
        settles_after=tuple(settles),
        concluders={f: tuple(r) for f, r in concluders.items()},
        program=program,
        backend=backend,
        index=_index(kb, rules, conditions, ask_if, steps, settles, concluders),
    )
    return compiled


def _keys(rule: Rule, fact: str, multichoice: bool) -> tuple:
    """What a rule concludes for a fact, as the keys engine.state counts (items, for multichoice)."""
    value = dict(rule.conclude)[fact]
    items = value if multichoice and isinstance(value, frozenset) else (value,)
    return tuple((type(v), v) for v in items)


def _index(
    kb: KnowledgeBase, rules: dict[str, Rule], conditions: dict, ask_if: dict, steps: list, settles: list, concluders: dict
) -> Index:
    def by_fact(cond: Condition) -> dict[str, tuple[Compare, ...]]:
        out: dict[str, list[Compare]] = {}
        for cmp in comparisons(cond):
            out.setdefault(cmp.fact, []).append(cmp)
        return {f: tuple(c) for f, c in out.items()}

    rule_reads = {rid: by_fact(cond) for rid, cond in conditions.items()}
    ask_reads = {qid: by_fact(cond) for qid, cond in ask_if.items()}
    readers: dict[str, list[str]] = {}
    for rid, reads in rule_reads.items():
        for fact in reads:
            readers.setdefault(fact, []).append(rid)
    ask_readers: dict[str, list[str]] = {}
    for qid, reads in ask_reads.items():
        for fact in reads:
            ask_readers.setdefault(fact, []).append(qid)
    rule_step = {rid: i for i, step in enumerate(steps) for rid in step}
    by_step: dict[str, dict[int, list[str]]] = {}
    for fact, rids in readers.items():
        for rid in rids:
            by_step.setdefault(fact, {}).setdefault(rule_step[rid], []).append(rid)
    return Index(
        readers={f: tuple(r) for f, r in readers.items()},
        readers_by_step={f: tuple((i, tuple(r)) for i, r in sorted(steps_.items())) for f, steps_ in by_step.items()},
        ask_readers={f: tuple(q) for f, q in ask_readers.items()},
        fact_step={f: i for i, facts in enumerate(settles) for f in facts},
        concludes={rid: tuple(dict.fromkeys(f for f, _ in r.conclude)) for rid, r in rules.items()},
        concluded_by={f: tuple((rules[rid], dict(rules[rid].conclude)[f]) for rid in rids) for f, rids in concluders.items()},
        conclude_value={rid: dict(r.conclude) for rid, r in rules.items()},
        conclusion_keys={
            f: {rid: _keys(rules[rid], f, kb.conclusions[f].type == "multichoice" if f in kb.conclusions else False) for rid in rids}
            for f, rids in concluders.items()
        },
        rule_tests={rid: {f: tuple(compile_truth(c) for c in cmps) for f, cmps in reads.items()} for rid, reads in rule_reads.items()},
        ask_tests={qid: {f: tuple(compile_truth(c) for c in cmps) for f, cmps in reads.items()} for qid, reads in ask_reads.items()},
        rule_eval={rid: compile_truth(cond) for rid, cond in conditions.items()},
        ask_eval={qid: compile_truth(cond) for qid, cond in ask_if.items()},
    )
