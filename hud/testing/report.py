"""One HTML report per run: every failure with expected, actual and diff, a slider and an overlay.

Self-contained apart from the PNGs beside it (no scripts or styles fetched from anywhere), so it
opens from a CI artefact as well as from disk.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from hud.testing.snapshots import CheckResult, load_records

_STYLE = """
body { background: #16181b; color: #dde; font: 14px/1.45 system-ui, sans-serif; margin: 24px; }
h1 { font-size: 20px; } h2 { font-size: 15px; margin: 0 0 4px; }
.meta { color: #99a; } .fail { border: 1px solid #444; border-radius: 8px; padding: 14px; margin: 18px 0; }
.msg { color: #f88; font-family: ui-monospace, monospace; white-space: pre-wrap; }
.row { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
figure { margin: 0; } figcaption { color: #99a; font-size: 12px; }
img { image-rendering: pixelated; max-width: 100%; border: 1px solid #333; display: block; }
.slider { position: relative; display: inline-block; }
.slider img.top { position: absolute; left: 0; top: 0; clip-path: inset(0 50% 0 0); }
.overlay { position: relative; display: inline-block; }
.overlay img.diff { position: absolute; left: 0; top: 0; opacity: 0.65; mix-blend-mode: screen; }
input[type=range] { width: 100%; }
"""

_SCRIPT = """
function slide(input) {
  const top = input.closest('figure').querySelector('img.top');
  top.style.clipPath = 'inset(0 ' + (100 - input.value) + '% 0 0)';
}
"""


def _img(path: str | None, report: Path, css: str = "") -> str:
    if not path:
        return "<em>none</em>"
    rel = os.path.relpath(path, report.parent)
    return f'<img class="{css}" src="{html.escape(rel)}" alt="{html.escape(Path(path).name)}">'


def _failure(r: CheckResult, report: Path) -> str:
    im = r.images
    parts = [f'<section class="fail"><h2>{html.escape(r.test or r.name)}</h2>',
             f'<div class="meta">golden: {html.escape(r.golden)} · check {r.ms:.1f} ms</div>',
             f'<p class="msg">{html.escape(r.message)}</p>', '<div class="row">']
    if "expected" in im:
        parts.append(f'<figure>{_img(im.get("expected"), report)}<figcaption>expected</figcaption></figure>')
    parts.append(f'<figure>{_img(im.get("actual"), report)}<figcaption>actual</figcaption></figure>')
    if "diff" in im:
        parts.append(f'<figure>{_img(im.get("diff"), report)}<figcaption>diff: red differs, yellow '
                     'anti-aliasing, blue masked</figcaption></figure>')
        parts.append('</div><div class="row">')
        parts.append(
            f'<figure><div class="slider">{_img(im.get("actual"), report)}{_img(im.get("expected"), report, "top")}'
            '</div><input type="range" min="0" max="100" value="50" oninput="slide(this)">'
            '<figcaption>slider: expected on the left, actual on the right</figcaption></figure>')
        parts.append(
            f'<figure><div class="overlay">{_img(im.get("actual"), report)}{_img(im.get("diff"), report, "diff")}'
            '</div><figcaption>difference overlay on the actual image</figcaption></figure>')
    parts.append("</div></section>")
    return "\n".join(parts)


def write_report(report_dir: Path, *, passed: int, environment: dict[str, str],
                 unused: list[str] | None = None) -> Path:
    """Write `report_dir/index.html` from the failure records there; returns its path."""
    records = load_records(report_dir)
    path = report_dir / "index.html"
    env = " · ".join(f"{k} {html.escape(v)}" for k, v in environment.items())
    body = [f"<h1>hud screenshot report: {len(records)} failed, {passed} passed</h1>",
            f'<p class="meta">{env}</p>']
    if not records:
        body.append("<p>Every snapshot matched its golden.</p>")
    body.extend(_failure(r, path) for r in records)
    if unused:
        items = "".join(f"<li>{html.escape(u)}</li>" for u in unused)
        body.append(f"<h2>Goldens no test used ({len(unused)})</h2><ul>{items}</ul>"
                    "<p class='meta'>Remove them with --snapshot-prune.</p>")
    report_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><meta charset='utf-8'><title>hud screenshot report</title>"
                    f"<style>{_STYLE}</style><script>{_SCRIPT}</script><body>{''.join(body)}</body>",
                    encoding="utf-8")
    return path
