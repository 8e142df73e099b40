"""Draw the layers (docs/layers.svg) from the code: the layers contract of pyproject.toml's
[tool.importlinter] gives the bands, bottom to top, and grimp (import-linter's import graph)
the arrows between their modules. Plain SVG written by hand, so no system package is needed.

    python tools/module_graph.py            # rewrite docs/layers.svg (`make graph`)
    python tools/module_graph.py --check    # fail if it is stale, or a module has no layer

Every module of the apps must sit in a layer, except what Django loads by name and nothing
imports (apps.py, migrations) and the packages' own __init__."""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from html import escape
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "layers.svg"
UNLAYERED = re.compile(r"(^[a-z_]+$)|(\.apps$)|(\.migrations(\.|$))|(\.management(\.commands)?$)")

ARROWS = {
    "athletes": "#3b82f6",
    "workouts": "#16a34a",
    "plans": "#d97706",
    "plan_templates": "#0d9488",
    "exports": "#4f46e5",
    "notifications": "#db2777",
    "web": "#9333ea",
    "config": "#6b7280",
}
COLOURS = {
    "athletes": "#dbeafe",
    "workouts": "#dcfce7",
    "plans": "#fef3c7",
    "plan_templates": "#ccfbf1",
    "exports": "#e0e7ff",
    "notifications": "#fce7f3",
    "web": "#f3e8ff",
    "config": "#e5e7eb",
}
CHAR_WIDTH = 7.2  # 12px monospace
BOX_HEIGHT = 26
BOX_GAP = 14
ROW_GAP = 12
BAND_PAD = 16
LABEL_WIDTH = 230
LINE_HEIGHT = 15
TITLE_CHARS = 29
MAX_ROW_WIDTH = 900


@dataclass(frozen=True)
class Layer:
    title: str
    modules: tuple[str, ...]


@dataclass(frozen=True)
class Box:
    module: str
    x: float
    y: float
    width: float


