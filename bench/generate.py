"""Build a synthetic knowledge base of a given size, as YAML files the ordinary loader reads.

The benchmark (and the differential tests) need rule sets far larger than the shipped one,
shaped like it: typed questions (some asked only under an `ask_if`), rules that mix `all`,
`any` and `not` over every comparison the language has, conclusions of every type and
resolution, and a second layer of rules that reads the first layer's conclusions, so the
engine has several steps. The content is meaningless but valid: `load` reports no errors.

    write_kb(root, rules=2000, seed=1)       files under root (sources, questions, rules)
    answer_sets(kb, count, seed)             complete, valid answers for module `gen`
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

MODULE = "gen"


def _text(s: str) -> dict:
    return {"sv": f"{s} (sv)", "en": s}


def _questions(rng: random.Random, count: int) -> list[dict]:
    kinds = ("boolean", "choice", "multichoice", "number")
    out = []
    for i in range(count):
        kind = kinds[i % 4]
        q = {"id": f"gen.q{i}", "type": kind, "text": _text(f"Question {i}?")}
        if kind in ("choice", "multichoice"):
            q["choices"] = [{"id": f"v{j}", "label": _text(f"value {j}")} for j in range(4 if kind == "choice" else 5)]
        if i >= 8 and i % 7 == 0:  # asked only when an earlier yes/no question was answered yes
            q["ask_if"] = {"fact": f"gen.q{rng.randrange(0, i, 4)}", "equals": True}
        out.append(q)
    return out


def _comparison(rng: random.Random, q: dict) -> dict:
    kind, fact = q["type"], q["id"]
    if rng.random() < 0.04:
        return {"fact": fact, "known": True}
    if kind == "boolean":
        return {"fact": fact, "equals": rng.random() < 0.5}
    if kind == "number":
        if rng.random() < 0.1:  # engine.validate tries only 0 and bounds of order comparisons on a number
            return {"fact": fact, "equals": 0}
        return {"fact": fact, rng.choice(["greater_than", "less_than", "at_least", "at_most"]): rng.randrange(0, 100, 5)}
    values = [c["id"] for c in q["choices"]]
    if kind == "choice":
        return rng.choice([{"fact": fact, "equals": rng.choice(values)}, {"fact": fact, "in": rng.sample(values, 2)}])
    return rng.choice(
        [
            {"fact": fact, "contains": rng.choice(values)},
            {"fact": fact, "contains_any": rng.sample(values, 2)},
            {"fact": fact, "equals": rng.sample(values, rng.randint(1, 2))},
        ]
    )


def _condition(rng: random.Random, questions: list[dict]) -> dict:
    picked = rng.sample(questions, 4)
    c = [_comparison(rng, q) for q in picked]
    shape = rng.random()
    if shape < 0.35:
        return {"all": c[:2]}
    if shape < 0.55:
        return {"all": c[:3]}
    if shape < 0.7:
        return {"any": c[:2]}
    if shape < 0.85:
        return {"all": [c[0], {"any": [c[1], c[2]]}]}
    return {"all": [c[0], c[3], {"not": {"all": [c[1], c[2]]}}]}


def _conclusions(count: int, layer: int) -> list[dict]:
    out = []
    for i in range(count):
        cid = f"gen.c{layer}_{i}"
        kind = ("choice", "boolean", "multichoice")[i % 3] if layer == 1 else "choice"
        c = {"id": cid, "type": kind, "text": _text(f"Conclusion {layer}.{i}")}
        if kind != "boolean":
            c["choices"] = [{"id": f"r{j}", "label": _text(f"result {j}")} for j in range(4)]
        if kind == "choice":
            c["resolve"] = "highest" if i % 2 == 0 else "priority"
        out.append(c)
    return out


def _conclude_value(rng: random.Random, c: dict):
    if c["type"] == "boolean":
        return rng.random() < 0.7
    value = rng.choice([x["id"] for x in c["choices"]])
    return [value] if c["type"] == "multichoice" else value


def _rule(rng: random.Random, n: int, when: dict, conclusion: dict, value) -> dict:
    return {
        "id": f"gen.r{n}",
        "title": _text(f"Rule {n}"),
        "when": when,
        "then": {"conclude": {conclusion["id"]: value}},
        "because": _text(f"Because of rule {n}."),
        "sources": [{"source": "gen_source", "pinpoint": f"§ {n}"}],
        "priority": rng.randrange(10),
    }


def _reads_conclusion(rng: random.Random, c: dict, concluded: list) -> dict:
    if c["type"] == "boolean":
        return {"fact": c["id"], "equals": rng.choice(concluded)}
    value = rng.choice(concluded)
    if c["type"] == "multichoice":
        return {"fact": c["id"], "contains": value[0]}
    return {"fact": c["id"], "equals": value}


def write_kb(root: Path, rules: int, seed: int = 1) -> Path:
    """Write a knowledge base with `rules` rules in one module, `gen`, under `root`."""
    rng = random.Random(seed)
    questions = _questions(rng, max(12, rules // 8))
    layer1 = _conclusions(max(3, rules // 40), 1)
    layer2 = _conclusions(max(2, rules // 400), 2)
    n_layer2 = max(len(layer2), rules * 15 // 100)
    out_rules, concluded = [], {}
    for n in range(rules - n_layer2):
        c = layer1[n % len(layer1)]
        value = _conclude_value(rng, c)
        concluded.setdefault(c["id"], []).append(value)
        out_rules.append(_rule(rng, n, _condition(rng, questions), c, value))
    for n in range(rules - n_layer2, rules):
        c = layer2[n % len(layer2)]
        read = layer1[rng.randrange(len(layer1))]
        when = {"all": [_reads_conclusion(rng, read, concluded[read["id"]]), _comparison(rng, rng.choice(questions))]}
        out_rules.append(_rule(rng, n, when, c, _conclude_value(rng, c)))
    module = {
        "module": MODULE,
        "title": _text("Generated"),
        "intro": _text("A generated knowledge base for the benchmark."),
        "goals": [c["id"] for c in layer2] + [c["id"] for c in layer1[:2]],
        "conclusions": layer1 + layer2,
    }
    sources = {
        "sources": [
            {
                "id": "gen_source",
                "title": _text("A generated source"),
                "citation": "GEN 1",
                "url": "https://example.org/gen",
                "version": "1",
            }
        ]
    }
    files = {
        "knowledge_base/sources.yaml": sources,
        f"knowledge_base/questions/{MODULE}.yaml": {"module": MODULE, "questions": questions},
        f"rules/{MODULE}/module.yaml": module,
        f"rules/{MODULE}/rules.yaml": {"rules": out_rules},
    }
    for name, data in files.items():
        path = Path(root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Path(root)


def answer_sets(kb, count: int, seed: int = 1) -> list[dict]:
    """`count` answer sets for module `gen`, each answering every question (values in the model's types)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        answers = {}
        for q in kb.module_questions(MODULE):
            if q.type == "boolean":
                answers[q.id] = rng.random() < 0.5
            elif q.type == "choice":
                answers[q.id] = rng.choice(q.values)
            elif q.type == "multichoice":
                answers[q.id] = frozenset(rng.sample(q.values, rng.randint(1, 3)))
            else:
                answers[q.id] = rng.randrange(0, 100, 3)
        out.append(answers)
    return out
