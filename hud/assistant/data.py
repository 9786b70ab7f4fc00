"""The stub services' bundled data (`assets/assistant/*.yaml`), validated strictly.

Why bundled files and not code: designers change routes, prices and phrases without touching
Python, and a typo must be reported as `file:line:col` (all problems at once), never half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hud import events as ev
from hud import paths, schema
from hud.assistant.records import (
    AssistantData,
    Fact,
    Flight,
    Meeting,
    Merchant,
    Note,
    Phrase,
    Product,
    Route,
    ShopPrice,
    Step,
    Text,
    Track,
    Weather,
)
from hud.schema import Checker, Context, Field, Float, Int, List, Record, Str

DATA_DIR = paths.ASSETS / "assistant"


# -- checkers ---------------------------------------------------------------------------------
@dataclass
class Bilingual(Checker):
    """A plain string (the same in both languages) or a mapping `{en: ..., zh: ...}`."""

    max_len: int = 300
    what: str = "a string or {en: ..., zh: ...}"

    def check(self, node: Node, ctx: Context, name: str) -> Any:
        if isinstance(node, MappingNode):
            words = Str(max_len=self.max_len)
            record = Record(name=f"{name!r}", fields={"en": Field(words, required=True),
                                                      "zh": Field(words, required=True)},
                            build=lambda v: Text(v["en"], v["zh"]))
            return record.check(node, ctx, name)
        if isinstance(node, SequenceNode):
            return ctx.error(node, f"expected {self.what} for {name!r}, got a list")
        value = Str(max_len=self.max_len).check(node, ctx, name)
        return value if value is schema.INVALID else Text(value, value)


def _record(cls: type, name: str, fields: dict[str, Field],
            post: Callable[[dict[str, Any], dict[str, Node], Context, Node], bool] | None = None) -> Record:
    """A Record building `cls`, with lists turned into tuples (the dataclasses are frozen)."""

    def build(values: dict[str, Any]) -> Any:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    return Record(name=name, fields=fields, build=build, post=post)


def _child(node: Node, key: str) -> Node | None:
    """The value node under `key` in a mapping node (for pointing at a field in a list item)."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v  # type: ignore[no-any-return]
    return None


def _scalar_value(node: Node | None) -> str | None:
    return str(node.value) if isinstance(node, ScalarNode) else None


def _unique_names(list_key: str) -> Callable[[dict[str, Any], dict[str, Node], Context, Node], bool]:
    """A post check: no two items of `list_key` answer to the same name (the first would always win).

    It reads the nodes, not the built items, so it reports even when an item has other problems.
    """

    def post(values: dict[str, Any], nodes: dict[str, Node], ctx: Context, node: Node) -> bool:
        seq = nodes.get(list_key)
        if not isinstance(seq, SequenceNode):
            return True
        seen: dict[str, int] = {}
        ok = True
        for index, item_node in enumerate(seq.value):
            names_node = _child(item_node, "names")
            for name_node in names_node.value if isinstance(names_node, SequenceNode) else []:
                name = _scalar_value(name_node)
                if name is None:
                    continue
                key = name.casefold()
                if key in seen and seen[key] != index:
                    ctx.error(name_node, f"name {name!r} is already used by {list_key} item {seen[key] + 1}")
                    ok = False
                seen.setdefault(key, index)
        return ok

    return post


def _unique_eans(values: dict[str, Any], nodes: dict[str, Node], ctx: Context, node: Node) -> bool:
    """Every product's EAN-13 codes have a right check digit, and no code names two products."""
    from hud.codes.payload import ean13_ok

    seq = nodes.get("products")
    seen: dict[str, int] = {}
    ok = True
    for index, item_node in enumerate(seq.value if isinstance(seq, SequenceNode) else []):
        codes = _child(item_node, "ean")
        for code_node in codes.value if isinstance(codes, SequenceNode) else []:
            code = _scalar_value(code_node)
            if code is None or len(code) != 13 or not code.isdigit():
                continue  # the field's own check reports it
            if not ean13_ok(code):
                ctx.error(code_node, f"EAN-13 code {code!r} has a wrong check digit (the last digit)")
                ok = False
            elif code in seen and seen[code] != index:
                ctx.error(code_node, f"EAN-13 code {code!r} is already used by products item {seen[code] + 1}")
                ok = False
            seen.setdefault(code, index)
    return ok


def _both(*checks: Callable[[dict[str, Any], dict[str, Node], Context, Node], bool]
          ) -> Callable[[dict[str, Any], dict[str, Node], Context, Node], bool]:
    """Post checks run one after another, all of them (every problem is reported)."""

    def post(values: dict[str, Any], nodes: dict[str, Node], ctx: Context, node: Node) -> bool:
        return all([check(values, nodes, ctx, node) for check in checks])

    return post


