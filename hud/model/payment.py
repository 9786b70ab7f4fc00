"""The payment prompt as a state machine.

    detected --(1 s)--> awaiting --confirm (voice or tap)--> verifying --(verify_seconds)--> success
        |                   |                                      |                        | failed
        +--cancel-----------+--cancel--> cancelled                  +--PayResult------------+
                            +--(timeout)--> timed_out

Terminal phases stay on screen for RESULT_SECONDS, then the prompt is gone. Every timed
transition happens at its exact deadline, so the phase at time t is independent of frame rate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from hud.events import PayDetect

Phase = Literal["detected", "awaiting", "verifying", "success", "failed", "cancelled", "timed_out"]
TERMINAL: tuple[Phase, ...] = ("success", "failed", "cancelled", "timed_out")
DETECT_SECONDS = 1.0
RESULT_SECONDS = 3.0


@dataclass(frozen=True)
class PaymentState:
    request: PayDetect
    phase: Phase
    since: float
    confirmed_by: str = ""
    reason: str = ""

    def progress(self, now: float) -> float:
        """Voiceprint verification progress, 0..1, while verifying."""
        if self.phase != "verifying":
            return 1.0 if self.phase == "success" else 0.0
        return min(1.0, max(0.0, (now - self.since) / max(self.request.verify_seconds, 1e-6)))

    def remaining(self, now: float) -> float:
        """Seconds left to confirm, while awaiting."""
        return max(0.0, self.request.timeout - (now - self.since)) if self.phase == "awaiting" else 0.0

    def deadline(self) -> float | None:
        if self.phase == "detected":
            return self.since + DETECT_SECONDS
        if self.phase == "awaiting":
            return self.since + self.request.timeout
        if self.phase == "verifying":
            return self.since + self.request.verify_seconds
        return self.since + RESULT_SECONDS


def detect(request: PayDetect, now: float) -> PaymentState:
    return PaymentState(request=request, phase="detected", since=now)


def confirm(state: PaymentState, by: str, now: float) -> PaymentState:
    """Only a prompt that is waiting for it can be confirmed (a detected one counts: the wearer is quick)."""
    if state.phase not in ("detected", "awaiting"):
        return state
    return replace(state, phase="verifying", since=now, confirmed_by=by)


def cancel(state: PaymentState, now: float) -> PaymentState:
    if state.phase in TERMINAL:
        return state
    return replace(state, phase="cancelled", since=now)


def result(state: PaymentState, ok: bool, reason: str, now: float) -> PaymentState:
    if state.phase != "verifying":
        return state
    return replace(state, phase="success" if ok else "failed", since=now, reason=reason)


def settle(state: PaymentState | None, now: float) -> PaymentState | None:
    while state is not None:
        deadline = state.deadline()
        if deadline is None or now < deadline:
            return state
        if state.phase == "detected":
            state = replace(state, phase="awaiting", since=deadline)
        elif state.phase == "awaiting":
            state = replace(state, phase="timed_out", since=deadline)
        elif state.phase == "verifying":
            ok = state.request.outcome == "success"
            reason = "" if ok else (state.request.reason or "voiceprint not recognised")
            state = replace(state, phase="success" if ok else "failed", since=deadline, reason=reason)
        else:
            state = None
    return state
