"""Strict validation of YAML files with every problem reported at once, as `file:line:col: message`.

Why not a generic schema library: we need the exact line and column of every offending key
and value, and all problems in one pass. PyYAML's composer gives node positions, so the
checkers here walk the node tree (not the loaded dicts) and collect problems instead of
raising at the first one (the failure mode of pygame_gui's theme files that we avoid).

A schema is built from small checker objects (`Int`, `Str`, `Record`, ...); each `check`
returns the Python value, or `INVALID` after recording a problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class _Invalid:
    """Marker for a value that failed validation (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # 1-based
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ConfigError(Exception):
    """One or more problems in a layout, scenario or device file."""

    def __init__(self, problems: list[Problem], sources: dict[str, str] | None = None) -> None:
        self.problems = problems
        self.sources = sources or {}
        super().__init__("\n".join(str(p) for p in problems))

    def report(self, context: bool = True) -> str:
        """Every problem, each with the offending line and a caret under the column."""
        out: list[str] = []
        for p in self.problems:
            out.append(str(p))
            text = self.sources.get(p.path)
            if context and text is not None:
                lines = text.splitlines()
                if 1 <= p.line <= len(lines):
                    out.append(f"    {lines[p.line - 1]}")
                    out.append("    " + " " * (p.col - 1) + "^")
        return "\n".join(out)


@dataclass
class Context:
    """Collects problems for one file."""

    path: str
    base_dir: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: Node, message: str) -> Any:
        mark = node.start_mark
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))
        return INVALID


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = _scalar(node)
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__.replace('str', 'string').replace('bool', 'boolean')} {node.value!r}"


def _scalar(node: Node) -> Any:
    """The Python value of a scalar node, using PyYAML's safe constructors."""
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class Checker:
    """Validates one node and returns its Python value (or INVALID)."""

    what: str = "value"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        raise NotImplementedError


class Scalar(Checker):
    def scalar(self, node: Node, ctx: Context, name: str) -> Any:
        if not isinstance(node, ScalarNode):
            return ctx.error(node, f"expected {self.what} for {name!r}, got {_kind(node)}")
        return _scalar(node)


@dataclass
class Int(Scalar):
    min: int | None = None
    max: int | None = None
    what: str = "an integer"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = self.scalar(node, ctx, name)
        if value is INVALID:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            return ctx.error(node, f"expected an integer for {name!r}, got {_kind(node)}")
        return _in_range(value, self.min, self.max, node, ctx, name)


@dataclass
class Float(Scalar):
    min: float | None = None
    max: float | None = None
    what: str = "a number"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = self.scalar(node, ctx, name)
        if value is INVALID:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ctx.error(node, f"expected a number for {name!r}, got {_kind(node)}")
        return _in_range(float(value), self.min, self.max, node, ctx, name)


def _in_range(value: Any, lo: Any, hi: Any, node: Node, ctx: Context, name: str) -> Any:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"between {lo} and {hi}" if lo is not None and hi is not None else (
            f"at least {lo}" if lo is not None else f"at most {hi}")
        return ctx.error(node, f"{name!r} must be {bounds}, got {node.value}")
    return value


@dataclass
class Bool(Scalar):
    what: str = "true or false"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = self.scalar(node, ctx, name)
        if value is INVALID:
            return value
        if not isinstance(value, bool):
            return ctx.error(node, f"expected true or false for {name!r}, got {_kind(node)}")
        return value


@dataclass
class Str(Scalar):
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    pattern_help: str = ""
    max_len: int | None = None
    what: str = "a string"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = self.scalar(node, ctx, name)
        if value is INVALID:
            return value
        if not isinstance(value, str):
            # Numbers are fine as text ("2" as a street number); anything else is a mistake.
            if isinstance(value, int | float) and not isinstance(value, bool) and self.choices is None:
                value = str(node.value)
            else:
                return ctx.error(node, f"expected a string for {name!r}, got {_kind(node)}")
        if self.choices is not None and value not in self.choices:
            return ctx.error(node, f"unknown {name} {value!r} (expected one of: {', '.join(self.choices)})"
                             + suggest(value, self.choices))
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return ctx.error(node, f"{name!r} must be {self.pattern_help or self.pattern}, got {value!r}")
        if self.max_len is not None and len(value) > self.max_len:
            return ctx.error(node, f"{name!r} is {len(value)} characters long; at most {self.max_len} allowed")
        return value


@dataclass
class Color(Str):
    pattern: str | None = r"#[0-9A-Fa-f]{6}"
    pattern_help: str = "a colour like '#3CFA44'"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is INVALID:
            return value
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))


@dataclass
class FileRef(Str):
    """A file that must exist, searched under `roots` (then the YAML file's folder, then cwd)."""

    roots: tuple[Path, ...] = ()
    kind: str = "file"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is INVALID:
            return value
        from hud import paths

        roots = (*self.roots, ctx.base_dir)
        found = paths.find(value, *roots)
        if found is None:
            return ctx.error(node, f"missing {self.kind}: " + paths.describe_search(value, *roots))
        return found


@dataclass
class List(Checker):
    item: Checker
    min_len: int = 0
    max_len: int | None = None
    what: str = "a list"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        if not isinstance(node, SequenceNode):
            return ctx.error(node, f"expected a list for {name!r}, got {_kind(node)}")
        n = len(node.value)
        if n < self.min_len or (self.max_len is not None and n > self.max_len):
            want = (f"exactly {self.min_len}" if self.min_len == self.max_len
                    else f"at least {self.min_len}" if self.max_len is None
                    else f"{self.min_len} to {self.max_len}")
            return ctx.error(node, f"{name!r} needs {want} items, got {n}")
        values = [self.item.check(child, ctx, name) for child in node.value]
        return INVALID if any(v is INVALID for v in values) else values