def _step_exit(values: dict[str, Any], nodes: dict[str, Node], ctx: Context, node: Node) -> bool:
    """A roundabout needs an exit, and only a roundabout has one."""
    maneuver, exit_number = values.get("maneuver"), values.get("exit")
    if maneuver == "roundabout" and exit_number is None:
        ctx.error(node, "a 'roundabout' step needs 'exit' (1 to 8, counted from the entry)")
        return False
    if maneuver not in ("roundabout", None, schema.INVALID) and exit_number not in (None, schema.INVALID):
        ctx.error(nodes["exit"], f"'exit' applies only to a 'roundabout' step, not {maneuver!r}")
        return False
    return True


def _ends_with_arrival(values: dict[str, Any], nodes: dict[str, Node], ctx: Context, node: Node) -> bool:
    """A route's last step, and only its last, is 'arrive' (read from the nodes: reported regardless)."""
    seq = nodes.get("steps")
    if not isinstance(seq, SequenceNode) or not seq.value:
        return True
    ok = True
    for i, step_node in enumerate(seq.value):
        where = _child(step_node, "maneuver")
        maneuver = _scalar_value(where)
        if maneuver is None or where is None:
            continue
        if i == len(seq.value) - 1 and maneuver != "arrive":
            ctx.error(where, f"a route ends with an 'arrive' step, not {maneuver!r}")
            ok = False
        elif i < len(seq.value) - 1 and maneuver == "arrive":
            ctx.error(where, "'arrive' must be the route's last step")
            ok = False
    return ok


def _notes_in_order(values: dict[str, Any], nodes: dict[str, Node], ctx: Context, node: Node) -> bool:
    notes, seq = values.get("notes"), nodes.get("notes")
    if not isinstance(notes, list) or not isinstance(seq, SequenceNode):
        return True
    ok = True
    for i in range(1, len(notes)):
        if notes[i].at <= notes[i - 1].at:
            ctx.error(_child(seq.value[i], "at") or seq.value[i],
                      f"notes must be in time order: {notes[i].at} s comes after {notes[i - 1].at} s")
            ok = False
    return ok


_NAMES = Field(List(Str(max_len=80), min_len=1), required=True)
_CURRENCY = Str(pattern=r"[A-Z]{3}", pattern_help="an ISO 4217 code like 'CNY'")
_CLOCK = Str(pattern=r"([01]\d|2[0-3]):[0-5]\d", pattern_help="a time of day like '10:15'")

STEP = _record(Step, "step", post=_step_exit, fields={
    "maneuver": Field(Str(choices=ev.MANEUVERS), required=True),
    "distance": Field(Float(1, 100_000), required=True),
    "street": Field(Bilingual(max_len=80), required=True),
    "exit": Field(Int(1, 8), default=None),
})
ROUTE = _record(Route, "route", post=_ends_with_arrival, fields={
    "names": _NAMES,
    "destination": Field(Bilingual(max_len=80), required=True),
    "speed": Field(Float(0.1, 100), default=1.4),
    "steps": Field(List(STEP, min_len=1), required=True),
})
MERCHANT = _record(Merchant, "merchant", {
    "names": _NAMES,
    "name": Field(Str(max_len=80), required=True),
    "amount": Field(Float(0.01, 1_000_000), required=True),
    "currency": Field(_CURRENCY, default="CNY"),
    "outcome": Field(Str(choices=ev.PAY_OUTCOMES), default="success"),
    "reason": Field(Str(max_len=120), default=""),
})
PRODUCT = _record(Product, "product", {
    "names": _NAMES,
    "ean": Field(List(Str(pattern=r"\d{13}", pattern_help="an EAN-13 product code of 13 digits")), default=()),
    "name": Field(Bilingual(max_len=60), required=True),
    "currency": Field(_CURRENCY, default="CNY"),
    "shops": Field(List(_record(ShopPrice, "shop", {
        "shop": Field(Bilingual(max_len=40), required=True),
        "price": Field(Float(0.01, 1_000_000), required=True),
    }), min_len=2), required=True),
})
FLIGHT = _record(Flight, "flight", {
    "number": Field(Str(pattern=r"[A-Z0-9]{2}\d{1,4}", pattern_help="a flight number like 'CA1705'"),
                    required=True),
    "to": Field(Bilingual(max_len=40), required=True),
    "boards": Field(_CLOCK, required=True),
    "gate": Field(Str(max_len=8), required=True),
    "status": Field(Bilingual(max_len=40), default=Text("on time", "准点")),
    "leave_by": Field(_CLOCK, required=True),
})
PHRASE = _record(Phrase, "phrase", {
    "en": Field(Str(max_len=120), required=True),
    "zh": Field(Str(max_len=60), required=True),
    "pinyin": Field(Str(max_len=120), default=""),
})
NOTE = _record(Note, "note", {"at": Field(Float(0, 3600), required=True),
                              "text": Field(Bilingual(max_len=120), required=True)})
