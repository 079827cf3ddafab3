"""Benchmark the inference backends: experta (the reference) against CLIPS (the fast path).

    .venv/bin/python bench/run.py            # or: make bench
    .venv/bin/python bench/run.py --quick    # fewer repetitions, no 10,000-rule run

An *evaluation* is one `consult` call on a finished answers set, as `vagvisare evaluate`
makes it: the interview replayed (planner), the rules run on the backend, uncertainty
explored when answers are "I don't know". We also time the backend alone (`run` on the
replayed state). Both backends are timed in the same process, answer set by answer set
in turn, so a busy machine slows both alike and the experta/clips ratios stay fair.

Figures: per-evaluation median and p95 for each module's test cases; the same for
generated knowledge bases of 500, 2,000 and 10,000 rules (bench/generate.py, written as
YAML and read by the ordinary loader); load + validate + compile time of the shipped
knowledge base. Results go to bench/results.json, with the targets and whether they are met.
"""

from __future__ import annotations

import argparse
import json
import platform
import signal
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from generate import MODULE, answer_sets, write_kb
from interview import case_paths, walk

from engine.answers import parse_answers
from engine.backends import BACKENDS, DEFAULT_BACKEND
from engine.compiler import compile_module
from engine.consultation import consult
from engine.inference import run
from engine.loader import load
from engine.session import Workspace

HERE = Path(__file__).resolve().parent
#: experta is skipped on a generated knowledge base where one evaluation takes longer.
EXPERTA_LIMIT_S = 60.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"runs": len(times), "median_ms": _ms(statistics.median(times)), "p95_ms": _ms(p95), "max_ms": _ms(ordered[-1])}


def _ratio(experta: dict | None, clips: dict | None, key: str = "median_ms") -> float | None:
    if not experta or not clips or not clips.get(key) or not experta.get(key):
        return None  # a backend was skipped (too slow) or not run
    return round(experta[key] / clips[key], 1)


class _TooSlow(Exception):
    pass


def _timed(compiled, answers, limit: float | None = None) -> tuple[float, float]:
    """(evaluation seconds, backend-only seconds) for one answers set."""

    def stop(signum, frame):
        raise _TooSlow

    if limit:
        signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        start = time.perf_counter()
        outcome = consult(compiled, answers, close_unanswered=True)
        total = time.perf_counter() - start
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
    start = time.perf_counter()
    run(compiled, outcome.plan.state)
    return total, time.perf_counter() - start


def _measure(programs: dict, answer_list: list, repeat: int, limits: dict | None = None) -> dict:
    """Time every backend on every answers set, `repeat` times, alternating backends."""
    limits = limits or {}
    times = {b: ([], []) for b in programs}
    skipped: dict[str, str] = {}
    for _ in range(repeat):
        for answers in answer_list:
            for backend, compiled in programs.items():
                if backend in skipped:
                    continue
                try:
                    total, backend_only = _timed(compiled, answers, limits.get(backend))
                except _TooSlow:
                    skipped[backend] = f"one evaluation took longer than {limits[backend]:.0f} s; stopped"
                    continue
                times[backend][0].append(total)
                times[backend][1].append(backend_only)
    out = {}
    for backend, (totals, backend_only) in times.items():
        if backend in skipped or not totals:
            out[backend] = {"skipped": skipped.get(backend, "not run")}
            continue
        out[backend] = _summary(totals) | {"backend_only": _summary(backend_only)}
    out["ratio_experta_over_clips"] = _ratio(out.get("experta"), out.get("clips"))
    out["ratio_experta_over_clips_backend_only"] = _ratio(
        (out.get("experta") or {}).get("backend_only"), (out.get("clips") or {}).get("backend_only")
    )
    return out


