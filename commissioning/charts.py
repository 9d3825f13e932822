"""Horizontal bar charts drawn on the server as SVG: no script, and readable as a table.

A chart is an image (``role="img"``) with a title and a description that say
what it shows; the page puts the same figures in a table right after it, which
is what a screen reader or a copy-and-paste reads. Geometry is worked out here
so the template only places shapes.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

# Each bar sits under its label, so the chart can be narrow: it fills two thirds
# of the page on a computer and the whole width of a phone, and its words stay
# readable on both.
WIDTH = 480
VALUE_WIDTH = 80
LABEL_HEIGHT = 20
BAR_HEIGHT = 20
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 12
TOP = 4
LABEL_CHARACTERS = 58


def _chart_id(title, description):
    """An id for the chart's title and description, the same on every rendering of the
    page (a counter would make each rendering differ, and a page's HTML should depend on
    its data only), and different for charts with different words."""
    digest = hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:10]
    return f"chart-{digest}"


def pounds_short(amount):
    """``£1.2m``, ``£350k``, ``£900``: a bar's value in few characters."""
    amount = Decimal(amount or 0)
    if amount >= 1_000_000:
        return f"£{amount / 1_000_000:.1f}m"
    if amount >= 10_000:
        return f"£{amount / 1_000:.0f}k"
    return f"£{amount:,.0f}"


def percent(value):
    return "–" if value is None else f"{value}%"


def _shortened(label):
    label = str(label)
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


@dataclass
class Bar:
    label: str
    short_label: str
    text: str
    y: int
    width: float

    @property
    def label_y(self):
        return self.y - 6

    @property
    def text_y(self):
        return self.y + BAR_HEIGHT / 2

    @property
    def value_x(self):
        return self.width + 6


@dataclass
class BarChart:
    title: str
    description: str
    bars: list = field(default_factory=list)
    id: str = ""
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self):
        return TOP * 2 + ROW_HEIGHT * len(self.bars)


def bar_chart(items, *, title, description, text=pounds_short, maximum=None):
    """A chart of ``items`` (``(label, number)`` pairs) in the order given.

    Bars are scaled to ``maximum`` (the largest number when not given, 100 for
    percentages); ``text`` writes each number beside its bar. A number of None
    draws no bar and writes "–".
    """
    items = list(items)
    numbers = [Decimal(number) for _label, number in items if number is not None]
    top = Decimal(maximum) if maximum is not None else max(numbers, default=Decimal(0))
    room = WIDTH - VALUE_WIDTH
    chart = BarChart(
        title=str(title), description=str(description), id=_chart_id(title, description)
    )
    for row, (label, number) in enumerate(items):
        width = float(min(Decimal(number), top) / top * room) if number and top else 0
        chart.bars.append(
            Bar(
                label=str(label),
                short_label=_shortened(label),
                text=text(number),
                y=TOP + row * ROW_HEIGHT + LABEL_HEIGHT,
                width=round(max(width, 0), 1),
            )
        )
    return chart
