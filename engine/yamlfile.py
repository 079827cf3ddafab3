"""Read YAML safely and keep the line of every mapping key and list item.

PyYAML's safe loader never constructs arbitrary objects, so nothing in a knowledge-base
file can run as code. Line numbers let every later check say exactly where a problem is.

Hostile files are refused before they can cost much: a file larger than the caller's
limit, anchors and aliases (`&a`, `*a`: a few hundred bytes of nested aliases expand to
gigabytes), mapping keys that are lists or mappings, and nesting too deep to read.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from engine.errors import VagvisareError
from engine.problems import Problem


class Located(dict):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A list that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that returns Located / LocatedList instead of dict / list.

    The C parser (libyaml) when PyYAML has it: the same safe constructors and line marks,
    several times faster than the pure-Python scanner, which dominated loading."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain text, not a list or mapping", key_node.start_mark)
        if key in result:
            # Duplicate keys silently overwrite in plain YAML; an advisor must hear about it.
            raise yaml.constructor.ConstructorError(None, None, f"the key '{key}' appears twice in this mapping", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    """An unquoted date; an impossible one (2026-13-01) is a problem at its line, not a crash."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, f"'{str(node.value)[:40]}' is not a real date", node.start_mark) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlError(VagvisareError):
    """A file that is not readable, safe YAML; carries one problem naming the file and line."""

    @property
    def problem(self) -> Problem:
        return self.problems[0]


#: A knowledge-base file larger than this is refused (the largest shipped file is ~50 kB).
MAX_FILE_BYTES = 4_000_000

_MAYBE_ALIAS = re.compile(r"[&*][^\s,\]}]")


def _refuse_aliases(text: str, name: str) -> None:
    """Anchors and aliases are refused: the cheap text test first, the parser's events to be sure."""
    if not _MAYBE_ALIAS.search(text):
        return
    for event in yaml.parse(text, Loader=_LineLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1
            raise YamlError(
                Problem(name, line, "anchors and aliases (& and *) are not allowed here", "write the value out in full where it is needed")
            )


def parse_yaml(text: str, name: str, max_bytes: int = MAX_FILE_BYTES):
    """Parse YAML text; raise YamlError naming the file and line on a syntax error or a refused file."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise YamlError(Problem(name, 0, f"the file is larger than {_size(max_bytes)}", "split it or remove what is not needed"))
    try:
        _refuse_aliases(text, name)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or str(exc)
        if "nesting depth" in what:
            raise YamlError(Problem(name, line, "the file is nested too deeply to read", "flatten the lists and mappings")) from None
        if "is not a real date" in what:
            raise YamlError(Problem(name, line, what, "write a real date as YYYY-MM-DD")) from None
        raise YamlError(
            Problem(
                name,
                line,
                f"this is not valid YAML ({what[:80]})",
                "check indentation and that text with ':' or '#' is quoted",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(name, 0, f"this is not valid YAML ({str(exc)[:80]})", "fix the syntax")) from None
    except RecursionError:
        raise YamlError(Problem(name, 0, "the file is nested too deeply to read", "flatten the lists and mappings")) from None


def read_bytes(path: Path, name: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a file (or of standard input for '-' given as a stream), refusing more than `max_bytes`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError(Problem(name, 0, f"cannot read the file ({exc.strerror or exc})", "check the path")) from None
    return decode(data, name, max_bytes)


def decode(data: bytes, name: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    if len(data) > max_bytes:
        raise YamlError(Problem(name, 0, f"the file is larger than {_size(max_bytes)}", "split it or remove what is not needed"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise YamlError(Problem(name, 0, "the file is not UTF-8 text", "save it as UTF-8")) from None


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1000} kB"


def read_yaml(path: Path, name: str, max_bytes: int = MAX_FILE_BYTES):
    return parse_yaml(read_bytes(path, name, max_bytes), name, max_bytes)
