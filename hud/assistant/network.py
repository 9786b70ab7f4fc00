"""How long the assistant "thinks": the simulated round trip to its cloud, per network.

Why a table and not a live measurement: plans must be deterministic, and a designer needs to
see how the HUD feels on a fast, a typical and a slow connection (and with none at all).
"""

from __future__ import annotations

#: Seconds of simulated round trip; None means no network (only on-device intents work).
NETWORKS: dict[str, float | None] = {"fast": 1.0, "typical": 3.0, "slow": 7.0, "offline": None}

#: Thinking time of the small on-device model that answers when there is no network.
ON_DEVICE_SECONDS = 0.8


def thinking_seconds(network: str) -> float:
    """Seconds between the request and the answer on `network` (validated)."""
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r} (expected one of: {', '.join(NETWORKS)})")
    latency = NETWORKS[network]
    return ON_DEVICE_SECONDS if latency is None else latency


def is_online(network: str) -> bool:
    thinking_seconds(network)  # validates the name
    return NETWORKS[network] is not None
