"""Past digests as PDF: WeasyPrint draws the stored email exactly as it was sent.

The stored HTML is the digest's own template output, with inline styles and no
external images; ``portal.pdf`` fetches nothing while drawing it.
"""

from weasyprint import CSS

from portal.pdf import write_pdf

# The email is laid out for a screen: give it an A4 page with room at the edges, make
# nested layout tables as wide as mail programs draw them (WeasyPrint shrinks a table
# inside a cell to its content despite width="100%"), keep each entry (a cell three
# layout tables deep) on one page and each heading with what follows it.
PAGE = CSS(
    string="""
    @page { size: A4; margin: 15mm 12mm; }
    table[width="100%"] { width: 100%; }
    td td td { break-inside: avoid; }
    h2, h3, h2 + p { break-after: avoid; }
    """
)


def file_name(digest):
    """``digest-2026-W48.pdf``: what the download is called."""
    return f"digest-{digest.week}.pdf"


def render_pdf(digest):
    """The digest as it was sent, as PDF bytes (A4, tagged for screen readers)."""
    return write_pdf(digest.html, stylesheets=[PAGE])