def shipped(repeat: int) -> dict:
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        kb, _ = load()
        loads.append(time.perf_counter() - start)
    compile_s = {}
    programs: dict[str, dict] = {}
    for backend in BACKENDS:
        start = time.perf_counter()
        programs[backend] = {m: compile_module(kb, m, backend) for m in kb.modules}
        compile_s[backend] = time.perf_counter() - start
    result: dict = {
        "rules": len(kb.rules),
        "questions": len(kb.questions),
        "test_cases": len(kb.tests),
        "load_validate_s": round(statistics.median(loads), 3),
        "compile_s": {b: round(s, 3) for b, s in compile_s.items()},
        "load_validate_compile_s": {b: round(statistics.median(loads) + s, 3) for b, s in compile_s.items()},
        "modules": {},
    }
    every: dict[str, list] = {b: [] for b in BACKENDS}
    for module in kb.modules:
        cases = [parse_answers(kb, c.answers, c.origin.file, module) for c in kb.tests if c.module == module]
        if not cases:
            continue
        figures = _measure({b: programs[b][module] for b in BACKENDS}, cases, repeat)
        figures["cases"] = len(cases)
        result["modules"][module] = figures
        _print(f"shipped {module} ({len(cases)} cases)", figures)
    # all cases together, for the targets
    cases = [(c.module, parse_answers(kb, c.answers, c.origin.file, c.module)) for c in kb.tests]
    for _ in range(repeat):
        for module, answers in cases:
            for backend in BACKENDS:
                every[backend].append(_timed(programs[backend][module], answers)[0])
    result["all_cases"] = {b: _summary(t) for b, t in every.items()}
    ws = Workspace(kb, [], DEFAULT_BACKEND)
    why_all, steps_all = [], []
    result["why_ms"], result["answer_step_ms"] = {}, {}
    for module in kb.modules:
        why, steps = [], []
        for _ in range(repeat):
            for answers in case_paths(ws, module):
                walk(ws, module, answers, why, steps)
        if why:
            result["why_ms"][module], result["answer_step_ms"][module] = _summary(why), _summary(steps)
            why_all += why
            steps_all += steps
            print(
                f"shipped {module}: why median {_ms(statistics.median(why)):.2f} ms; answer step median {_ms(statistics.median(steps)):.2f} ms",
                flush=True,
            )
    result["why_ms"]["all"], result["answer_step_ms"]["all"] = _summary(why_all), _summary(steps_all)
    print(
        f"shipped, every question on every case path: why {result['why_ms']['all']}; answer step {result['answer_step_ms']['all']}",
        flush=True,
    )
    result["all_cases"]["ratio_experta_over_clips"] = _ratio(result["all_cases"].get("experta"), result["all_cases"].get("clips"))
    _print(f"shipped, all {len(cases)} cases", result["all_cases"])
    return result


