"""Strict validation of YAML files with every problem reported at once, as `file:line:col: message`.

Why not a generic schema library: we need the exact line and column of every offending key
and value, and all problems in one pass. PyYAML's composer gives node positions, so the
checkers here walk the node tree (not the loaded dicts) and collect problems instead of
raising at the first one (the failure mode of pygame_gui's theme files that we avoid).

A schema is built from small checker objects (`Int`, `Str`, `Record`, ...); each `check`
returns the Python value, or `INVALID` after recording a problem.

The rule at this boundary: a file is either accepted (and then renders) or refused with located
problems; no other exception escapes. So the edge is defensive, and has limits, each reported as a
problem that names it:

* `MAX_FILE_BYTES` (1 MiB): only regular files are read (a FIFO or `/dev/zero` is refused before it
  is opened for reading), and at most this many bytes of them. The bundled files are under 5 kB.
* `MAX_DEPTH` (64): lists and mappings nested deeper than this. The bundled files nest 4 deep.
* `MAX_ALIASES` (100): alias references (`*name`) in one file; nothing expands them, but a file
  built as a billion-laughs bomb is refused rather than handed to anyone who might.
* `MAX_ITEMS` (10,000): items in one list or mapping.
* `MAX_VALUES` (100,000): values (scalars, lists and mappings) in one file, counted while parsing, so
  a megabyte of `[1,1,1,...` is refused in a fraction of a second rather than composed in seconds.
* `MAX_TEXT_CHARS` (10,000): characters in a string without a tighter limit of its own.
* `MAX_NUMBER_CHARS` (100): characters in a number (a 5,000-digit integer costs quadratic time).

Text must be printable: control characters (other than tab and newline), lone surrogates and
non-characters are refused, in the file and in the values its escapes make, since they cannot be
encoded or render as boxes. Numbers must be finite. Tags other than YAML's plain ones
(`!!python/...`, `!custom`, `!!binary`, ...) are refused at the node. Parsing uses libyaml's
C loader when PyYAML has it (about 20x faster; the node positions are the same).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Files are read and parsed in hud.yaml_source and checked here; its public names stay reachable here.
from hud.yaml_source import LOADER as LOADER
from hud.yaml_source import MAX_ALIASES as MAX_ALIASES
from hud.yaml_source import MAX_DEPTH as MAX_DEPTH
from hud.yaml_source import MAX_FILE_BYTES as MAX_FILE_BYTES
from hud.yaml_source import MAX_ITEMS as MAX_ITEMS
from hud.yaml_source import MAX_VALUES as MAX_VALUES
from hud.yaml_source import Problem as Problem
from hud.yaml_source import char_name, clamp
from hud.yaml_source import compose as compose

MAX_TEXT_CHARS = 10_000
MAX_NUMBER_CHARS = 100
#: Problems listed for one file; the rest are counted in the last line.
MAX_PROBLEMS = 100


class _Invalid:
    """Marker for a value that failed validation (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


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
                lines = text.split("\n")  # YAML's lines: the reader refuses every other line break
                if 1 <= p.line <= len(lines):
                    line, caret = excerpt(lines[p.line - 1], p.col)
                    out.append(f"    {line}")
                    out.append(f"    {caret}^")
        return "\n".join(out)


def shown_line(line: str, width: int = 200) -> str:
    """A source line as it can be printed: no carriage return, escapes for what is unprintable, cut short."""
    line = line.rstrip("\r")
    line = "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in line)
    return line if len(line) <= width else line[:width] + "…"


def excerpt(line: str, col: int, width: int = 160) -> tuple[str, str]:
    """A source line as it can be printed (escapes for what is unprintable, at most about `width`
    characters around column `col`), and the whitespace that puts a caret under that column."""
    line = line.rstrip("\r")
    start = max(0, min(col - 1 - width // 2, len(line) - width)) if len(line) > width else 0
    piece = line[start:start + width]

    def printable(c: str) -> str:
        return c if c.isprintable() or c == "\t" else repr(c)[1:-1]

    head = "…" if start else ""
    tail = "…" if start + width < len(line) else ""
    before = piece[:max(0, col - 1 - start)]
    caret = " " * len(head) + "".join("\t" if c == "\t" else " " * len(printable(c)) for c in before)
    return head + "".join(printable(c) for c in piece) + tail, caret


def shown(value: object, width: int = 60) -> str:
    """`repr(value)` short enough for a message (repr escapes control characters and surrogates)."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) <= width:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:width]}… ({size} characters)"


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


# -- scalars ----------------------------------------------------------------------------------
_YAML_TAG = "tag:yaml.org,2002:"
_SAFE = SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()
#: The scalar tags a file may use, and what a value of each must look like (for messages).
_BUILDERS: dict[str, tuple[Callable[[SafeConstructor, ScalarNode], Any], str]] = {
    "null": (SafeConstructor.construct_yaml_null, "null"),
    "bool": (SafeConstructor.construct_yaml_bool, "true or false"),
    "int": (SafeConstructor.construct_yaml_int, "an integer"),
    "float": (SafeConstructor.construct_yaml_float, "a number"),
    "str": (SafeConstructor.construct_yaml_str, "a string"),
    "timestamp": (SafeConstructor.construct_yaml_timestamp, "a valid date or time"),
}


def tag_name(tag: str) -> str:
    """A tag as written in YAML: `!!python/object`, `!custom`."""
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


def _implicit(node: ScalarNode) -> bool:
    """Whether the node's tag is the one its plain text resolves to (`2024-05-01`, not `!!timestamp x`)."""
    implicit: str = _RESOLVER.resolve(ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
    return node.tag == implicit


def construct(node: ScalarNode) -> tuple[Any, str | None]:
    """(the node's Python value, None), or (INVALID, why not): never raises."""
    tag = node.tag
    short = tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else ""
    if short in ("merge", "value") and _implicit(node):  # `<<` or `=` as a value: the text itself
        return node.value, None
    builder = _BUILDERS.get(short)
    if builder is None:
        return INVALID, (f"unsupported tag {tag_name(tag)!r} on {shown(node.value)}: only plain values, "
                         "lists and mappings are read")
    build, what = builder
    if short in ("int", "float") and len(node.value) > MAX_NUMBER_CHARS:
        return INVALID, f"a number of {len(node.value)} characters is too long (at most {MAX_NUMBER_CHARS})"
    try:
        return build(_SAFE, node), None
    except Exception:  # PyYAML's constructors raise KeyError, ValueError, AttributeError, ...
        if short == "timestamp":  # `2020-13-45` looks like a date, so YAML reads it as one
            return INVALID, f"{shown(node.value)} is not a valid date or time (like 2024-05-01); quote it if it is text"
        return INVALID, f"{shown(node.value)} is not {what} (tag {tag_name(tag)})"


def _scalar(node: ScalarNode, ctx: Context, name: str) -> Any:
    """The Python value of a scalar node, or INVALID after a problem at the node (bad tag or text)."""
    value, why = construct(node)
    if why is not None:
        return ctx.error(node, f"bad value for {name!r}: {why}")
    return value


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    assert isinstance(node, ScalarNode)
    value, why = construct(node)
    if why is not None:
        return f"{tag_name(node.tag)} {shown(node.value)}"
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__.replace('str', 'string').replace('bool', 'boolean')} {shown(node.value)}"


#: What text may not hold: C0 and C1 controls but tab and newline, DEL, surrogates, non-characters.
_UNPRINTABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
#: ... and what no font here draws, some of which pygame refuses to render alone ("Text has zero width"):
#: Unicode's default-ignorable code points (but the soft hyphen), line and paragraph separators, private use.
_INVISIBLE = ("\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
              "\u3164\ue000-\uf8ff\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
              "\U0001d173-\U0001d17a\U000e0000-\U0010ffff")
_NOT_SHOWN = re.compile(f"[{_UNPRINTABLE}{_INVISIBLE}]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be shown (a character that cannot be encoded or that no font draws), or None."""
    bad = _NOT_SHOWN.search(text)
    end = bad.start() if bad is not None else len(text)
    if not text.isascii():  # unassigned code points, in this Python's Unicode version
        index = next((i for i, c in enumerate(text[:end]) if unicodedata.category(c) == "Cn"), None)
        if index is not None:
            return f"{char_name(text[index])} at character {index + 1} cannot be shown"
    if bad is None:
        return None
    return f"{char_name(bad.group())} at character {bad.start() + 1} cannot be shown"


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
        return _scalar(node, ctx, name)


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
    """A finite number (NaN and infinities are refused: nothing downstream can draw them)."""

    min: float | None = None
    max: float | None = None
    what: str = "a number"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = self.scalar(node, ctx, name)
        if value is INVALID:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ctx.error(node, f"expected a number for {name!r}, got {_kind(node)}")
        if isinstance(value, float) and not math.isfinite(value):
            return ctx.error(node, f"expected a finite number for {name!r}, got {shown(node.value)}")
        value = _in_range(value, self.min, self.max, node, ctx, name)  # on the int: exact, cannot overflow
        return value if value is INVALID else float(value)


def _in_range(value: Any, lo: Any, hi: Any, node: Node, ctx: Context, name: str) -> Any:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"between {lo} and {hi}" if lo is not None and hi is not None else (
            f"at least {lo}" if lo is not None else f"at most {hi}")
        got = node.value if len(node.value) <= 60 else f"{node.value[:60]}… ({len(node.value)} characters)"
        return ctx.error(node, f"{name!r} must be {bounds}, got {got}")
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
    """Printable text; numbers written plainly are taken as their text ("2" as a street number)."""

    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    pattern_help: str = ""
    max_len: int | None = None  # None: MAX_TEXT_CHARS
    what: str = "a string"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = self.text(node, ctx, name)
        if value is INVALID:
            return value
        limit = self.max_len if self.max_len is not None else MAX_TEXT_CHARS
        if len(value) > limit:
            return ctx.error(node, f"{name!r} is {len(value)} characters long; at most {limit} allowed")
        bad = text_problem(value)
        if bad is not None:
            return ctx.error(node, f"{name!r}: {bad}")
        if self.choices is not None and value not in self.choices:
            return ctx.error(node, f"unknown {name} {shown(value)} (expected one of: {', '.join(self.choices)})"
                             + suggest(value, self.choices))
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return ctx.error(node, f"{name!r} must be {self.pattern_help or self.pattern}, got {shown(value)}")
        return value

    def text(self, node: Node, ctx: Context, name: str) -> Any:
        if (isinstance(node, ScalarNode) and self.choices is None and _implicit(node)
                and node.tag in (_YAML_TAG + "int", _YAML_TAG + "float")):
            return str(node.value)  # as written: never built, so 5,000 digits are text too
        value = self.scalar(node, ctx, name)
        if value is INVALID or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool) and self.choices is None:
            return str(node.value)  # an explicit `!!int 2`
        return ctx.error(node, f"expected a string for {name!r}, got {_kind(node)}")


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
    """A regular file that must exist, searched under `roots` (then the YAML file's folder, then cwd).

    `verify`, given the path found, returns why the file is unusable (not a font, not an image), or None.
    """

    roots: tuple[Path, ...] = ()
    kind: str = "file"
    max_len: int | None = 1000
    verify: Callable[[Path], str | None] | None = None

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is INVALID:
            return value
        from hud import paths

        roots = (*self.roots, ctx.base_dir)
        try:
            found = paths.find(value, *roots)
            odd = None if found else next((p for p in paths.candidates(value, *roots) if p.exists()), None)
        except (OSError, ValueError) as exc:  # a name too long for the file system, ...
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return ctx.error(node, f"cannot look for {self.kind} {shown(value)}: {why}")
        if found is None and odd is not None:
            return ctx.error(node, f"{self.kind} {shown(value)} is not a regular file ({odd})")
        if found is None:
            return ctx.error(node, f"missing {self.kind}: " + paths.describe_search(value, *roots))
        unusable = self.verify(found) if self.verify is not None else None
        if unusable is not None:
            return ctx.error(node, f"{self.kind} {shown(value)} cannot be used ({found}): {unusable}")
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
        if node.tag != _YAML_TAG + "seq":
            return ctx.error(node, f"unsupported tag {tag_name(node.tag)!r} on the list for {name!r}")
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


def _key_problem(key_node: Node, name: str) -> str | None:
    """Why a mapping key is not a plain name (a list, `<<`, a tagged value), or None."""
    if not isinstance(key_node, ScalarNode):
        return f"keys in {name!r} must be plain names, got {_kind(key_node)}"
    if key_node.tag == _YAML_TAG + "merge":
        return "merge keys ('<<') are not supported: write the keys out"
    explicit = key_node.tag != _YAML_TAG + "str" and not _implicit(key_node)  # `!!int 1: x`, `!custom k: x`
    if explicit or construct(key_node)[1] is not None:
        return f"keys in {name!r} must be plain names, got {tag_name(key_node.tag)} {shown(key_node.value)}"
    bad = text_problem(key_node.value)
    return None if bad is None else f"key {shown(key_node.value)}: {bad}"


def mapping_items(node: Node, ctx: Context, name: str) -> list[tuple[ScalarNode, Node]] | None:
    """The (key, value) node pairs of a mapping, reporting non-mappings, odd keys and duplicate keys."""
    if not isinstance(node, MappingNode):
        ctx.error(node, f"expected a mapping for {name!r}, got {_kind(node)}")
        return None
    if node.tag != _YAML_TAG + "map":
        ctx.error(node, f"unsupported tag {tag_name(node.tag)!r} on the mapping for {name!r}")
        return None
    seen: set[str] = set()
    items: list[tuple[ScalarNode, Node]] = []
    for key_node, value_node in node.value:
        why = _key_problem(key_node, name)
        if why is not None:
            ctx.error(key_node, why)
            continue
        key = str(key_node.value)
        if key in seen:
            ctx.error(key_node, f"duplicate key {shown(key)} in {name!r}")
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
                ctx.error(key_node, f"unknown key {shown(key)} in {self.name} (expected one of: "
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
        what = self.name if self.name == self.tag else f"{self.name} {self.tag}"
        if not isinstance(tag_node, ScalarNode) or construct(tag_node)[1] is not None:
            return ctx.error(tag_node, f"expected a {what} for {self.tag!r} (one of: {', '.join(self.variants)}), "
                             f"got {_kind(tag_node)}")
        value = str(tag_node.value)
        if value not in self.variants:
            return ctx.error(tag_node, f"unknown {what} {shown(value)} (expected one of: "
                             f"{', '.join(self.variants)})" + suggest(value, self.variants))
        return self.variants[value].check_items(node, items, ctx, skip=(self.tag, *self.common))


def load(path: str | Path, checker: Checker, name: str) -> Any:
    """Validate the YAML file at `path` against `checker`; raise ConfigError with every problem."""
    path = Path(path)
    node, text, problems = compose(path)
    try:
        base_dir = path.resolve().parent
    except (OSError, ValueError, RuntimeError):  # already reported by compose: nothing will be looked up
        base_dir = path.parent
    ctx = Context(str(path), base_dir, problems)
    value = INVALID if node is None else checker.check(node, ctx, name)
    if ctx.problems or value is INVALID:
        found = sorted((Problem(p.path, *clamp(text, p.line, p.col), p.message) for p in ctx.problems),
                       key=lambda p: (p.line, p.col))
        if len(found) > MAX_PROBLEMS:
            more = found[MAX_PROBLEMS]
            found = [*found[:MAX_PROBLEMS], Problem(more.path, more.line, more.col,
                                                    f"... and {len(ctx.problems) - MAX_PROBLEMS} more problems")]
        raise ConfigError(found, {str(path): text})
    return value
