"""Every chart the app draws, for web pages and the PDF alike.

Built on `matplotlib.figure.Figure` with the Agg canvas, never `pyplot`: pyplot keeps a
global registry of figures that leaks in a server process and is not thread-safe. Each
function returns PNG bytes at 2x (the PDF and retina screens both want them) and clears
its figure before returning, so nothing outlives the call.

Charts take plain lists (labels, numbers, None for "no score"), not scoring objects, so
the web pages and the report decide what to show and this module only how.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit, in every process that imports us

from matplotlib import rcParams  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection, PatchCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

DPI = 200  # 2x of the 100-dpi layout size below
INK = "#1f2d3d"
MUTED = "#6b7785"
GRID = "#d9dee4"
ACCENT = "#1f5f8b"
SECOND = "#c9793a"
HIDDEN = "#eef0f3"
BAND_COLOURS = {"healthy": "#3a8f7b", "watch": "#d9a43b", "critical": "#c4553f"}
NO_BAND = "#9aa5b1"

rcParams.update({
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "text.color": INK,
    "svg.fonttype": "none",
})


def band_colour(band: str | None) -> str:
    return BAND_COLOURS.get(band or "", NO_BAND)


def _figure(width_in: float, height_in: float) -> Figure:
    """Sizes are layout inches at 100 px each; drawing happens at DPI, so 2x pixels."""
    fig = Figure(figsize=(width_in, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    """Draw, then drop everything the figure holds.

    An opaque RGB PNG at low compression: WeasyPrint decodes and re-encodes every image,
    and splits an alpha channel into a second image, so RGBA would cost twice.
    """
    try:
        canvas = fig.canvas
        canvas.draw()
        rgba = canvas.buffer_rgba()
        image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw",
                                 "RGBA", 0, 1).convert("RGB")
    finally:
        fig.clear()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _shown(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _wrap(label: str, width: int = 16) -> str:
    """Break a label on spaces into lines of about `width` characters."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def radar_png(labels: list[str], values: list[float | None], *, size_px: int = 640,
              compare: list[float | None] | None = None, compare_label: str = "",
              label: str = "", colour: str = ACCENT, label_scale: float = 1.0) -> bytes:
    """A 0-100 radar of a few scores; a None value is drawn as a gap at zero, hatched.

    `size_px` is the displayed width in CSS pixels; the PNG has twice as many.
    `label_scale` > 1 enlarges the labels (and shrinks the plot to make room) for images
    shown small, such as on a phone.
    """
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    if len(labels) < 3:
        raise ValueError("a radar needs at least three axes")
    side = size_px / 100
    scale = max(1.0, label_scale)
    text_size, wrap = 7 * scale, int(18 / scale) + 1
    span = 0.54 / scale ** 0.6
    fig = _figure(side, side)
    ax = fig.add_axes((0.5 - span / 2, 0.47 - span / 2, span, span), projection="polar")
    count = len(labels)
    angles = [2 * math.pi * i / count for i in range(count)]
    closed = angles + angles[:1]
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_yticks([25, 50, 75, 100])
    ax.set_yticklabels(["", "50", "", "100"], fontsize=6, color=MUTED)
    ax.set_rlabel_position(180 / count)
    ax.set_xticks(angles)
    ax.set_xticklabels([])
    ax.grid(color=GRID, linewidth=0.6)
    ax.spines["polar"].set_color(GRID)

    def series(data: list[float | None], col: str, fill: bool, name: str) -> None:
        points = [v if _shown(v) else 0.0 for v in data]
        ax.plot(closed, points + points[:1], color=col, linewidth=1.6,
                linestyle="-" if fill else "--", label=name or None)
        if fill:
            ax.fill(closed, points + points[:1], color=col, alpha=0.18)
        for angle, value in zip(angles, data, strict=True):
            if _shown(value):
                ax.plot([angle], [value], "o", color=col, markersize=3)

    if compare is not None:
        if len(compare) != count:
            raise ValueError("compare and labels differ in length")
        series(compare, SECOND, False, compare_label)
    series(values, colour, True, label)
    for angle, text, value in zip(angles, labels, values, strict=True):
        shown = f"{value:.0f}" if _shown(value) else "n/a"
        cos, sin = math.sin(angle), math.cos(angle)  # clockwise from the top
        ha = "center" if abs(cos) < 0.3 else ("left" if cos > 0 else "right")
        va = "center" if abs(sin) < 0.3 else ("bottom" if sin > 0 else "top")
        ax.text(angle, 112, f"{_wrap(text, wrap)}\n{shown}", ha=ha, va=va, fontsize=text_size,
                color=INK, linespacing=1.15)
    ax.set_ylim(0, 100)
    ax.set_xlim(0, 2 * math.pi)
    if label or compare_label:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False,
                  fontsize=7)
    return _png(fig)


