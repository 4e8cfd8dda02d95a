"""HTML (Jinja, `templates/report/`) to PDF (WeasyPrint), with no network access.

Charts reach WeasyPrint through a URL fetcher that serves `chart:<name>` from memory and
reads only the fonts folder and the consultant's logo from disk; anything else fails the
render instead of silently fetching.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import templates_folder
from ..present import fmt, kind, owner

TEMPLATES = templates_folder() / "report"
PAGE_SIZES = {"A4": "A4", "LETTER": "letter"}
FONT_DIRS = (Path("/usr/share/fonts"),)


class ReportError(Exception):
    """The report could not be built from these inputs."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        ["html"]), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["fmt"] = fmt
    env.filters["owner"] = owner
    env.filters["kind"] = kind
    return env


def render_html(template: str, context: dict[str, Any], *, page_size: str = "A4",
                external_css: bool = False) -> str:
    """The report's HTML; with `external_css` the static stylesheet (report.css) is left
    out, for `write_pdf(..., shared_css=True)` to supply it already parsed."""
    size = PAGE_SIZES.get(page_size.upper())
    if size is None:
        raise ReportError(f"page size must be A4 or Letter, not {page_size!r}")
    return environment().get_template(template).render(**context, page_size=size,
                                                       external_css=external_css)


def _fetcher(images: dict[str, bytes], allowed_files: tuple[Path, ...]) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("chart:"):
                data = images.get(url.removeprefix("chart:"))
                if data is None:
                    raise ReportError(f"no chart named {url}")
                return URLFetcherResponse(url, body=data, headers={"Content-Type":
                                                                   "image/png"})
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if path in allowed_files or any(path.is_relative_to(d) for d in FONT_DIRS):
                    return URLFetcherResponse(url, body=path.read_bytes())
            raise ReportError(f"report may not fetch {url}")

    return LocalOnly(fail_on_errors=True)


_local = threading.local()


def _font_config() -> Any:
    """One font configuration per thread: building it (fontconfig) costs every render."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "fonts", None) is None:
        _local.fonts = FontConfiguration()
    return _local.fonts


def _stylesheet() -> Any:
    """report.css parsed and its selectors compiled once per thread, not on every render."""
    from weasyprint import CSS

    if getattr(_local, "css", None) is None:
        _local.css = CSS(string=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
                         base_url=str(TEMPLATES), font_config=_font_config())
    return _local.css


def write_pdf(html: str, images: dict[str, bytes], *, allowed_files: tuple[Path, ...] = (),
              tagged: bool = True, shared_css: bool = False) -> bytes:
    """Render to PDF bytes; `tagged` asks for the PDF/UA-1 variant (structure tags);
    `shared_css` adds report.css for HTML rendered with `external_css=True`."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(TEMPLATES),
                    url_fetcher=_fetcher(images, allowed_files))
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    if shared_css:
        options["stylesheets"] = [_stylesheet()]
    return document.write_pdf(font_config=_font_config(), **options)
