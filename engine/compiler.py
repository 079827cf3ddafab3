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
from engine.conditions import facts_in, to_nnf
from engine.model import Condition, KnowledgeBase, Module, Question, Rule


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
    program = get_backend(backend).compile([[(rid, conditions[rid]) for rid in step] for step in steps])
    return CompiledModule(
        kb=kb,
        module=module,
        questions=questions,
        rules=rules,
        conditions=conditions,
        ask_if={q.id: to_nnf(q.ask_if) for q in questions if q.ask_if is not None},
        steps=tuple(steps),
        settles_after=tuple(settles),
        concluders={f: tuple(r) for f, r in concluders.items()},
        program=program,
        backend=backend,
    )
