"""`bench --soak`: the report's shape (its figures are the machine's; speed is never asserted here)."""

from __future__ import annotations

import re

from hud.cli import main
from hud.soak import Mix


def test_soak_prints_memory_and_frame_time_after_warm_up_and_at_the_end(capsys) -> None:
    assert main(["bench", "--soak", "0.05"]) == 0
    out = capsys.readouterr().out
    number = r"-?\d+(\.\d+)?"
    assert re.search(r"^soak: 0\.05 min, headless 1280x720 composite at 30 fps with the push server "
                     r"\(ws://127\.0\.0\.1:\d+\); a separate client process sends 20 messages/s", out, re.M), out
    assert re.search(rf"^after warm-up \({number} min\): RSS {number} MiB \(median of \d+ samples, one a second; "
                     rf"{number} MiB at the warm-up's end\); frame time median {number} ms, "
                     rf"p99 {number} ms \(\d+ frames\)$", out, re.M), out
    assert re.search(rf"^at the end \(0\.05 min\): RSS {number} MiB \(median of \d+ samples; {number} MiB at the "
                     rf"end\); frame time median {number} ms, "
                     rf"p99 {number} ms \(\d+ frames\)$", out, re.M), out
    assert re.search(rf"^growth: RSS [+-]{number} % \(goal < 5 % over an hour: .*\); frame time median "
                     rf"[+-]{number} %, p99 [+-]{number} %$", out, re.M), out
    client = re.search(r"^client: (\d+) sent, (\d+) acknowledged, (\d+) errors \((\d+) busy\)", out, re.M)
    assert client is not None and int(client[1]) > 0 and int(client[1]) == int(client[2]) + int(client[3]), out


def test_the_mix_is_valid_varied_and_never_repeats_a_text() -> None:
    import json

    from hud.push.messages import Accepted, parse

    mix = Mix(seed=5)
    messages = [mix.next() for _ in range(2000)]
    kinds = {m["type"] for m in messages}
    assert kinds == {"show", "notify", "navigate", "nav_end", "caption", "status", "pay", "gesture", "clear",
                     "display_event"}
    refused = [(m, r) for m in messages if not isinstance(r := parse(json.dumps(m, ensure_ascii=False)), Accepted)]
    assert not refused, refused[:3]
    cards = [m.get("text") or m.get("left") or m.get("top") for m in messages if m["type"] == "show"]
    assert len(set(cards)) == len(cards) and max(map(len, cards)) == 2000