def read_layers(pyproject: Path = ROOT / "pyproject.toml") -> list[Layer]:
    """The layers contract's layers, top first, each titled by the comment above it."""
    text = pyproject.read_text()
    config = tomllib.loads(text)["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    titles = re.findall(r"^\s*# (.+)\n\s*\"[a-z_.: |]+\",\n", text, flags=re.MULTILINE)
    if len(titles) != len(contract["layers"]):
        raise SystemExit("Each layer in pyproject.toml needs a '# title' comment line above it.")
    return [
        Layer(title, tuple(re.split(r"\s*[:|]\s*", layer)))
        for title, layer in zip(titles, contract["layers"], strict=True)
    ]


def build_graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return grimp.build_graph(*packages["root_packages"])


def owner(module: str, layers: list[Layer]) -> str | None:
    """The layer element a module belongs to: itself or its closest listed ancestor."""
    listed = {m for layer in layers for m in layer.modules}
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in listed:
            return candidate
    return None


def unlayered(graph: grimp.ImportGraph, layers: list[Layer]) -> list[str]:
    return sorted(m for m in graph.modules if owner(m, layers) is None and not UNLAYERED.search(m))


def edges(graph: grimp.ImportGraph, layers: list[Layer]) -> list[tuple[str, str]]:
    """Which listed module imports which, less every arrow a longer path already shows (the
    transitive reduction): the picture shows the order, `lint-imports` every import."""
    found = set()
    for module in graph.modules:
        source = owner(module, layers)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = owner(imported, layers)
            if target is not None and target != source:
                found.add((source, target))
    return sorted(edge for edge in found if not _longer_path(found, *edge))


def _longer_path(found: set[tuple[str, str]], source: str, target: str) -> bool:
    seen, todo = set(), [b for a, b in found if a == source and b != target]
    while todo:
        module = todo.pop()
        if module == target:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(b for a, b in found if a == module)
    return False


def title_lines(title: str) -> list[str]:
    lines = [""]
    for word in title.split():
        if lines[-1] and len(lines[-1]) + len(word) >= TITLE_CHARS:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def box_width(module: str) -> float:
    return len(module) * CHAR_WIDTH + 16


def layout(layers: list[Layer]) -> tuple[list[tuple[Layer, float, float]], dict[str, Box], float]:
    """Bands top to bottom, boxes left to right in rows that wrap at MAX_ROW_WIDTH."""
    bands: list[tuple[Layer, float, float]] = []
    boxes: dict[str, Box] = {}
    y = 0.0
    for layer in layers:
        rows: list[list[str]] = [[]]
        width = 0.0
        for module in layer.modules:
            if rows[-1] and width + box_width(module) > MAX_ROW_WIDTH:
                rows.append([])
                width = 0.0
            rows[-1].append(module)
            width += box_width(module) + BOX_GAP
        height: float = max(
            BAND_PAD * 2 + len(rows) * BOX_HEIGHT + (len(rows) - 1) * ROW_GAP,
            BAND_PAD * 2 + len(title_lines(layer.title)) * LINE_HEIGHT,
        )
        for index, row in enumerate(rows):
            x: float = LABEL_WIDTH
            row_y = y + BAND_PAD + index * (BOX_HEIGHT + ROW_GAP)
            for module in row:
                boxes[module] = Box(module, x, row_y, box_width(module))
                x += box_width(module) + BOX_GAP
        bands.append((layer, y, height))
        y += height
    return bands, boxes, y


def render(layers: list[Layer], arrows: list[tuple[str, str]]) -> str:
    bands, boxes, height = layout(layers)
    width = LABEL_WIDTH + MAX_ROW_WIDTH + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" font-size="12">',
        "<title>Ironstride's layers: each module imports only from the layers below it</title>",
        '<defs><marker id="head" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#64748b"/>'
        "</marker></defs>",
    ]
    for index, (layer, y, band_height) in enumerate(bands):
        fill = "#f8fafc" if index % 2 else "#ffffff"
        out.append(
            f'<rect x="0" y="{y:.0f}" width="{width:.0f}" height="{band_height:.0f}" '
            f'fill="{fill}" stroke="#e2e8f0"/>'
        )
        for number, line in enumerate(title_lines(layer.title)):
            out.append(
                f'<text x="10" y="{y + BAND_PAD + 14 + number * LINE_HEIGHT:.0f}" '
                'fill="#334155">'
                f"{escape(line)}</text>"
            )
    # Arrows first, boxes over them; each box's arrows spread along its edge, ordered by the
    # other end's position, so fewer of them cross.
    leaving: dict[str, list[str]] = {}
    arriving: dict[str, list[str]] = {}
    for source, target in arrows:
        leaving.setdefault(source, []).append(target)
        arriving.setdefault(target, []).append(source)

    def anchor(box: Box, others: list[str], other: str) -> float:
        ordered = sorted(others, key=lambda name: (boxes[name].x, boxes[name].y))
        return box.x + box.width * (ordered.index(other) + 1) / (len(ordered) + 1)

    for source, target in arrows:
        a, b = boxes[source], boxes[target]
        x1, x2 = anchor(a, leaving[source], target), anchor(b, arriving[target], source)
        if b.y > a.y:
            y1, y2 = a.y + BOX_HEIGHT, b.y
        else:  # within one band (a layer whose parts may import each other)
            y1, y2 = a.y, b.y + BOX_HEIGHT
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{ARROWS[source.split(".")[0]]}" stroke-opacity="0.7" stroke-width="1.2" '
            f'marker-end="url(#head)"><title>{source} imports {target}</title>'
            "</line>"
        )
    for box in boxes.values():
        colour = COLOURS[box.module.split(".")[0]]
        out.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
            f'height="{BOX_HEIGHT}" rx="4" fill="{colour}" stroke="#475569"/>'
        )
        out.append(
            f'<text x="{box.x + 8:.1f}" y="{box.y + 17:.1f}" fill="#0f172a">'
            f"{escape(box.module)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/layers.svg is stale")
    args = parser.parse_args(argv)
    layers = read_layers()
    graph = build_graph()
    missing = unlayered(graph, layers)
    if missing:
        print(f"Modules in no layer (add them to pyproject.toml): {', '.join(missing)}")
        return 1
    svg = render(layers, edges(graph, layers))
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != svg:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run `make graph` and commit it.")
            return 1
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(svg)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