def bars_png(labels: Sequence[str], values: Sequence[float | None], *,
             ns: Sequence[int] | None = None, sds: Sequence[float | None] | None = None,
             bands: Sequence[str | None] | None = None, width_px: int = 640,
             hidden_note: str = "hidden") -> bytes:
    """Horizontal 0-100 bars, one per label, with a +/- 1 sd whisker and n on the right."""
    count = len(labels)
    height = 0.38 * count + 0.55
    fig = _figure(width_px / 100, height)
    ax = fig.add_axes((0.3, 0.5 / height * 0.8, 0.6, 1 - 0.75 / height))
    ys = list(range(count))[::-1]
    whiskers: list[list[tuple[float, float]]] = []
    for i, (y, value) in enumerate(zip(ys, values, strict=True)):
        ax.barh(y, 100, height=0.62, color="#f3f5f7", zorder=0)
        if not _shown(value):
            ax.text(2, y, hidden_note, va="center", fontsize=7, color=MUTED, style="italic")
            continue
        colour = band_colour(bands[i] if bands else None)
        ax.barh(y, value, height=0.62, color=colour, zorder=2)
        sd = sds[i] if sds else None
        if _shown(sd):
            lo, hi = max(0.0, value - sd), min(100.0, value + sd)
            whiskers += [[(lo, y), (hi, y)], [(lo, y - 0.12), (lo, y + 0.12)],
                         [(hi, y - 0.12), (hi, y + 0.12)]]
        ax.text(min(value, 100) - 1.5, y, f"{value:.0f}", va="center", ha="right",
                fontsize=7, color="white", fontweight="bold", zorder=4)
    ax.add_collection(LineCollection(whiskers, colors=INK, linewidths=0.8, alpha=0.55,
                                     zorder=3))
    for y, n in zip(ys, ns or [], strict=False):
        ax.text(103, y, f"n={n}", va="center", fontsize=7, color=MUTED)
    ax.set_yticks(ys)
    ax.set_yticklabels([_wrap(t, 30) for t in labels], fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, count - 0.4)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.tick_params(axis="both", length=0, labelsize=7)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.grid(axis="x", color=GRID, linewidth=0.5, zorder=1)
    ax.set_axisbelow(True)
    return _png(fig)


def ladder_png(labels: Sequence[str], values: Sequence[float | None], *,
               bands: Sequence[str | None] | None = None, root: int | None = None,
               width_px: int = 360) -> bytes:
    """The foundation ladder, lowest rung at the bottom; the root-cause rung outlined."""
    count = len(labels)
    height = 0.62 * count + 0.25
    fig = _figure(width_px / 100, height)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, count)
    ax.axis("off")
    for i, (text, value) in enumerate(zip(labels, values, strict=True)):
        y = i + 0.12
        colour = band_colour(bands[i] if bands else None) if _shown(value) else HIDDEN
        box = FancyBboxPatch((0.2, y), 9.6, 0.76, boxstyle="round,pad=0,rounding_size=0.15",
                             facecolor=colour, edgecolor=INK if root == i else "none",
                             linewidth=2.0 if root == i else 0)
        ax.add_patch(box)
        ink = "white" if _shown(value) else MUTED
        ax.text(0.6, y + 0.38, f"{i + 1}  {text}", va="center", fontsize=9, color=ink,
                fontweight="bold")
        shown = f"{value:.0f}" if _shown(value) else "n/a"
        ax.text(9.4, y + 0.38, shown, va="center", ha="right", fontsize=10, color=ink,
                fontweight="bold")
        if root == i:
            ax.text(6.2, y + 0.38, "root cause", va="center", ha="center", fontsize=7,
                    color="white", style="italic")
    return _png(fig)


