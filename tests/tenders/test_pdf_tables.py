"""The tender PDFs' print styles keep a table's caption with its rows, wherever the page ends.

WeasyPrint 67 fails to tag a PDF (``ValueError: Table wrapper without a table``) when
a caption is left alone at the foot of a page; the evaluation report of a real
tender hit it (bench/tender_pdfs.py). Each style here is tried with the caption
pushed a little further down the page each time, across the whole foot of it.
"""

import pytest
from django.template.loader import render_to_string

from portal.pdf import write_pdf

ROWS = "".join(f"<tr><td>Bid {n}</td><td>{n}.00</td></tr>" for n in range(40))


@pytest.mark.parametrize(
    ("stylesheet", "page_height"),
    # The height inside the margins: A4 landscape less 2 × 18 mm, A4 portrait less 2 × 20 mm.
    [("tenders/results/report.css", 174), ("tenders/summary/print.css", 257)],
)
def test_a_caption_at_the_foot_of_a_page_keeps_with_its_table(stylesheet, page_height):
    css = render_to_string(stylesheet, {"brand_colour": "#1d70b8"})
    # The caption starts 1 mm further down each time, over the page's last 20 mm.
    for filler in range(page_height - 20, page_height):
        html = (
            f'<!DOCTYPE html><html lang="en-GB"><head><style>{css}</style></head><body>'
            f'<div style="height: {filler}mm"></div>'
            "<table><caption>Lot 2: Lot 2</caption>"
            "<thead><tr><th>Bid</th><th>Total</th></tr></thead>"
            f"<tbody>{ROWS}</tbody></table></body></html>"
        )
        assert write_pdf(html).startswith(b"%PDF-"), filler
