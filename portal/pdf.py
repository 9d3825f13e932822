"""PDFs drawn by WeasyPrint from the portal's own HTML, fetching nothing.

Every address but an inline ``data:`` one is refused, so a document cannot make
the server reach the network or read its files, whatever text users put in it.
"""

from weasyprint import HTML
from weasyprint.urls import default_url_fetcher


def refuse_remote(url, *args, **kwargs):
    """A WeasyPrint URL fetcher that allows only inline ``data:`` URLs: no network, no files."""
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"PDFs fetch nothing: refused {url}")


def write_pdf(html, *, stylesheets=()):
    """``html`` (a string) as tagged PDF bytes, readable by screen readers."""
    return HTML(string=html, base_url=None, url_fetcher=refuse_remote).write_pdf(
        stylesheets=list(stylesheets), pdf_tags=True
    )
