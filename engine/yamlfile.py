"""Read YAML safely and keep the line of every mapping key and list item.

PyYAML's safe loader never constructs arbitrary objects, so nothing in a knowledge-base
file can run as code. Line numbers let every later check say exactly where a problem is.
"""

from __future__ import annotations

from pathlib import Path

import yaml

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


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def parse_yaml(text: str, name: str):
    """Parse YAML text; raise YamlError naming the file and line on a syntax error."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or str(exc)
        raise YamlError(
            Problem(
                name,
                line,
                f"this is not valid YAML ({what})",
                "check indentation and that text with ':' or '#' is quoted",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(name, 0, f"this is not valid YAML ({exc})", "fix the syntax")) from None


def read_yaml(path: Path, name: str):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(Problem(name, 0, "the file is not UTF-8 text", "save it as UTF-8")) from None
    except OSError as exc:
        raise YamlError(Problem(name, 0, f"cannot read the file ({exc.strerror})", "check the path")) from None
    return parse_yaml(text, name)
