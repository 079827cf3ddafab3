"""Small helpers the loader uses to read one YAML mapping into typed values.

Each helper records a `Problem` (with file, line and fix) instead of raising, so that one
`vagvisare check` run reports every mistake in a file, not just the first.
"""

from __future__ import annotations

from pathlib import Path

from engine.model import LANGUAGES, Origin, SourceRef, Text
from engine.problems import Problem, did_you_mean
from engine.yamlfile import Located, LocatedList, YamlError, read_yaml


class Reader:
    """Reads values out of the YAML of one file, collecting problems."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems

    def problem(self, line: int, message: str, fix: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(self.name, line, message, fix, severity))

    def origin(self, node, key=None) -> Origin:
        if key is not None and isinstance(node, Located):
            return Origin(self.name, node.line_of(key))
        return Origin(self.name, getattr(node, "line", 0))

    def mapping(self, node, what: str, line: int) -> Located | None:
        if isinstance(node, Located):
            return node
        self.problem(line, f"{what} must be a mapping of 'key: value' lines, not {_kind(node)}", "indent its keys under it")
        return None

    def items(self, node, key: str, what: str) -> list[tuple[int, object]]:
        """The items of the list under `key` with their lines ([] if missing or not a list)."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, LocatedList):
            self.problem(node.line_of(key), f"'{key}' must be a list of {what}", "start each item with '- '")
            return []
        return [(value.line_of(i), item) for i, item in enumerate(value)]

    def keys(self, node: Located, what: str, required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
        """Check the keys of a mapping: misspelt keys get a 'did you mean'. True if all required are there."""
        allowed = required + optional
        for key in node:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
                self.problem(node.line_of(key), f"unknown key '{key}' in {what}", hint)
        ok = True
        for key in required:
            if key not in node:
                self.problem(node.line, f"{what} has no '{key}'", f"add '{key}:'")
                ok = False
        return ok

    def string(self, node: Located, key: str, what: str, default: str = "") -> str:
        value = node.get(key, default)
        if value is None or isinstance(value, (dict, list, bool)):
            self.problem(node.line_of(key), f"'{key}' of {what} must be a text", "write a plain text, quoted if it contains ':'")
            return default
        return str(value)

    def text(self, node: Located, key: str, what: str, required: bool = True) -> Text | None:
        """A bilingual text: a mapping with `sv` and `en`."""
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"{what} has no '{key}'", f"add '{key}:' with 'sv:' and 'en:' texts")
            return None
        line = node.line_of(key)
        if not isinstance(value, Located):
            self.problem(line, f"'{key}' of {what} must give both languages", "write it as two lines 'sv: …' and 'en: …'")
            return None
        self.keys(value, f"'{key}' of {what}", LANGUAGES, ())
        texts = {}
        for lang in LANGUAGES:
            t = value.get(lang)
            if t is not None and (not isinstance(t, str) or not t.strip()):
                self.problem(value.line_of(lang), f"the {lang} text of '{key}' in {what} is empty or not text", "write the text")
            texts[lang] = str(t).strip() if isinstance(t, str) else ""
        return Text(texts["sv"], texts["en"])

    def source_ref(self, item, line: int, what: str) -> SourceRef | None:
        """`source-id` or a mapping `{source: id, pinpoint: 'art. 2(1)'}`."""
        if isinstance(item, str):
            return SourceRef(item)
        m = self.mapping(item, f"a source of {what}", line)
        if m is None or not self.keys(m, f"a source of {what}", ("source",), ("pinpoint",)):
            return None
        return SourceRef(str(m["source"]), str(m.get("pinpoint", "") or ""))

    def source_refs(self, node: Located, key: str, what: str) -> tuple[SourceRef, ...]:
        found = (self.source_ref(item, line, what) for line, item in self.items(node, key, "sources ('- source: id' with 'pinpoint:')"))
        return tuple(ref for ref in found if ref is not None)


def read_document(
    path: Path, name: str, problems: list[Problem], empty_fix: str = "add content or delete the file"
) -> tuple[Located | None, Reader]:
    """The top mapping of one knowledge-base file and a Reader for it. None (with the problem
    recorded) when the file is not readable YAML, is empty (a warning) or is not a mapping.
    Every loader of the knowledge base (rules, registers, scenarios, the pathway) starts here."""
    reader = Reader(name, problems)
    try:
        data = read_yaml(path, name)
    except YamlError as exc:
        problems.append(exc.problem)
        return None, reader
    if data is None:
        reader.problem(0, "the file is empty", empty_fix, "warning")
        return None, reader
    return reader.mapping(data, "the file", 1), reader


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text '{value}'"
    if value is None:
        return "nothing"
    return f"the value {value!r}"
