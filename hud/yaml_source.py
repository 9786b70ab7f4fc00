"""Reading a YAML file into a node tree, within limits, with every refusal a located `Problem`.

Why apart from the checkers (`hud.schema`): this is the part that touches the disk and the parser.
Only a regular UTF-8 file of at most `MAX_FILE_BYTES` is read (a FIFO or `/dev/zero` is refused
before it is opened for reading); characters YAML forbids are reported where they stand; parsing
uses libyaml's C loader when PyYAML has it (about 20x faster, the same node positions); and the
tree's depth, aliases, collection sizes and value count are capped. `hud.schema` documents each limit.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_ITEMS = 10_000
MAX_VALUES = 100_000
LOADER: type = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # 1-based
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


_NAMES = {"\0": "NUL", "\a": "BEL", "\b": "backspace", "\x1b": "ESC", "\x7f": "DEL", "\r": "carriage return",
          "\x0b": "vertical tab", "\x0c": "form feed", "\x85": "next line (NEL)"}


def char_name(c: str) -> str:
    """`control character U+0007 (BEL)`, `format character U+200B (zero width space)`, ..."""
    category = unicodedata.category(c)
    kind = {"Cc": "control character", "Cs": "lone surrogate", "Co": "private-use character",
            "Cf": "format character", "Zl": "line separator", "Zp": "paragraph separator"}.get(category)
    if kind is None:
        kind = "non-character" if category == "Cn" and (ord(c) & 0xFFFE == 0xFFFE or "\ufdd0" <= c <= "\ufdef") \
            else "unassigned character" if category == "Cn" else "invisible character"
    name = _NAMES.get(c) or unicodedata.name(c, "").lower()
    return f"{kind} U+{ord(c):04X}" + (f" ({name})" if name and category not in ("Zl", "Zp") else "")


# -- files ------------------------------------------------------------------------------------
def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character `index` of `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def clamp(text: str, line: int, col: int) -> tuple[int, int]:
    """A position inside `text` (libyaml puts the end of a file without a final newline on the line after)."""
    lines = text.split("\n")
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, min(col, len(lines[line - 1]) + 1)


def read(path: Path) -> tuple[str, list[Problem]]:
    """The file's text and no problems; or why it is refused (with what text there is, for the report).

    Only a regular UTF-8 file of at most MAX_FILE_BYTES is read.
    """
    display = str(path)

    def refuse(message: str, line: int = 1, col: int = 1, text: str = "") -> tuple[str, list[Problem]]:
        return text, [Problem(display, line, col, message)]

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # checked first: opening a FIFO would wait for a writer
            return refuse("not a regular file (a folder, device or pipe): only regular files are read")
        # Non-blocking, and checked again on the open file, in case the path was replaced meanwhile.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return refuse("not a regular file (a folder, device or pipe): only regular files are read")
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return refuse("file not found")
    except (OSError, ValueError) as exc:
        return refuse(f"cannot read file: {exc}")
    if len(data) > MAX_FILE_BYTES:
        return refuse(f"file is larger than the limit of {MAX_FILE_BYTES} bytes (1 MiB) for a YAML file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        return refuse(f"not UTF-8 text: byte 0x{data[exc.start]:02X} cannot be decoded (save the file as UTF-8)",
                      line, col, data.decode("utf-8", "replace").removeprefix("\ufeff"))
    return text.removeprefix("\ufeff"), []  # editors hide the byte-order mark: columns count without it


#: What YAML refuses in a file (its printable set, minus the line breaks we do not count lines by).
_NOT_IN_FILE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\r(?!\n)")


def _unprintable(text: str, display: str) -> list[Problem]:
    """A problem at each character a YAML file may not hold (the first 10 of them)."""
    problems = []
    for match in _NOT_IN_FILE.finditer(text):
        line, col = _position(text, match.start())
        problems.append(Problem(display, line, col, f"{char_name(match.group())} is not allowed in a YAML file"))
        if len(problems) == 10:
            break
    return problems


class _TooManyValues(Exception):
    pass


@functools.cache
def _counting(base: type) -> type:
    """`base` loader counting the values it builds; past MAX_VALUES it stops composing."""

    class Counting(base):  # type: ignore[misc]
        count = 0
        known: dict[tuple[str, bool, bool], str] | None = None  # plain values repeat: resolve each once

        def resolve(self, kind: type, value: Any, implicit: Any) -> Any:  # called once for each node
            self.count += 1
            if self.count > MAX_VALUES:
                raise _TooManyValues
            if kind is not ScalarNode:
                return super().resolve(kind, value, implicit)
            if self.known is None:
                self.known = {}
            key = (value, *implicit)
            tag = self.known.get(key)
            if tag is None:
                tag = self.known[key] = super().resolve(kind, value, implicit)
            return tag

    return Counting


def parse(text: str, display: str) -> tuple[Node | None, list[Problem]]:
    """Compose YAML text into a node tree; syntax errors and broken limits become located problems."""
    problems = _unprintable(text, display)
    if problems:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_counting(LOADER))
    except yaml.MarkedYAMLError as exc:
        # Point at where the broken construct starts (an unclosed quote), not where it was noticed;
        # but a second document is where it starts.
        second = "another document" in (exc.problem or "")
        mark = exc.problem_mark if second else exc.context_mark or exc.problem_mark
        line, col = clamp(text, mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if second:
            what = "a file holds one YAML document, found a second one"
        elif "nesting depth" in what and exc.problem_mark is not None:  # libyaml's own limit, 1000 levels
            line, col = clamp(text, exc.problem_mark.line + 1, exc.problem_mark.column + 1)
            return None, [Problem(display, line, col, f"lists and mappings nested deeper than {MAX_DEPTH} levels")]
        elif exc.problem_mark is not None and text[exc.problem_mark.index:exc.problem_mark.index + 1] == "\t":
            what += " (a tab: YAML indents with spaces only)"
        elif exc.context and exc.problem_mark is not None:
            found = exc.problem_mark
            what = f"{exc.context}: {what} (at {found.line + 1}:{found.column + 1})"
        return None, [Problem(display, line, col, f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:  # what _unprintable missed, should the two ever disagree
        line, col = _position(text, min(max(exc.position, 0), len(text)))
        return None, [Problem(display, line, col, f"YAML syntax error: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, 1, f"YAML syntax error: {exc}")]
    except _TooManyValues:
        return None, [Problem(display, 1, 1, f"more than {MAX_VALUES} values (scalars, lists and mappings) "
                              "in one file: the limit for a YAML file")]
    except RecursionError:  # the pure-Python parser on deep nesting (libyaml stops at 1000 levels)
        return None, [Problem(display, 1, 1, f"lists and mappings nested deeper than {MAX_DEPTH} levels")]
    if node is None:
        return None, [Problem(display, 1, 1, "file is empty")]
    problems = _limits(node, display)
    return (None, problems) if problems else (node, [])


def _limits(root: Node, display: str) -> list[Problem]:
    """Depth, alias and length limits, walking each node once (aliases share nodes; cycles are refused)."""
    problems: list[Problem] = []

    def at(node: Node, message: str) -> None:
        problems.append(Problem(display, node.start_mark.line + 1, node.start_mark.column + 1, message))

    seen: set[int] = {id(root)}  # marked when first reached, so an alias is never walked twice
    on_path: set[int] = set()
    aliases = 0
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack and len(problems) < 10:
        node, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if not isinstance(node, MappingNode | SequenceNode):
            continue
        if depth > MAX_DEPTH:
            at(node, f"lists and mappings nested deeper than {MAX_DEPTH} levels")
            break
        if len(node.value) > MAX_ITEMS:
            at(node, f"{len(node.value)} items in one {'mapping' if isinstance(node, MappingNode) else 'list'}; "
                     f"the limit is {MAX_ITEMS}")
            continue
        on_path.add(id(node))
        stack.append((node, depth, True))
        children = [n for pair in node.value for n in pair] if isinstance(node, MappingNode) else node.value
        for child in reversed(children):
            if id(child) in on_path:
                at(child, "an alias refers to the list or mapping that contains it")
            elif id(child) in seen:
                aliases += 1
                if aliases == MAX_ALIASES + 1:
                    at(child, f"more than {MAX_ALIASES} alias references ('*name') in one file; "
                              "the limit guards against files that expand exponentially")
            else:
                seen.add(id(child))
                stack.append((child, depth + 1, False))
    return problems


def compose(path: Path) -> tuple[Node | None, str, list[Problem]]:
    """Read and parse a YAML file into a node tree; every reason it cannot be becomes a located problem."""
    text, problems = read(path)
    if problems:
        return None, text, problems
    node, problems = parse(text, str(path))
    return node, text, problems
