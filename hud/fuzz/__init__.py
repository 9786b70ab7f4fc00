"""`python main.py fuzz`: throw mutated inputs at every boundary and count what comes back.

Why a command as well as the Hypothesis tests: the tests run a few hundred cases on every commit;
this runs as many as you ask for (10,000 per boundary for a release) and prints, per boundary, how
many cases were accepted and rendered, how many got a located error, and how many did anything else
(any other exception, or a case slower than the time bound). The goal is 0 "anything else".

Each boundary module (`hud.fuzz.files`, `hud.fuzz.messages`, ...) exposes `BOUNDARIES`: a mapping of
name -> `Boundary`, a function that makes one case from the given random generator, feeds it through
the real entry point, and says what came back as an `Outcome`. A boundary raises nothing: what it
cannot classify is reported as "other" by the runner.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from hud.schema import ConfigError, Problem

Kind = Literal["accepted", "located", "other"]


@dataclass(frozen=True)
class Outcome:
    """What one case got: rendered, a located error (its text), or anything else (a description)."""

    kind: Kind
    detail: str = ""


Boundary = Callable[[random.Random], Outcome]


@cache
def workdir(boundary: str) -> Path:
    """A boundary's temporary folder in this process, made once and removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"hud-fuzz-{boundary}-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def is_located(problem: Problem, lines: Mapping[str, Sequence[str]], elsewhere: bool = False) -> bool:
    """A problem points at a real place: a line of a file we know and a column on it (or just past its
    end). `elsewhere`: a problem in a file not in `lines` (one a recording names) counts as located,
    since that file's own loader placed it."""
    if not problem.path or problem.line < 1 or problem.col < 1:
        return False
    text = lines.get(problem.path)
    if text is None:
        return elsewhere
    return problem.line <= len(text) and problem.col <= len(text[problem.line - 1]) + 1


def classify(action: Callable[[], object], lines: Mapping[str, Sequence[str]] | None = None,
             elsewhere: bool = False) -> Outcome:
    """Run `action` (load, then render) and say what it got: accepted, a located error (every problem
    at a real place of `lines`, by default the error's own sources), or anything else."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            action()
    except ConfigError as exc:  # RecordingError included
        known = lines if lines is not None else {k: v.split("\n") for k, v in exc.sources.items()}
        unlocated = [p for p in exc.problems if not is_located(p, known, elsewhere)]
        if exc.problems and not unlocated:
            return Outcome("located", str(exc)[:500])
        return Outcome("other", f"ConfigError without a real location: {unlocated[0] if unlocated else 'no problems'}")
    except Exception as exc:  # the very thing being counted
        return Outcome("other", f"{type(exc).__name__}: {str(exc)[:300]}")
    return Outcome("accepted")


@dataclass
class Counts:
    """The tally for one boundary."""

    name: str
    cases: int = 0
    accepted: int = 0
    located: int = 0
    other: int = 0
    slow: int = 0  # cases over the time bound (counted in `other` too)
    slowest: float = 0.0  # seconds
    examples: list[str] = field(default_factory=list)  # the first few "other" details, to reproduce

    def add(self, outcome: Outcome, seconds: float, bound: float, case_no: int) -> None:
        self.cases += 1
        self.slowest = max(self.slowest, seconds)
        kind = outcome.kind
        if seconds > bound:
            self.slow += 1
            kind = "other"
            detail = f"case {case_no}: took {seconds:.2f} s (bound {bound:g} s)"
        else:
            detail = f"case {case_no}: {outcome.detail}"
        if kind == "accepted":
            self.accepted += 1
        elif kind == "located":
            self.located += 1
        else:
            self.other += 1
            if len(self.examples) < 5:
                self.examples.append(detail)


def run(name: str, boundary: Boundary, cases: int, seed: int, bound: float = 1.0) -> Counts:
    """`cases` cases of one boundary; case i uses its own generator seeded from (seed, name, i), so any
    failing case can be replayed alone. A boundary with a `warm()` method has it called first, untimed."""
    counts = Counts(name)
    warm = getattr(boundary, "warm", None)
    if callable(warm):  # one-time setup (imports, fonts, caches) is not the first case's time
        warm()
    for i in range(cases):
        rng = random.Random(f"{seed}:{name}:{i}")
        start = time.perf_counter()
        try:
            outcome = boundary(rng)
        except Exception as exc:  # the boundary's own bug: still "anything else", never a crash of the run
            outcome = Outcome("other", f"{type(exc).__name__}: {exc}")
        counts.add(outcome, time.perf_counter() - start, bound, i)
    return counts


def table(rows: Iterable[Counts]) -> str:
    """The counts as an aligned text table."""
    head = f"{'boundary':<12} {'cases':>7} {'accepted':>9} {'located':>8} {'other':>6} {'slowest':>9}"
    lines = [head]
    for c in rows:
        lines.append(f"{c.name:<12} {c.cases:>7} {c.accepted:>9} {c.located:>8} {c.other:>6} "
                     f"{c.slowest * 1000:>7.0f}ms")
        lines.extend(f"    {e}" for e in c.examples)
    return "\n".join(lines)