MEETING = _record(Meeting, "meeting", post=_notes_in_order, fields={
    "title": Field(Bilingual(max_len=60), required=True),
    "notes": Field(List(NOTE, min_len=1), required=True),
})
TRACK = _record(Track, "track", {
    "title": Field(Str(max_len=80), required=True),
    "artist": Field(Str(max_len=80), required=True),
    "album": Field(Str(max_len=80), default=""),
    "length": Field(Str(pattern=r"\d{1,2}:[0-5]\d", pattern_help="a length like '3:42'"), default=""),
})
WEATHER = _record(Weather, "weather", {
    "place": Field(Bilingual(max_len=40), required=True),
    "condition": Field(Bilingual(max_len=40), default=Text("", "")),  # unset: the built-in scene's sky
    "temp_c": Field(Int(-60, 60), required=True),
    "high_c": Field(Int(-60, 60), required=True),
    "low_c": Field(Int(-60, 60), required=True),
    "advice": Field(Bilingual(max_len=80), default=Text("", "")),
})
FACT = _record(Fact, "fact", {"keywords": Field(List(Str(max_len=40), min_len=1), required=True),
                              "answer": Field(Bilingual(max_len=200), required=True)})

#: Each file, the top-level keys it holds and how they are checked.
FILES: dict[str, Record] = {
    "routes": Record(name="routes file", post=_unique_names("routes"),
                     fields={"routes": Field(List(ROUTE, min_len=1), required=True)}),
    "merchants": Record(name="merchants file", post=_unique_names("merchants"),
                        fields={"merchants": Field(List(MERCHANT, min_len=1), required=True)}),
    "prices": Record(name="prices file", post=_both(_unique_names("products"), _unique_eans),
                     fields={"products": Field(List(PRODUCT, min_len=1), required=True)}),
    "flights": Record(name="flights file", fields={"flights": Field(List(FLIGHT, min_len=1), required=True)}),
    "phrasebook": Record(name="phrasebook", fields={
        "phrases": Field(List(PHRASE, min_len=1), required=True),
        "conversation": Field(List(Record(name="conversation line", fields={
            "en": Field(Str(max_len=160), required=True), "zh": Field(Str(max_len=80), required=True)},
            build=lambda v: Text(v["en"], v["zh"]))), default=[]),
    }),
    "notes": Record(name="notes file", fields={"meeting": Field(MEETING, required=True)}),
    "music": Record(name="music library", fields={"tracks": Field(List(TRACK, min_len=1), required=True)}),
    "answers": Record(name="answers file", fields={"weather": Field(WEATHER, required=True),
                                                   "facts": Field(List(FACT), default=[])}),
}


def load_file(path: str | Path, kind: str | None = None) -> dict[str, Any]:
    """One data file, checked as `kind` (by default its name: `routes.yaml` is a routes file)."""
    path = Path(path)
    kind = kind or path.stem
    if kind not in FILES:
        raise ValueError(f"unknown assistant data file kind {kind!r} (expected one of: {', '.join(FILES)})")
    values: dict[str, Any] = schema.load(path, FILES[kind], kind)
    return values


def load_data(data_dir: str | Path = DATA_DIR) -> AssistantData:
    """Every data file in `data_dir`; raises `schema.ConfigError` with the problems of all files."""
    data_dir = Path(data_dir)
    loaded: dict[str, dict[str, Any]] = {}
    problems: list[schema.Problem] = []
    sources: dict[str, str] = {}
    for kind in FILES:
        try:
            loaded[kind] = load_file(data_dir / f"{kind}.yaml", kind)
        except schema.ConfigError as exc:
            problems += exc.problems
            sources.update(exc.sources)
    if problems:
        raise schema.ConfigError(problems, sources)
    book = loaded["phrasebook"]
    return AssistantData(
        routes=tuple(loaded["routes"]["routes"]), merchants=tuple(loaded["merchants"]["merchants"]),
        products=tuple(loaded["prices"]["products"]), flights=tuple(loaded["flights"]["flights"]),
        phrases=tuple(book["phrases"]), conversation=tuple(book["conversation"]),
        meeting=loaded["notes"]["meeting"], tracks=tuple(loaded["music"]["tracks"]),
        weather=loaded["answers"]["weather"], facts=tuple(loaded["answers"]["facts"]),
    )
