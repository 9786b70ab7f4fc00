"""`validate`: tell layouts, scenarios, device profiles and assistant data apart and check each strictly."""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import MappingNode, ScalarNode

from hud import schema
from hud.assistant.data import load_file
from hud.device import DEVICE_SCHEMA
from hud.layout import load_layout
from hud.scenario import load_scenario

#: The top-level key that tells what a YAML file is.
MARKERS = {"widgets": "layout", "timeline": "scenario", "panel": "device"}
#: ... and which of the assistant's data files (`assets/assistant/*.yaml`) it is.
ASSISTANT_MARKERS = {"routes": "routes", "merchants": "merchants", "products": "prices", "flights": "flights",
                     "phrases": "phrasebook", "meeting": "notes", "tracks": "music", "weather": "answers"}


def kind_of(path: Path) -> tuple[str | None, schema.ConfigError | None]:
    node, text, problems = schema.compose(path)
    if problems:
        return None, schema.ConfigError(problems, {str(path): text})
    if isinstance(node, MappingNode):
        for key, _ in node.value:  # a key may be a list (`? [a, b]`): only plain names can mark a kind
            if isinstance(key, ScalarNode) and key.value in MARKERS:
                return MARKERS[key.value], None
            if isinstance(key, ScalarNode) and key.value in ASSISTANT_MARKERS:
                return f"assistant {ASSISTANT_MARKERS[key.value]}", None
    return None, schema.ConfigError([schema.Problem(
        str(path), 1, 1, "cannot tell what this file is: a layout has 'widgets', a scenario 'timeline', "
        "a device profile 'panel', assistant data one of " + ", ".join(repr(k) for k in ASSISTANT_MARKERS))],
        {str(path): text})


def validate_file(path: Path) -> tuple[str | None, schema.ConfigError | None]:
    """(kind, None) when valid, else (kind, the error listing every problem)."""
    kind, error = kind_of(path)
    if error is not None:
        return kind, error
    try:
        if kind == "layout":
            load_layout(path)
        elif kind == "scenario":
            load_scenario(path)
        elif kind is not None and kind.startswith("assistant "):
            load_file(path, kind.removeprefix("assistant "))
        else:
            schema.load(path, DEVICE_SCHEMA, "device")
    except schema.ConfigError as exc:
        return kind, exc
    return kind, None
