"""Past digests as PDF: WeasyPrint draws the stored email exactly as it was sent.

The stored HTML is the digest's own template output, with inline styles and no
external images. Rendering fetches nothing: every address but inline ``data:``
is refused, so a digest cannot make the server reach the network or its files.
"""

from weasyprint import CSS, HTML
from weasyprint.urls import default_url_fetcher

# The email is laid out for a screen: give it an A4 page with room at the edges, and
# make nested layout tables as wide as mail programs draw them (WeasyPrint shrinks a
# table inside a cell to its content despite width="100%").
PAGE = CSS(string='@page { size: A4; margin: 15mm 12mm; } table[width="100%"] { width: 100%; }')


def refuse_remote(url, *args, **kwargs):
    """A WeasyPrint URL fetcher that allows only inline ``data:`` URLs: no network, no files."""
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"Digests fetch nothing: refused {url}")


def file_name(digest):
    """``digest-2026-W48.pdf``: what the download is called."""
    return f"digest-{digest.week}.pdf"


def render_pdf(digest):
    """The digest as it was sent, as PDF bytes (A4, tagged for screen readers)."""
    return HTML(string=digest.html, base_url=None, url_fetcher=refuse_remote).write_pdf(
        stylesheets=[PAGE], pdf_tags=True
    )
