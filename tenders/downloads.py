"""The public list of awards as a CSV download: its columns, and a row for each award.

What ``/awards/`` shows of a confirmed award and nothing more: the winners and their
consortium partners, the value the winners' prices add up to, and when it was
confirmed. No scores, no evaluators, no other bid.
"""

from portal.csv import chunks, list_cell, moment_cell
from tenders.awards import value_of_winners, winners_of

HEADER = [
    "Opportunity reference",
    "Title",
    "Published by",
    "Category",
    "Lot number",
    "Lot title",
    "Winners",
    "Consortium partners",
    "Awarded value (GBP)",
    "Confirmed",
    "URL",
]


def rows(awards, *, link):
    """A row for each of ``awards`` (``tenders.awards.download_awards``), read a chunk at a
    time, three queries a chunk; ``link(reference)`` is the address of an opportunity's
    page."""
    for chunk in chunks(awards):
        winners, partners = winners_of([award[0] for award in chunk])
        for pk, reference, title, publisher, category, lot, lot_title, results, confirmed in chunk:
            won = winners.get(pk, [])
            yield [
                reference,
                title,
                publisher,
                category,
                lot,
                lot_title,
                list_cell(name for _bid, name in won),
                list_cell(
                    f"{partner} (with {name})" for bid, name in won for partner in partners[bid]
                ),
                value_of_winners(results, {bid for bid, _name in won}),
                moment_cell(confirmed),
                link(reference),
            ]
