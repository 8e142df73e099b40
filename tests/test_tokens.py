"""The design tokens (static/css/tokens.css): every name the pages share is defined, the dark
scheme redefines every colour, and each text colour reaches WCAG AA (4.5:1) on the surfaces it
is used on, in both schemes. The ratios are computed from the file itself."""

import re
from pathlib import Path

import pytest

TOKENS = Path(__file__).resolve().parents[1] / "static" / "css" / "tokens.css"

SHARED_NAMES = [
    *(f"--space-{n}" for n in range(1, 7)),
    *(f"--font-size-{size}" for size in ("xs", "sm", "base", "lg", "xl")),
    "--color-text",
    "--color-muted",
    "--color-surface",
    "--color-surface-2",
    "--color-border",
    "--color-accent",
    "--color-accent-text",
    "--color-hard-day-bg",
    "--color-hard-day-border",
    "--color-today",
    "--color-violation",
    "--color-violation-bg",
    "--color-warning",
    "--color-warning-bg",
    "--color-ok",
    "--color-missed",
    "--color-on-plan",
    "--color-on-plan-bg",
    "--color-partial",
    "--color-partial-bg",
    "--color-off-plan",
    "--color-off-plan-bg",
    "--radius",
    "--tap-min",
]

# (text, background): every pairing the stylesheets use for words.
TEXT_PAIRS = [
    ("--color-text", "--color-surface"),
    ("--color-text", "--color-surface-2"),
    ("--color-text", "--color-hard-day-bg"),
    ("--color-text", "--color-violation-bg"),
    ("--color-muted", "--color-surface"),
    ("--color-muted", "--color-surface-2"),
    ("--color-muted", "--color-hard-day-bg"),
    ("--color-accent-text", "--color-accent"),
    ("--color-accent", "--color-surface"),
    ("--color-link", "--color-surface"),
    ("--color-link", "--color-surface-2"),
    ("--color-today", "--color-surface"),
    ("--color-today", "--color-hard-day-bg"),
    ("--color-violation", "--color-surface"),
    ("--color-violation", "--color-violation-bg"),
    ("--color-warning", "--color-surface"),
    ("--color-warning", "--color-warning-bg"),
    ("--color-ok", "--color-surface"),
    ("--color-ok", "--color-ok-bg"),
    ("--color-missed", "--color-surface"),
    ("--color-missed", "--color-surface-2"),
    # Compliance chips: the word on its own tint, and the colour's word on the page.
    ("--color-on-plan", "--color-on-plan-bg"),
    ("--color-partial", "--color-partial-bg"),
    ("--color-off-plan", "--color-off-plan-bg"),
    ("--color-on-plan", "--color-surface"),
    ("--color-partial", "--color-surface"),
    ("--color-off-plan", "--color-surface"),
]
# Lines and borders that mark something (focus, a hard day's edge): 3:1 for non-text (WCAG 1.4.11).
GRAPHIC_PAIRS = [
    ("--color-focus", "--color-surface"),
    ("--color-hard-day-border", "--color-surface"),
    ("--color-hard-day-border", "--color-hard-day-bg"),
    ("--color-border-strong", "--color-surface"),
    # The progress chart's planned and done bars.
    ("--color-chart-planned", "--color-surface"),
    ("--color-chart-done", "--color-surface"),
]


def declarations(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block))


def schemes() -> dict[str, dict[str, str]]:
    css = re.sub(r"/\*.*?\*/", "", TOKENS.read_text(), flags=re.S)
    dark_at = css.index("@media (prefers-color-scheme: dark)")
    light = declarations(css[:dark_at])
    dark = {**light, **declarations(css[dark_at:])}
    return {"light": light, "dark": dark}


def luminance(hex_colour: str) -> float:
    digits = hex_colour.strip().lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", digits), hex_colour

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_right():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near-miss


def test_every_shared_name_is_defined_with_the_agreed_scales():
    light = schemes()["light"]
    assert [name for name in SHARED_NAMES if name not in light] == []
    spaces = [light[f"--space-{n}"] for n in range(1, 7)]
    assert spaces == ["0.25rem", "0.5rem", "0.75rem", "1rem", "1.5rem", "2rem"]
    assert light["--tap-min"] == "44px"


def test_the_dark_scheme_redefines_every_colour():
    css = re.sub(r"/\*.*?\*/", "", TOKENS.read_text(), flags=re.S)
    dark_block = declarations(css[css.index("@media (prefers-color-scheme: dark)") :])
    colours = [name for name in schemes()["light"] if name.startswith("--color-")]
    assert [name for name in colours if name not in dark_block] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_colours_reach_aa(scheme, text, background):
    tokens = schemes()[scheme]
    ratio = contrast(tokens[text], tokens[background])
    assert ratio >= 4.5, f"{scheme}: {text} on {background} is {ratio:.2f}:1"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("line", "background"), GRAPHIC_PAIRS)
def test_marks_and_edges_reach_3_to_1(scheme, line, background):
    tokens = schemes()[scheme]
    ratio = contrast(tokens[line], tokens[background])
    assert ratio >= 3, f"{scheme}: {line} on {background} is {ratio:.2f}:1"


def test_a_hard_day_is_not_an_alarm():
    # Red is for broken rules only: the hard day's tint is not the violation's colour family.
    for tokens in schemes().values():
        assert tokens["--color-hard-day-bg"] != tokens["--color-violation-bg"]
        r, g, b = (
            int(tokens["--color-hard-day-border"].lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)
        )
        assert b > r, "the hard day's edge is a cool colour"


def test_no_web_fonts_and_no_remote_urls():
    for path in (TOKENS, TOKENS.with_name("app.css"), TOKENS.parents[1] / "phone" / "phone.css"):
        css = path.read_text()
        assert "@font-face" not in css and "@import" not in css, path
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), path