def gap_png(labels: Sequence[str], a: Sequence[float | None], b: Sequence[float | None], *,
            a_label: str = "Leadership", b_label: str = "Team", width_px: int = 640,
            flagged: Sequence[bool] | None = None) -> bytes:
    """Dumbbell chart: two views of each dimension joined by a line (the gap)."""
    count = len(labels)
    height = 0.24 * count + 0.7
    fig = _figure(width_px / 100, height)
    ax = fig.add_axes((0.33, 0.55 / height, 0.62, 1 - 0.85 / height))
    ys = list(range(count))[::-1]
    weak, strong = [], []  # one collection per style, not one artist per row
    for i, y in enumerate(ys):
        va, vb = a[i], b[i]
        if _shown(va) and _shown(vb):
            (strong if flagged and flagged[i] else weak).append([(va, y), (vb, y)])
        elif not _shown(va) and not _shown(vb):
            ax.text(2, y, "hidden", va="center", fontsize=7, color=MUTED, style="italic")
    ax.add_collection(LineCollection(weak, colors=GRID, linewidths=1.6, zorder=1))
    ax.add_collection(LineCollection(strong, colors=INK, linewidths=2.2, zorder=1))
    for data, colour in ((a, ACCENT), (b, SECOND)):
        points = [(v, y) for v, y in zip(data, ys, strict=True) if _shown(v)]
        if points:
            ax.scatter([p[0] for p in points], [p[1] for p in points], s=30, color=colour,
                       zorder=2, linewidths=0)
    ax.set_yticks(ys)
    ax.set_yticklabels([_wrap(t, 34) for t in labels], fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.7, count - 0.3)
    ax.tick_params(axis="both", length=0, labelsize=7)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.grid(axis="x", color=GRID, linewidth=0.5, zorder=0)
    ax.plot([], [], "o", color=ACCENT, label=a_label)
    ax.plot([], [], "o", color=SECOND, label=b_label)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False,
              fontsize=7, handletextpad=0.2)
    return _png(fig)


def heatmap_png(rows: Sequence[str], columns: Sequence[str],
                values: Sequence[Sequence[float | None]], *, k: int,
                bands: Sequence[Sequence[str | None]] | None = None,
                width_px: int = 640) -> bytes:
    """Segments (columns) by dimensions (rows); a None cell reads "fewer than k"."""
    n_rows, n_cols = len(rows), len(columns)
    height = 0.26 * n_rows + 0.7
    fig = _figure(width_px / 100, height)
    left = 0.36
    ax = fig.add_axes((left, 0.12 / height, 0.98 - left, 1 - 0.62 / height))
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    cells: list[Rectangle] = []
    colours: list[tuple[float, float, float, float]] = []
    for r in range(n_rows):
        for c in range(n_cols):
            value = values[r][c]
            if _shown(value):
                band = bands[r][c] if bands else None
                colour, text, ink = band_colour(band), f"{value:.0f}", "white"
                alpha = 0.9
            else:
                colour, text, ink, alpha = HIDDEN, f"fewer than {k}", MUTED, 1.0
            cells.append(Rectangle((c + 0.04, r + 0.06), 0.92, 0.88))
            colours.append(to_rgba(colour, alpha))
            ax.text(c + 0.5, r + 0.52, text, ha="center", va="center", color=ink,
                    fontsize=7 if _shown(value) else 6,
                    style="normal" if _shown(value) else "italic")
    ax.add_collection(PatchCollection(cells, facecolors=colours, edgecolors="none", zorder=0))
    ax.set_yticks([r + 0.5 for r in range(n_rows)])
    ax.set_yticklabels(list(rows), fontsize=7)
    ax.set_xticks([c + 0.5 for c in range(n_cols)])
    ax.set_xticklabels([_wrap(t, 12) for t in columns], fontsize=7)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _png(fig)


