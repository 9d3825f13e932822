"""Long words and addresses in the tender PDFs wrap inside the page, never run off it.

The evaluation report's tables are laid out fixed (fast at 200 bids) with
``overflow-wrap: break-word``; a 200-character address in any of its cells, or
in an assessment summary's reasons, must still wrap at the edge of its column.
Checked on WeasyPrint's laid-out boxes: no line of text ends past the right margin.
"""

import pytest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from portal.pdf import refuse_remote

LONG = "https://example.org/" + "evidence" * 25  # 220 characters, nowhere to break

REPORT_BODY = f"""
<h3>{LONG}</h3>
<table class="report-method"><thead><tr><th>Question</th><th>Group</th><th>Weight</th>
<th>Scale</th><th>Minimum score</th></tr></thead>
<tbody><tr><td>{LONG}</td><td>Quality</td><td>20%</td><td>0 to 5</td><td>2</td></tr></tbody>
</table>
<table class="report-panel"><thead><tr><th>Evaluator</th><th>Role</th><th>Declared</th>
<th>Conflicts of interest</th></tr></thead>
<tbody><tr><td>{LONG}</td><td>Evaluator</td><td>1 May</td><td>{LONG}</td></tr></tbody></table>
<table class="govuk-table portal-table--wide results-table"><caption>Lot 1</caption>
<thead><tr><th>Rank</th><th>Bid</th><th>Price</th><th>Quality</th><th>Social value</th>
<th>Price score</th><th>Total</th><th>Notes</th></tr></thead>
<tbody><tr><td>1</td><th>{LONG}</th><td>£40,000.00</td><td>36.00</td><td>12.00</td>
<td>20.00</td><td>68.00</td><td>{LONG}</td></tr></tbody></table>
<table class="report-scores"><thead><tr><th>Question</th><th>Score</th><th>Reason</th></tr>
</thead><tbody><tr><td>Question 1, {LONG}</td><td>3 / 5</td><td>{LONG}</td></tr></tbody>
</table>
<p>{LONG}</p>
"""

SUMMARY_BODY = f"""
<p>{LONG}</p>
<dl class="govuk-summary-list"><div class="govuk-summary-list__row">
<dt class="govuk-summary-list__key">Why</dt><dd class="govuk-summary-list__value">{LONG}</dd>
</div></dl>
"""


def furthest_text(html):
    """How far past the right margin the furthest line of text ends (0 or less: inside)."""
    document = HTML(string=html, base_url=None, url_fetcher=refuse_remote).render()
    furthest = float("-inf")
    for page in document.pages:
        page_box = page._page_box
        right = page_box.margin_width() - page_box.margin_right
        for box in page_box.descendants():
            if isinstance(box, boxes.TextBox):
                furthest = max(furthest, box.position_x + box.width - right)
    return furthest


@pytest.mark.parametrize(
    ("stylesheet", "body"),
    [("tenders/results/report.css", REPORT_BODY), ("tenders/summary/print.css", SUMMARY_BODY)],
)
def test_a_long_unbroken_address_wraps_inside_the_page(stylesheet, body):
    css = render_to_string(stylesheet, {"brand_colour": "#1d70b8"})
    html = f'<!DOCTYPE html><html lang="en-GB"><head><style>{css}</style></head><body>{body}'
    assert furthest_text(html) <= 0.01
