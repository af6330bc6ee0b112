"""What every PDF the portal renders itself shares: WeasyPrint in this process, A4, PDF/A-3b, deterministic,
nothing fetched from the network, templates from templates/ (the agreement and its completion certificate in
portal/agreements, the reports in portal/reports).

    renderer = Renderer(paths.STATIC / "css" / "report-pdf.css")  # once per module
    pdf_bytes = renderer.write_pdf(html, margin_css)             # same HTML -> byte-identical PDF

A document's words are those of its own language, so templates render outside the request (`environment()`);
`css_string` makes the header and footer texts safe to put in a stylesheet.
"""
from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import jinja2
import segno
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import paths

# Debian's fonts-dejavu-core is the only place read from besides the portal's static files.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
ALLOWED_DIRS = (paths.STATIC, FONT_DIR)
PDF_VARIANT = "pdf/a-3b"
LOCAL_TIME = ZoneInfo("Europe/Riga")  # a document's dates and times are those in Latvia


class PdfRenderError(RuntimeError):
    """The PDF could not be made (a resource was refused or is missing, e.g. the DejaVu fonts)."""


class LocalOnlyFetcher(URLFetcher):
    """Fetches `data:` URLs and files under ALLOWED_DIRS; refuses everything else (no network, no other file).
    Any failure stops the rendering: a document of record never silently falls back to another font."""

    def __init__(self):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused: {url}")
            path = Path(unquote(parts.path)).resolve()
            if path.is_file() and any(path.is_relative_to(allowed) for allowed in ALLOWED_DIRS):
                return URLFetcherResponse(path.as_uri(), path.read_bytes())
        raise ValueError(f"refused: {url}")


FETCHER = LocalOnlyFetcher()


def environment(**options) -> jinja2.Environment:
    """Templates from templates/, outside Flask: escaped, and a missing value is an error, not a blank."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, **options)


def css_string(text: str) -> str:
    """A CSS string literal for any text: everything but letters, digits and spaces as a hex escape."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def qr_data_uri(url: str) -> str:
    """The QR code as a 1-bit PNG, one pixel a module, scaled without interpolation (image-rendering:
    pixelated in the CSS): as sharp as an SVG in print, a few ms cheaper to embed than its path."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=1, border=0)


class Renderer(threading.local):
    """What rendering reuses, once per thread: a FontConfiguration and the parsed stylesheet. Per thread, not
    per process, so that documents render side by side without waiting for a lock."""

    def __init__(self, stylesheet: Path):
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(stylesheet), url_fetcher=FETCHER, font_config=self.font_config)

    def write_pdf(self, html: str, extra_css: str = "") -> bytes:
        """PDF/A-3b bytes of `html` with the stylesheet and `extra_css` (the margin boxes of this document)."""
        stylesheets = [self.stylesheet]
        if extra_css:
            stylesheets.append(CSS(string=extra_css, url_fetcher=FETCHER, font_config=self.font_config))
        try:
            return HTML(string=html, base_url=str(paths.TEMPLATES) + "/", url_fetcher=FETCHER).write_pdf(
                stylesheets=stylesheets, font_config=self.font_config, pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as error:  # a BaseException: would slip past the app's error handling
            raise PdfRenderError(str(error)) from error
