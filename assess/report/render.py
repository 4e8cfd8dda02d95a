"""HTML (Jinja, `templates/report/`) to PDF (WeasyPrint), with no network access.

Charts reach WeasyPrint through a URL fetcher that serves `chart:<name>` from memory and
reads only the fonts folder and the consultant's logo from disk; anything else fails the
render instead of silently fetching.
"""

from __future__ import annotations

import re
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


# The browser-default rules WeasyPrint applies to every document, minus the ones for
# footnotes and notes (which the reports never use) and with list markers for list items
# only: its stock sheet gives *every* element six pseudo-element styles (::marker,
# ::footnote-call, ...), which was a third of the style computation of a team report.
# The output is the same (tests/report compare the text with the stock sheet's).
_UNUSED_UA = re.compile(r"^::(footnote|note)[-a-z]*\s*\{[^}]*\}\s*$", re.M)


def _user_agent_css() -> Any:
    from weasyprint import CSS
    from weasyprint.html import UA, UA_COUNTER_STYLE

    if getattr(_local, "ua", None) is None:
        text = _UNUSED_UA.sub("", UA).replace("\n::marker {", "\nli::marker {")
        _local.ua = CSS(string=text, counter_style=UA_COUNTER_STYLE)
    return _local.ua


@lru_cache(maxsize=2)
def _html_class(lean: bool) -> Any:
    from weasyprint import HTML

    if not lean or not hasattr(HTML, "_ua_stylesheets"):
        return HTML

    class LeanHTML(HTML):  # type: ignore[misc, valid-type]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [_user_agent_css()]

    return LeanHTML


def write_pdf(html: str, images: dict[str, bytes], *, allowed_files: tuple[Path, ...] = (),
              tagged: bool = True, shared_css: bool = False, lean_ua: bool = True) -> bytes:
    """Render to PDF bytes; `tagged` asks for the PDF/UA-1 variant (structure tags);
    `shared_css` adds report.css for HTML rendered with `external_css=True`; `lean_ua`
    uses the trimmed browser-default stylesheet (see `_user_agent_css`)."""
    document = _html_class(lean_ua)(string=html, base_url=str(TEMPLATES),
                                    url_fetcher=_fetcher(images, allowed_files))
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    if shared_css:
        options["stylesheets"] = [_stylesheet()]
    return document.write_pdf(font_config=_font_config(), **options)