def trend_png(rounds: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
              width_px: int = 640) -> bytes:
    """Scores per round, one line per series (e.g. the overall and each group)."""
    fig = _figure(width_px / 100, 2.5)
    ax = fig.add_axes((0.08, 0.14, 0.62, 0.8))
    palette = [ACCENT, SECOND, "#3a8f7b", "#7d5ba6", "#8a9199", "#b0464f"]
    xs = list(range(len(rounds)))
    for i, (name, data) in enumerate(series):
        points = [(x, v) for x, v in zip(xs, data, strict=True) if _shown(v)]
        if not points:
            continue
        colour = palette[i % len(palette)]
        ax.plot([p[0] for p in points], [p[1] for p in points], "-o", color=colour,
                linewidth=2.2 if i == 0 else 1.3, markersize=4 if i == 0 else 3, label=name)
    ax.set_xticks(xs)
    ax.set_xticklabels([_wrap(r, 14) for r in rounds], fontsize=7)
    ax.set_xlim(-0.3, len(rounds) - 0.7)
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.tick_params(axis="both", length=0, labelsize=7)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False, fontsize=7)
    return _png(fig)


def _label_lines(text: str, width: int, most: int = 3) -> str:
    """Wrap a label to at most `most` lines; a longer one ends in an ellipsis instead of
    running into its neighbour (the full name is printed beside the chart)."""
    lines = _wrap(text, width).split("\n")
    lines = [line if len(line) <= width else line[:width - 1] + "\u2026" for line in lines]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][:width - 1].rstrip() + "\u2026"
    return "\n".join(lines)