@dataclass
class Either(Checker):
    """The first alternative whose shape matches the node (scalar vs list vs mapping)."""

    scalar: Checker | None = None
    sequence: Checker | None = None
    what: str = "a value"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        if isinstance(node, SequenceNode) and self.sequence is not None:
            return self.sequence.check(node, ctx, name)
        if isinstance(node, ScalarNode) and self.scalar is not None:
            return self.scalar.check(node, ctx, name)
        return ctx.error(node, f"expected {self.what} for {name!r}, got {_kind(node)}")


@dataclass
class Field:
    checker: Checker
    required: bool = False
    default: Any = None


def mapping_items(node: Node, ctx: Context, name: str) -> list[tuple[ScalarNode, Node]] | None:
    """The (key, value) node pairs of a mapping, reporting non-mappings and duplicate keys."""
    if not isinstance(node, MappingNode):
        ctx.error(node, f"expected a mapping for {name!r}, got {_kind(node)}")
        return None
    seen: set[str] = set()
    items: list[tuple[ScalarNode, Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            ctx.error(key_node, f"keys in {name!r} must be plain names")
            continue
        key = str(key_node.value)
        if key in seen:
            ctx.error(key_node, f"duplicate key {key!r} in {name!r}")
            continue
        seen.add(key)
        items.append((key_node, value_node))
    return items


@dataclass
class Record(Checker):
    """A mapping with known keys; unknown keys, missing required keys and bad values are all reported."""

    fields: dict[str, Field]
    name: str = "mapping"
    build: Callable[[dict[str, Any]], Any] | None = None
    what: str = "a mapping"
    #: Checks across fields (e.g. events within the duration), given the values (some may be
    #: INVALID or missing), their nodes and the mapping's node; returns False after recording a problem.
    post: Callable[[dict[str, Any], dict[str, Node], Context, Node], bool] | None = None

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        items = mapping_items(node, ctx, name)
        if items is None:
            return INVALID
        return self.check_items(node, items, ctx)

    def check_items(self, node: Node, items: list[tuple[ScalarNode, Node]], ctx: Context,
                    skip: tuple[str, ...] = ()) -> Any:
        values: dict[str, Any] = {}
        ok = True
        for key_node, value_node in items:
            key = str(key_node.value)
            if key in skip:
                continue
            spec = self.fields.get(key)
            if spec is None:
                ctx.error(key_node, f"unknown key {key!r} in {self.name} (expected one of: "
                          f"{', '.join(self.fields)})" + suggest(key, self.fields))
                ok = False
                continue
            value = spec.checker.check(value_node, ctx, key)
            ok = ok and value is not INVALID
            values[key] = value
        for key, spec in self.fields.items():
            if key not in values and key not in skip:
                if spec.required:
                    ctx.error(node, f"missing required key {key!r} in {self.name}")
                    ok = False
                else:
                    values[key] = spec.default
        if self.post is not None:  # runs even after field problems, so all problems come at once
            ok = self.post(values, {str(k.value): v for k, v in items}, ctx, node) and ok
        if not ok:
            return INVALID
        return self.build(values) if self.build else values


@dataclass
class Tagged(Checker):
    """A mapping whose `tag` key picks the Record that checks the rest (widget kinds, event types)."""

    tag: str
    variants: dict[str, Record]
    name: str = "item"
    what: str = "a mapping"
    common: tuple[str, ...] = ()

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        items = mapping_items(node, ctx, name)
        if items is None:
            return INVALID
        tag_node = next((v for k, v in items if k.value == self.tag), None)
        if tag_node is None:
            return ctx.error(node, f"missing required key {self.tag!r} in {self.name} "
                             f"(one of: {', '.join(self.variants)})")
        if not isinstance(tag_node, ScalarNode) or str(tag_node.value) not in self.variants:
            value = str(getattr(tag_node, "value", ""))
            what = self.name if self.name == self.tag else f"{self.name} {self.tag}"
            return ctx.error(tag_node, f"unknown {what} {value!r} (expected one of: "
                             f"{', '.join(self.variants)})" + suggest(value, self.variants))
        record = self.variants[str(tag_node.value)]
        return record.check_items(node, items, ctx, skip=(self.tag, *self.common))


def compose(path: Path) -> tuple[Node | None, str, list[Problem]]:
    """Parse YAML into a node tree; syntax errors become problems with their position."""
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "", [Problem(display, 1, 1, "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, "", [Problem(display, 1, 1, f"cannot read file: {exc}")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # Point at where the broken construct starts (an unclosed quote), not where it was noticed.
        mark = exc.context_mark or exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context and exc.problem_mark is not None:
            found = exc.problem_mark
            what = f"{exc.context}: {what} (at {found.line + 1}:{found.column + 1})"
        return None, text, [Problem(display, line, col, f"YAML syntax error: {what}")]
    if node is None:
        return None, text, [Problem(display, 1, 1, "file is empty")]
    return node, text, []


def load(path: str | Path, checker: Checker, name: str) -> Any:
    """Validate the YAML file at `path` against `checker`; raise ConfigError with every problem."""
    path = Path(path)
    node, text, problems = compose(path)
    ctx = Context(str(path), path.resolve().parent, problems)
    value = INVALID if node is None else checker.check(node, ctx, name)
    if ctx.problems or value is INVALID:
        raise ConfigError(sorted(ctx.problems, key=lambda p: (p.line, p.col)), {str(path): text})
    return value
