"""Where the ink lands on each page of a PDF: every character's box and every image's,
read with pdfminer.six (no layout analysis, so it stays fast), for tests that check that
text stays inside the page and that pages are not left half empty."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

MM = 72 / 25.4  # points per millimetre
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y up from the bottom


@dataclass
class Page:
    number: int
    width: float
    height: float
    chars: list[tuple[Box, str, float]] = field(default_factory=list)  # box, text, size
    images: list[Box] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)  # thin horizontal lines (borders)

    def text_in(self, y_low: float, y_high: float) -> str:
        """The characters whose box lies between two heights, left to right."""
        found = [(box[0], text) for box, text, _ in self.chars
                 if box[1] >= y_low and box[3] <= y_high]
        return "".join(text for _, text in sorted(found))


def _collect(item: object, page: Page) -> None:
    if isinstance(item, LTChar):
        if item.get_text().strip():
            page.chars.append((item.bbox, item.get_text(), item.size))
    elif isinstance(item, LTImage):
        page.images.append(item.bbox)
    elif isinstance(item, LTCurve):  # lines and rectangles too
        x0, y0, x1, y1 = item.bbox
        if y1 - y0 <= 1.2 and x1 - x0 > 5:
            page.rules.append(item.bbox)
    elif isinstance(item, LTFigure):
        for child in item:
            _collect(child, page)


def pages_of(pdf: bytes) -> list[Page]:
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    out = []
    for number, pdf_page in enumerate(PDFPage.get_pages(io.BytesIO(pdf)), start=1):
        interpreter.process_page(pdf_page)
        layout = device.get_result()
        x0, y0, x1, y1 = layout.bbox
        page = Page(number, x1 - x0, y1 - y0)
        for item in layout:
            _collect(item, page)
        out.append(page)
    return out


def overlaps(page: Page) -> list[str]:
    """Characters printed on top of each other on one baseline (text spilling out of its
    table cell into the next one); kerned pairs such as "Ta" overlap a little and pass."""
    lines: dict[tuple[float, float], list[tuple[Box, str]]] = {}
    for box, text, size in page.chars:
        lines.setdefault((round(box[1], 1), round(size, 1)), []).append((box, text))
    found = []
    for chars in lines.values():
        chars.sort(key=lambda c: c[0][0])
        for (a, ta), (b, tb) in zip(chars, chars[1:], strict=False):
            slack = max(1.5, 0.5 * min(a[2] - a[0], b[2] - b[0]))
            if b[0] < a[2] - slack:
                found.append(f"{ta}{tb} at x={b[0]:.0f}, y={b[1]:.0f}")
    return found


def struck(page: Page, inset: float = 1.5) -> list[str]:
    """Characters a thin horizontal rule runs through (a border drawn across text)."""
    found = []
    for (x0, y0, x1, y1), text, _ in page.chars:
        for rx0, ry0, rx1, ry1 in page.rules:
            middle = (ry0 + ry1) / 2
            if y0 + inset < middle < y1 - inset and rx0 < x1 - 1 and x0 + 1 < rx1:
                found.append(f"{text!r} at x={x0:.0f}, y={y0:.0f}")
                break
    return found
