"""The public list of awards as a CSV download: its columns, and a row for each award.

What ``/awards/`` shows of a confirmed award and nothing more: the winners and their
consortium partners, the value the winners' prices add up to, and when it was
confirmed. No scores, no evaluators, no other bid.
"""

from portal.csv import CHUNK_SIZE, list_cell, moment_cell
from tenders.awards import awarded_value

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
    time; ``link(reference)`` is the address of an opportunity's page."""
    for award in awards.iterator(chunk_size=CHUNK_SIZE):
        opportunity = award.tender.opportunity
        winners = award.winners.all()
        yield [
            opportunity.reference,
            opportunity.title,
            opportunity.publisher.name,
            opportunity.category.name,
            award.lot.number if award.lot else "",
            award.lot.title if award.lot else "",
            list_cell(bid.organisation.name for bid in winners),
            list_cell(
                f"{partner.display_name} (with {bid.organisation.name})"
                for bid in winners
                for partner in bid.current_partners
            ),
            awarded_value(award),
            moment_cell(award.confirmed_at),
            link(opportunity.reference),
        ]
