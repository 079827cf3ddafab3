"""Load the knowledge base from YAML into the typed model (`engine.model`).

Layout (paths relative to the knowledge-base root):

    knowledge_base/sources.yaml          sources that rules cite
    knowledge_base/questions/<m>.yaml    the questions of module <m>, in interview order
    rules/<m>/module.yaml                module <m>: title, goals, the facts its rules conclude
    rules/<m>/*.yaml                     the rules of module <m>
    rules/<m>/tests/*.yaml               test cases: answers and the exact expected conclusions

`load` reads everything, collects every problem (never stopping at the first) and then
runs the cross-reference checks in `engine.validate`.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.resources
from pathlib import Path

from engine.answers import parse_date
from engine.conditions import parse_condition
from engine.errors import KnowledgeBaseError
from engine.model import (
    AUDIENCES,
    FACT_TYPES,
    AnswerMapping,
    Choice,
    ConclusionType,
    Definition,
    Handover,
    KnowledgeBase,
    Module,
    Origin,
    Question,
    Recommendation,
    Rule,
    Source,
    TestCase,
    Text,
)
from engine.problems import Problem
from engine.reading import Reader, read_document
from engine.yamlfile import Located, LocatedList


def default_root() -> Path:
    """The knowledge base shipped with the project.

    In a source checkout (and an editable install) that is the repository root, where
    advisors edit it; an installed wheel carries the same files as package data under
    vagvisare/kb/ (see setup.py)."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "knowledge_base").is_dir() and (checkout / "rules").is_dir():
        return checkout
    return Path(str(importlib.resources.files("vagvisare") / "kb"))