def trend_multiples_png(rounds: Sequence[str],
                        series: Sequence[tuple[str, Sequence[float | None]]], *,
                        width_px: int = 680, columns: int = 5,
                        bands: tuple[float, float] | None = (50.0, 70.0)) -> bytes:
    """Small multiples: one panel per series (the overall, then each area), rounds along
    x on a shared 0-100 scale, so five series never overlap and fifty rounds stay
    readable.

    Each panel prints its latest value beside the last point and its first value beside
    the first, and names only the first and last round (wrapped inside the panel, never
    clipped); `bands` shades the critical and healthy zones lightly. Markers are drawn
    while there are few rounds. All panels are drawn on one axes in inch coordinates:
    a matplotlib axes per panel cost three times as much for the same picture.
    """
    count = len(series)
    if count == 0:
        raise ValueError("no series to draw")
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    width = width_px / 100
    axis_w = 0.28  # inches left of the first column: the 0/50/100 labels
    panel_w = (width - axis_w) / columns
    pad_left, pad_right = 0.06, 0.3  # the latest value is printed right of the line
    plot_w = panel_w - pad_left - pad_right
    chars = max(6, int((plot_w + pad_right) * 100 / 2 / 6.2) - 1)  # ~6.2 px a character
    first = _label_lines(rounds[0], chars) if rounds else ""
    last = _label_lines(rounds[-1], chars) if len(rounds) > 1 else ""
    label_lines = max(first.count("\n"), last.count("\n")) + 1
    titles = [_label_lines(name, max(8, int(panel_w * 100 / 7.6)), 2) for name, _ in series]
    title_lines = max(t.count("\n") for t in titles) + 1
    title_h, plot_h, label_h = 0.08 + 0.14 * title_lines, 0.75, 0.12 * label_lines + 0.1
    row_h = title_h + plot_h + label_h + 0.08
    height = row_h * rows
    fig = _figure(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    span = max(len(rounds) - 1, 1)
    markers = len(rounds) <= 12
    shades: list[Rectangle] = []
    shade_colours: list[tuple[float, float, float, float]] = []
    grid: list[list[tuple[float, float]]] = []
    ticks = list(range(len(rounds))) if len(rounds) <= 12 else [0, len(rounds) - 1]
    for i, (_, data) in enumerate(series):
        r, c = divmod(i, columns)
        x0 = axis_w + c * panel_w + pad_left
        y0 = row_h * (rows - r - 1) + label_h + 0.04

        def at(x: float, v: float, x0: float = x0, y0: float = y0) -> tuple[float, float]:
            return x0 + plot_w * (0.03 + 0.94 * x / span), y0 + plot_h * v / 100

        if bands is not None:
            shades.append(Rectangle((x0, y0), plot_w, plot_h * bands[0] / 100))
            shade_colours.append(to_rgba(BAND_COLOURS["critical"], 0.07))
            shades.append(Rectangle((x0, y0 + plot_h * bands[1] / 100), plot_w,
                                    plot_h * (100 - bands[1]) / 100))
            shade_colours.append(to_rgba(BAND_COLOURS["healthy"], 0.07))
        for v in (0, 50, 100):
            grid.append([(x0, y0 + plot_h * v / 100), (x0 + plot_w, y0 + plot_h * v / 100)])
            if c == 0:
                ax.text(x0 - 0.05, y0 + plot_h * v / 100, str(v), ha="right", va="center",
                        fontsize=6.5, color=MUTED)
        for x in ticks:
            px = at(x, 0)[0]
            grid.append([(px, y0), (px, y0 - 0.03)])
        ax.text(x0, y0 + plot_h + 0.05, titles[i], ha="left", va="bottom", fontsize=7.5,
                fontweight="bold", color=INK, linespacing=1.1)
        if first:
            ax.text(x0, y0 - 0.06, first, ha="left", va="top", fontsize=6.5, color=MUTED,
                    linespacing=1.1)
        if last:
            ax.text(x0 + plot_w, y0 - 0.06, last, ha="right", va="top", fontsize=6.5,
                    color=MUTED, linespacing=1.1)
        points = [at(x, float(v)) for x, v in enumerate(data)
                  if v is not None and _shown(v)]
        values = [float(v) for v in data if v is not None and _shown(v)]
        if not points:
            continue
        colour = ACCENT if i == 0 else INK
        ax.plot([p[0] for p in points], [p[1] for p in points], "-", color=colour,
                linewidth=1.8 if i == 0 else 1.3, solid_capstyle="round", zorder=3)
        dots = points if markers else [points[0], points[-1]]
        ax.plot([p[0] for p in dots], [p[1] for p in dots], "o", color=colour,
                markersize=3, zorder=4)
        ax.text(points[-1][0] + 0.06, points[-1][1], f"{math.floor(values[-1] + 0.5)}",
                ha="left", va="center", fontsize=8, color=colour, fontweight="bold")
        if len(points) > 1:
            above = values[1] <= values[0]  # the line leaves downwards: label above it
            ax.text(points[0][0], points[0][1] + (0.06 if above else -0.06),
                    f"{math.floor(values[0] + 0.5)}", ha="left",
                    va="bottom" if above else "top", fontsize=7, color=MUTED)
    ax.add_collection(PatchCollection(shades, facecolors=shade_colours, edgecolors="none",
                                      zorder=0))
    ax.add_collection(LineCollection(grid, colors=GRID, linewidths=0.5, zorder=1))
    return _png(fig)


__all__ = [
    "BAND_COLOURS",
    "band_colour",
    "bars_png",
    "gap_png",
    "heatmap_png",
    "ladder_png",
    "radar_png",
    "trend_multiples_png",
    "trend_png",
]