def generated(rules: int, sets: dict, repeat: int) -> dict:
    print(f"generated, {rules} rules: writing, loading and compiling …", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_kb(Path(tmp), rules=rules, seed=rules)
        start = time.perf_counter()
        kb, _ = load(tmp)
        load_s = time.perf_counter() - start
    programs, compile_s = {}, {}
    for backend in BACKENDS:
        start = time.perf_counter()
        programs[backend] = compile_module(kb, MODULE, backend)
        compile_s[backend] = round(time.perf_counter() - start, 3)
    answers = answer_sets(kb, max(sets.values()), seed=rules)
    out: dict = {"rules": len(kb.rules), "questions": len(kb.questions), "load_validate_s": round(load_s, 3), "compile_s": compile_s}
    per_backend = {}
    for backend in BACKENDS:  # experta gets fewer answer sets: it is slow
        per_backend[backend] = _measure(
            {backend: programs[backend]}, answers[: sets[backend]], repeat if backend == "clips" else 1, {"experta": EXPERTA_LIMIT_S}
        )[backend]
    out.update(per_backend)
    ws = Workspace(kb, [], DEFAULT_BACKEND)
    why, steps = [], []
    for raw in answers[: sets["clips"]]:
        walk(ws, MODULE, {q: _raw(v) for q, v in raw.items()}, why, steps)
    out["why_ms"], out["answer_step_ms"] = _summary(why), _summary(steps)
    print(f"generated, {rules} rules: why {out['why_ms']}; answer step {out['answer_step_ms']}", flush=True)
    out["ratio_experta_over_clips"] = _ratio(per_backend.get("experta"), per_backend.get("clips"))
    out["ratio_experta_over_clips_backend_only"] = _ratio(
        per_backend.get("experta", {}).get("backend_only"), per_backend.get("clips", {}).get("backend_only")
    )
    _print(f"generated, {rules} rules", out)
    return out


def _raw(value):
    """A model value as a user gives it (the Consultation API takes raw answers)."""
    from engine.model import DONT_KNOW

    if value is DONT_KNOW:
        return "dont_know"
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def _print(title: str, figures: dict) -> None:
    parts = []
    for backend in BACKENDS:
        f = figures.get(backend) or {}
        if "skipped" in f:
            parts.append(f"{backend}: skipped ({f['skipped']})")
        elif f:
            parts.append(f"{backend}: median {f['median_ms']:.2f} ms, p95 {f['p95_ms']:.2f} ms")
    ratio = figures.get("ratio_experta_over_clips")
    backend_ratio = figures.get("ratio_experta_over_clips_backend_only")
    extra = f"; experta/clips {ratio}×" if ratio else ""
    extra += f" (backend only {backend_ratio}×)" if backend_ratio else ""
    print(f"{title}: " + "; ".join(parts) + extra, flush=True)


def targets(results: dict) -> list[dict]:
    default = results["default_backend"]
    ship = results["shipped"]["all_cases"].get(default, {})
    gen = results["generated"].get("2000", {})
    ratio = results["ratio_experta_over_clips_2000_rules"]
    rows = [
        ("shipped knowledge base, per evaluation, median (ms), default backend", ship.get("median_ms"), 5.0, "below"),
        ("shipped knowledge base, per evaluation, p95 (ms), default backend", ship.get("p95_ms"), 20.0, "below"),
        ("2,000 rules, per evaluation, median (ms), default backend", (gen.get(default) or {}).get("median_ms"), 50.0, "below"),
        ("2,000 rules, experta median / clips median", ratio, 100.0, "at least"),
        (
            "shipped knowledge base, load + validate + compile (s), default backend",
            results["shipped"]["load_validate_compile_s"].get(default),
            1.0,
            "below",
        ),
    ]
    rows += [
        (
            "shipped knowledge base, why at every question of the case paths, p95 (ms)",
            results["shipped"]["why_ms"]["all"]["p95_ms"],
            20.0,
            "below",
        ),
        ("2,000 rules, why, median (ms)", gen.get("why_ms", {}).get("median_ms"), 200.0, "below"),
        ("shipped knowledge base, one answer step, p95 (ms)", results["shipped"]["answer_step_ms"]["all"]["p95_ms"], 10.0, "below"),
    ]
    out = []
    for name, value, limit, sense in rows:
        met = value is not None and (value < limit if sense == "below" else value >= limit)
        out.append({"target": name, "value": value, "limit": limit, "must_be": sense, "met": met})
    clips, experta = gen.get("clips") or {}, gen.get("experta") or {}
    if not out[3]["met"] and clips.get("backend_only") and experta.get("backend_only"):
        shared = clips["median_ms"] - clips["backend_only"]["median_ms"]
        needed = experta["median_ms"] / 100
        out[3]["why"] = (
            f"Both backends run the same pure-Python planner before the backend: about {shared:.0f} ms of the "
            f"{clips['median_ms']:.0f} ms a CLIPS evaluation takes on 2,000 rules. The backends themselves differ "
            f"{gen.get('ratio_experta_over_clips_backend_only')}× (experta {experta['backend_only']['median_ms']:.0f} ms, "
            f"CLIPS {clips['backend_only']['median_ms']:.1f} ms), but the shared planner bounds the ratio of whole "
            f"evaluations (Amdahl). 100× would need a whole CLIPS evaluation under {needed:.0f} ms, i.e. the planner "
            f"under about {needed - clips['backend_only']['median_ms']:.0f} ms: a further step such as moving the "
            "three-valued planning itself into CLIPS."
        )
    return out


def _report(rows: list[dict]) -> None:
    for row in rows:
        print(f"{'met    ' if row['met'] else 'NOT MET'} {row['target']}: {row['value']} ({row['must_be']} {row['limit']})")
        if "why" in row:
            print(f"        why: {row['why']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and no 10,000-rule knowledge base")
    parser.add_argument("--out", default=str(HERE / "results.json"), help="where to write the JSON")
    parser.add_argument("--targets-only", action="store_true", help="re-judge the targets of an existing --out file, timing nothing")
    args = parser.parse_args()
    if args.targets_only:
        results = json.loads(Path(args.out).read_text(encoding="utf-8"))
        results["targets"] = targets(results)
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _report(results["targets"])
        return
    repeat = 1 if args.quick else 3
    results: dict = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "versions": {"experta": version("experta"), "clipspy": version("clipspy")},
        "default_backend": DEFAULT_BACKEND,
        "evaluation": "one consult() on a finished answers set (close_unanswered), as `vagvisare evaluate` does",
        "shipped": shipped(repeat),
        "generated": {},
    }
    sizes = {500: {"clips": 20, "experta": 5}, 2000: {"clips": 20, "experta": 3}}
    if not args.quick:
        sizes[10000] = {"clips": 10, "experta": 1}
    for rules, sets in sizes.items():
        results["generated"][str(rules)] = generated(rules, sets, repeat)
    results["ratio_experta_over_clips_2000_rules"] = results["generated"]["2000"]["ratio_experta_over_clips"]
    results["targets"] = targets(results)
    _report(results["targets"])
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