def content_hash(root: Path) -> str:
    """A stable hash of every YAML file of the knowledge base (path and bytes), in hex.

    Every outcome, report and saved consultation carries it, so advice can be traced to
    the exact rules that gave it."""
    digest = hashlib.sha256()
    for top in ("knowledge_base", "rules"):
        for path in sorted((root / top).rglob("*.yaml")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                pass  # reported by the loader
            digest.update(b"\0")
    return digest.hexdigest()


def load(root: Path | str | None = None, strict: bool = True, today: datetime.date | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load and validate. With `strict`, raise KnowledgeBaseError if there is any error.

    `today` dates the checks that depend on the calendar (dead law, stale facts)."""
    from engine.validate import validate  # validate depends on the model only, not on us

    root = Path(root) if root else default_root()
    kb = KnowledgeBase(root=str(root), version=content_hash(root))
    problems: list[Problem] = []
    for path, name in _files(root, problems):
        doc, reader = read_document(path, name, problems)
        if doc is not None:
            _read_document(kb, reader, doc, path, root)
    from engine.register_checks import validate_registers  # countries, partners, calendar

    register_problems, register_cited = validate_registers(root, kb, today)
    problems.extend(validate(kb, today, also_cited=register_cited))
    problems.extend(register_problems)
    if (root / "knowledge_base" / "pathway.yaml").exists():
        from engine.pathway import validate_pathway

        problems.extend(validate_pathway(root, kb))
    if (root / "knowledge_base" / "scenarios").is_dir():
        from engine.scenarios import validate_scenarios  # the peer-learning library; runs each scenario when the rules have no errors

        problems.extend(validate_scenarios(root, kb, run=not any(p.severity == "error" for p in problems)))
    if strict and any(p.severity == "error" for p in problems):
        raise KnowledgeBaseError([p for p in problems if p.severity == "error"])
    return kb, problems


def _files(root: Path, problems: list[Problem]):
    sources = root / "knowledge_base" / "sources.yaml"
    if not sources.exists():
        problems.append(Problem("knowledge_base/sources.yaml", 0, "the file is missing", "create it with a 'sources:' list"))
    else:
        yield sources, "knowledge_base/sources.yaml"
    for path in sorted((root / "knowledge_base" / "sources").glob("*.yaml")):
        yield path, path.relative_to(root).as_posix()
    for path in sorted((root / "knowledge_base" / "questions").glob("*.yaml")):
        yield path, path.relative_to(root).as_posix()
    rules_dir = root / "rules"
    for module_dir in sorted(p for p in rules_dir.iterdir() if p.is_dir()) if rules_dir.exists() else []:
        module_file = module_dir / "module.yaml"
        if not module_file.exists():
            problems.append(
                Problem(
                    module_file.relative_to(root).as_posix(),
                    0,
                    "the module file is missing",
                    "create it with 'module:', 'title:', 'goals:' and 'conclusions:'",
                )
            )
        else:
            yield module_file, module_file.relative_to(root).as_posix()
        for path in sorted(module_dir.glob("*.yaml")):
            if path.name != "module.yaml":
                yield path, path.relative_to(root).as_posix()
        for path in sorted((module_dir / "tests").glob("*.yaml")):
            yield path, path.relative_to(root).as_posix()


def _read_document(kb: KnowledgeBase, reader: Reader, doc: Located, path: Path, root: Path) -> None:
    rel = path.relative_to(root)
    if rel.parts[0] == "knowledge_base" and (rel.name == "sources.yaml" or rel.parts[1] == "sources"):
        reader.keys(doc, "the sources file", ("sources",), ())
        for line, item in reader.items(doc, "sources", "sources"):
            _add(kb.sources, _source(reader, item, line), reader, "source")
    elif rel.parts[0] == "knowledge_base" and rel.parts[1] == "questions":
        if reader.keys(doc, "a questions file", ("module", "questions"), ()):
            module = str(doc["module"])
            if module != path.stem:
                reader.problem(
                    doc.line_of("module"),
                    f"module '{module}' does not match the file name '{path.name}'",
                    f"name the file '{module}.yaml' or write 'module: {path.stem}'",
                )
            for line, item in reader.items(doc, "questions", "questions"):
                _add(kb.questions, _question(reader, item, line, module), reader, "question")
    elif len(rel.parts) > 3 and rel.parts[2] == "tests":
        reader.keys(doc, "a test file", ("cases",), ("defaults",))
        defaults = reader.mapping(doc.get("defaults", Located()), "'defaults'", doc.line_of("defaults")) or Located()
        reader.keys(defaults, "'defaults' of a test file", (), ("complete", "as_of"))
        for line, item in reader.items(doc, "cases", "test cases"):
            case = _test_case(reader, item, line, rel.parts[1], defaults)
            if case:
                kb.tests.append(case)
    elif rel.name == "module.yaml":
        _module(kb, reader, doc, rel.parts[1])
    else:
        reader.keys(doc, "a rules file", ("rules",), ())
        for line, item in reader.items(doc, "rules", "rules"):
            _add(kb.rules, _rule(reader, item, line, rel.parts[1]), reader, "rule")


def _add(table: dict, obj, reader: Reader, what: str) -> None:
    if obj is None:
        return
    if obj.id in table:
        first = table[obj.id].origin
        reader.problem(obj.origin.line, f"duplicate {what} id '{obj.id}' (first defined at {first})", "give each an id of its own")
        return
    table[obj.id] = obj


def _source(reader: Reader, node, line: int) -> Source | None:
    m = reader.mapping(node, "a source", line)
    if m is None or not reader.keys(m, "a source", ("id", "title", "citation"), ("url", "version", "note")):
        return None
    title = reader.text(m, "title", f"source '{m['id']}'")
    if "version" not in m:
        reader.problem(m.line, f"source '{m['id']}' has no 'version'", "add 'version:' with the version or the date the text was read")
    url = m.get("url")
    if url is not None and not (isinstance(url, str) and url.lower().startswith(("https://", "http://"))):
        reader.problem(m.line_of("url"), f"the url of source '{m['id']}' must be a web address", "start it with https:// (or http://)")
    return Source(
        id=str(m["id"]),
        title=title or Text("", ""),
        citation=reader.string(m, "citation", "a source"),
        url=reader.string(m, "url", "a source"),
        version=reader.string(m, "version", "a source"),
        note=reader.text(m, "note", f"source '{m['id']}'", required=False),
        origin=reader.origin(m),
    )


def _choices(reader: Reader, m: Located, what: str) -> tuple[Choice, ...]:
    choices = []
    for line, item in reader.items(m, "choices", "choices ('- id: …' with 'label:')"):
        c = reader.mapping(item, f"a choice of {what}", line)
        if c is None or not reader.keys(c, f"a choice of {what}", ("id", "label"), ("exclusive",)):
            continue
        if isinstance(c["id"], bool):
            reader.problem(c.line_of("id"), f"choice id {c['id']!r} of {what} was read as a boolean", "quote it: id: 'yes'")
            continue
        label = reader.text(c, "label", f"choice '{c['id']}' of {what}")
        exclusive = c.get("exclusive", False)
        if not isinstance(exclusive, bool):
            reader.problem(c.line_of("exclusive"), f"'exclusive' of choice '{c['id']}' must be true or false", "write 'exclusive: true'")
            exclusive = False
        elif exclusive and m.get("type") != "multichoice":
            reader.problem(c.line_of("exclusive"), f"only choices of a multichoice can be exclusive ({what})", "remove 'exclusive'")
        choices.append(Choice(str(c["id"]), label or Text("", ""), exclusive))
    return tuple(choices)


def _fact_type(reader: Reader, m: Located, what: str) -> str:
    kind = m.get("type")
    if kind not in FACT_TYPES:
        from engine.problems import did_you_mean

        hint = did_you_mean(kind, FACT_TYPES) or f"use one of: {', '.join(FACT_TYPES)}"
        reader.problem(m.line_of("type"), f"unknown type '{kind}' for {what}", hint)
        return "choice"
    if kind in ("choice", "multichoice") and not m.get("choices"):
        reader.problem(m.line, f"{what} is a {kind} but has no 'choices'", "add 'choices:' with '- id:' and 'label:' for each value")
    if kind in ("boolean", "number") and m.get("choices"):
        reader.problem(
            m.line_of("choices"), f"{what} is a {kind} and cannot have 'choices'", "remove 'choices' or change the type to choice"
        )
    return kind


def _question(reader: Reader, node, line: int, module: str) -> Question | None:
    m = reader.mapping(node, "a question", line)
    # 'text' is checked by reader.text below: a question without it still exists, so rules
    # reading it raise no second error
    optional = ("text", "short", "help", "choices", "ask_if", "definitions", "sources", "unit")
    if m is None or not reader.keys(m, "a question", ("id", "type"), optional):
        return None
    qid = str(m["id"])
    what = f"question '{qid}'"
    if not qid.startswith(module + "."):
        reader.problem(
            m.line_of("id"), f"question id '{qid}' does not start with its module '{module}.'", f"call it '{module}.{qid.split('.')[-1]}'"
        )
    ask_if = parse_condition(reader, m["ask_if"], m.line_of("ask_if")) if "ask_if" in m else None
    definitions = []
    for dline, item in reader.items(m, "definitions", "definitions"):
        d = reader.mapping(item, f"a definition in {what}", dline)
        if d is None or not reader.keys(d, f"a definition in {what}", ("term", "meaning"), ("source",)):
            continue
        src = reader.source_ref(d["source"], d.line_of("source"), what) if "source" in d else None
        definitions.append(Definition(reader.text(d, "term", what) or Text("", ""), reader.text(d, "meaning", what) or Text("", ""), src))
    return Question(
        id=qid,
        module=module,
        type=_fact_type(reader, m, what),
        text=reader.text(m, "text", what) or Text("", ""),
        short=reader.text(m, "short", what, required=False),
        help=reader.text(m, "help", what, required=False),
        choices=_choices(reader, m, what),
        ask_if=ask_if,
        definitions=tuple(definitions),
        sources=reader.source_refs(m, "sources", what),
        unit=reader.string(m, "unit", what),
        origin=reader.origin(m),
    )


def _module(kb: KnowledgeBase, reader: Reader, doc: Located, folder: str) -> None:
    if not reader.keys(
        doc, "a module file", ("module", "title", "goals"), ("intro", "conclusions", "inputs", "version", "handover", "audience")
    ):
        return
    mid = str(doc["module"])
    if mid != folder:
        reader.problem(doc.line_of("module"), f"module '{mid}' does not match its folder 'rules/{folder}'", f"write 'module: {folder}'")
    goals = doc.get("goals")
    if not isinstance(goals, LocatedList) or not goals:
        reader.problem(doc.line_of("goals"), "'goals' must list the conclusions this module decides", "write '- module.fact' lines")
        goals = []
    for line, item in reader.items(doc, "conclusions", "conclusions"):
        c = reader.mapping(item, "a conclusion", line)
        if c is None or not reader.keys(
            c, "a conclusion", ("id", "type", "text"), ("choices", "resolve", "resolve_because", "resolve_sources")
        ):
            continue
        what = f"conclusion '{c['id']}'"
        resolve = str(c.get("resolve", "priority"))
        if resolve not in ("priority", "highest"):
            reader.problem(
                c.line_of("resolve"),
                f"unknown resolve '{resolve}' for {what}",
                "use 'priority' (highest rule priority wins) or 'highest' (the value listed last wins)",
            )
        _add(
            kb.conclusions,
            ConclusionType(
                id=str(c["id"]),
                module=folder,
                type=_fact_type(reader, c, what),
                text=reader.text(c, "text", what) or Text("", ""),
                choices=_choices(reader, c, what),
                resolve=resolve,
                resolve_because=reader.text(c, "resolve_because", what, required=False),
                resolve_sources=reader.source_refs(c, "resolve_sources", what),
                origin=reader.origin(c),
            ),
            reader,
            "conclusion",
        )
    if mid in kb.modules:
        reader.problem(doc.line, f"module '{mid}' is defined twice", "keep one module.yaml per module")
        return
    kb.modules[mid] = Module(
        id=mid,
        title=reader.text(doc, "title", f"module '{mid}'") or Text(mid, mid),
        intro=reader.text(doc, "intro", f"module '{mid}'", required=False) or Text("", ""),
        audience=_audience(reader, doc),
        goals=tuple(str(g) for g in goals),
        inputs=tuple(str(i) for _, i in reader.items(doc, "inputs", "facts of other guides")),
        origin=reader.origin(doc, "goals"),
        version=reader.string(doc, "version", f"module '{mid}'"),
        handovers=_handovers(reader, doc),
    )


def _audience(reader: Reader, doc: Located) -> str:
    audience = doc.get("audience", "public")
    if audience not in AUDIENCES:
        reader.problem(doc.line_of("audience"), f"unknown audience {audience!r}", f"use one of: {', '.join(AUDIENCES)}")
        return "public"
    return audience


def _handovers(reader: Reader, doc: Located) -> tuple[Handover, ...]:
    found = (_handover(reader, item, line) for line, item in reader.items(doc, "handover", "handovers ('- from: module')"))
    return tuple(h for h in found if h is not None)


def _handover(reader: Reader, node, line: int) -> Handover | None:
    """One `handover:` item: `from` (a module), optional `when` (a condition on that module's
    facts) and `answers` (`- from: fact`, `to: question`, optional `values: {old: new}`).
    Cross-references are checked in engine.handover.validate_handovers."""
    m = reader.mapping(node, "a handover", line)
    if m is None or not reader.keys(m, "a handover", ("from", "answers"), ("when",)):
        return None
    when = parse_condition(reader, m["when"], m.line_of("when")) if "when" in m else None
    mappings = []
    for aline, item in reader.items(m, "answers", "answers to carry over ('- from: fact' with 'to: question')"):
        a = reader.mapping(item, "an answer of a handover", aline)
        if a is None or not reader.keys(a, "an answer of a handover", ("from", "to"), ("values",)):
            continue
        values = None
        if "values" in a:
            vmap = reader.mapping(a["values"], f"'values' of the handover of '{a['from']}'", a.line_of("values"))
            if vmap is None:
                continue
            pairs = []
            for old, new in vmap.items():
                if isinstance(old, bool) or isinstance(new, bool):
                    bad = old if isinstance(old, bool) else new
                    reader.problem(vmap.line_of(old), f"value {bad!r} in 'values' was read as a boolean", "quote it: 'yes': 'yes'")
                    continue
                pairs.append((str(old), str(new)))
            values = tuple(pairs)
        values_origin = reader.origin(a, "values") if "values" in a else None
        mappings.append(AnswerMapping(str(a["from"]), str(a["to"]), values, reader.origin(a), values_origin))
    if "when" in m and when is None:
        return None
    return Handover(str(m["from"]), when, tuple(mappings), reader.origin(m))


def _rule(reader: Reader, node, line: int, module: str) -> Rule | None:
    m = reader.mapping(node, "a rule", line)
    if m is None or not reader.keys(m, "a rule", ("id", "title", "when", "then", "because", "sources"), ("priority", "note_for_advisors")):
        return None
    rid = str(m["id"])
    what = f"rule '{rid}'"
    when = parse_condition(reader, m["when"], m.line_of("when"))
    then = reader.mapping(m["then"], f"'then' of {what}", m.line_of("then"))
    conclude, recommend = (), ()
    if then is not None and reader.keys(then, f"'then' of {what}", (), ("conclude", "recommend")):
        if not then:
            reader.problem(then.line, f"{what} concludes and recommends nothing", "add 'conclude:' or 'recommend:'")
        conc = then.get("conclude", {})
        conc_map = reader.mapping(conc, f"'conclude' of {what}", then.line_of("conclude")) if conc != {} else Located()
        conclude = tuple((str(k), _frozen(v)) for k, v in (conc_map or {}).items())
        recs = []
        for rline, item in reader.items(then, "recommend", "recommendations ('- id:' and 'text:')"):
            r = reader.mapping(item, f"a recommendation of {what}", rline)
            if r is None or not reader.keys(r, f"a recommendation of {what}", ("id", "text"), ()):
                continue
            recs.append(Recommendation(str(r["id"]), reader.text(r, "text", f"recommendation '{r['id']}'") or Text("", "")))
        recommend = tuple(recs)
    sources = reader.source_refs(m, "sources", what)
    if not sources:
        reader.problem(m.line_of("sources"), f"{what} names no source", "add '- source: id' with a 'pinpoint:' (article, section)")
    priority = m.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        reader.problem(m.line_of("priority"), f"priority of {what} must be a whole number", "write e.g. 'priority: 10'")
        priority = 0
    note = m.get("note_for_advisors", "")
    if not isinstance(note, str) or ("note_for_advisors" in m and not note.strip()):
        reader.problem(
            m.line_of("note_for_advisors"),
            f"'note_for_advisors' of {what} must be a plain text",
            "write one line of text for advisors (it is never shown to users), or remove the key",
        )
        note = ""
    elif note.strip():
        reader.problem(m.line_of("note_for_advisors"), f"note for advisors on {what}: {note.strip()}", "", "note")
    if when is None or then is None:
        return None
    return Rule(
        id=rid,
        module=module,
        title=reader.text(m, "title", what) or Text("", ""),
        when=when,
        conclude=conclude,
        recommend=recommend,
        because=reader.text(m, "because", what) or Text("", ""),
        sources=sources,
        priority=priority,
        origin=Origin(reader.name, m.line),
        note_for_advisors=note.strip(),
    )


def _frozen(value):
    return frozenset(value) if isinstance(value, list) else value


def _test_case(reader: Reader, node, line: int, module: str, defaults: Located) -> TestCase | None:
    m = reader.mapping(node, "a test case", line)
    optional = ("description", "rules_fired", "sources_cited", "complete", "source", "citation", "confidence", "note", "as_of")
    if m is None or not reader.keys(m, "a test case", ("id", "answers", "expected"), optional):
        return None
    answers = reader.mapping(m["answers"], f"'answers' of case '{m['id']}'", m.line_of("answers"))
    expected = reader.mapping(m["expected"], f"'expected' of case '{m['id']}'", m.line_of("expected"))
    if answers is None or expected is None:
        return None
    complete = m.get("complete", defaults.get("complete"))
    as_of = None
    if "as_of" in m or "as_of" in defaults:
        where = m if "as_of" in m else defaults
        as_of, error = parse_date("as_of", where["as_of"])
        if error:
            reader.problem(where.line_of("as_of"), f"'as_of' of case '{m['id']}' must be a date", "write it as YYYY-MM-DD, e.g. 2026-12-01")
    return TestCase(
        id=str(m["id"]),
        module=module,
        description=reader.string(m, "description", "a test case"),
        answers=answers,
        expected=expected,
        rules_fired=tuple(str(r) for r in m.get("rules_fired") or ()),
        sources_cited=tuple(str(s) for s in m.get("sources_cited") or ()),
        complete=complete if isinstance(complete, bool) else None,
        as_of=as_of,
        source=reader.string(m, "source", "a test case") or reader.string(m, "citation", "a test case"),
        origin=Origin(reader.name, m.line),
    )
