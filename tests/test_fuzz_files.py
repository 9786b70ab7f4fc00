"""Fuzzing the YAML files: every input is accepted and renders, or is refused with a located error.

Hypothesis edits the shipped files (a scalar replaced, bytes spliced in, a whole document of its own)
and each result goes through the real loader and renderer (`hud.fuzz.files.check`). Then each fuzz
boundary runs a few dozen of its own cases through `hud.fuzz.run`, as `python main.py fuzz` would.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hud import fuzz
from hud.fuzz import classify
from hud.fuzz.files import BOUNDARIES, EXTREMES, HOSTILE_SCALARS, SHIPPED, check, mutate
from hud.schema import ConfigError, Problem

KINDS = sorted(SHIPPED)
#: Generous for a loaded CI machine: a case takes a few milliseconds to a few hundred.
BOUND = 3.0
FAST = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

#: A replacement for a scalar: hostile, valid at the edges of a range, or any short text at all.
replacements = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    st.sampled_from(EXTREMES["text"] + EXTREMES["number"]),
    st.text(max_size=12),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def assert_rule(kind: str, data: bytes, name: str | None = None) -> fuzz.Outcome:
    """The rule: rendered, or a located error; and within the time bound."""
    start = time.perf_counter()
    outcome = check(kind, data, random.Random(len(data)), name)
    assert outcome.kind != "other", outcome.detail
    assert time.perf_counter() - start < BOUND
    return outcome


def _spans(path: Path) -> list[tuple[int, int]]:
    import yaml

    text = path.read_text(encoding="utf-8")
    return [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(text, Loader=yaml.SafeLoader)
            if isinstance(t, yaml.ScalarToken)]


@pytest.mark.parametrize("kind", KINDS)
@FAST
@given(data=st.data())
def test_a_scalar_replaced_is_rendered_or_located(kind: str, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(SHIPPED[kind]), label="file")
    text = source.read_text(encoding="utf-8")
    spans = _spans(source)
    start, end = spans[data.draw(st.integers(0, len(spans) - 1), label="scalar")]
    value = data.draw(replacements, label="value")
    assert_rule(kind, (text[:start] + value + text[end:]).encode("utf-8", "surrogatepass"), source.name)


@pytest.mark.parametrize("kind", KINDS)
@FAST
@given(data=st.data())
def test_bytes_spliced_in_are_rendered_or_located(kind: str, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(SHIPPED[kind]), label="file")
    raw = source.read_bytes()
    at = data.draw(st.integers(0, len(raw)), label="at")
    cut = data.draw(st.integers(0, 8), label="cut")
    junk = data.draw(st.binary(max_size=8), label="junk")
    assert_rule(kind, raw[:at] + junk + raw[at + cut:], source.name)


@pytest.mark.parametrize("kind", KINDS)
@FAST
@given(text=st.text(max_size=80))
def test_any_text_at_all_is_rendered_or_located(kind: str, text: str) -> None:
    assert_rule(kind, text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_the_fuzzer_s_own_mutations_are_rendered_or_located(kind: str, seed: int) -> None:
    rng = random.Random(seed)
    source = rng.choice(SHIPPED[kind])
    assert_rule(kind, mutate(source, rng, kind), source.name)


@pytest.mark.parametrize("kind", KINDS)
def test_every_shipped_file_is_accepted_and_rendered(kind: str) -> None:
    for source in SHIPPED[kind]:
        assert assert_rule(kind, source.read_bytes(), source.name).kind == "accepted", source


@pytest.mark.parametrize("name", sorted(BOUNDARIES))
def test_each_fuzz_boundary_gets_nothing_but_rendered_or_located(name: str) -> None:
    counts = fuzz.run(name, BOUNDARIES[name], 30, seed=7, bound=BOUND)
    assert counts.cases == 30 and counts.other == 0, "\n".join(counts.examples)
    assert counts.accepted > 0 and counts.located > 0  # both sides of the rule are exercised


# -- the classification itself (so the tests above can fail) -------------------------------------------
def test_classify_tells_located_from_anything_else(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\nb: 2\n")
    sources = {str(path): path.read_text()}

    def located() -> None:
        raise ConfigError([Problem(str(path), 2, 4, "bad")], sources)

    def past_the_end() -> None:
        raise ConfigError([Problem(str(path), 9, 1, "bad")], sources)

    def no_source() -> None:
        raise ConfigError([Problem(str(path), 1, 1, "bad")])

    def crash() -> None:
        raise KeyError("maybe")

    assert classify(lambda: None).kind == "accepted"
    assert classify(located).kind == "located"
    assert classify(past_the_end).kind == "other"
    assert classify(no_source).kind == "other"
    assert classify(crash) == fuzz.Outcome("other", "KeyError: 'maybe'")
