"""The opportunity search as a CSV download: its columns, and a row for each opportunity.

What an opportunity's public page shows, as plain values (dates in ISO 8601, money
as decimals in pounds). The contact's name and email address are left out: they
name a person, and open data never does.
"""

from opportunities.models import Procedure, Status
from opportunities.queries import wards_and_codes_of
from portal.csv import chunks, date_cell, list_cell, moment_cell, yes_no_cell

HEADER = [
    "Reference",
    "Title",
    "Published by",
    "Category",
    "Status",
    "Value from (GBP)",
    "Value to (GBP)",
    "Value includes VAT",
    "Procedure",
    "Published",
    "Deadline for questions",
    "Deadline for bids",
    "Contract start",
    "Length in months",
    "Citywide",
    "Wards",
    "Suitable for small organisations",
    "Subcontracting opportunity",
    "CPV codes",
    "URL",
]


def rows(opportunities, *, link, now):
    """A row for each of ``opportunities`` (``queries.download_opportunities``), read a
    chunk at a time, three queries a chunk; ``link(reference)`` is the address of an
    opportunity's page and ``now`` the moment its status is told at."""
    # Translated once, not for each of a hundred thousand rows.
    statuses = {status: str(status.label) for status in Status}
    procedures = {procedure.value: str(procedure.label) for procedure in Procedure}
    for chunk in chunks(opportunities):
        wards, codes = wards_and_codes_of([opportunity.pk for opportunity in chunk])
        for opportunity in chunk:
            yield [
                opportunity.reference,
                opportunity.title,
                opportunity.publisher.name,
                opportunity.category.name,
                statuses[opportunity.status_at(now)],
                opportunity.value_low,
                opportunity.value_high,
                yes_no_cell(opportunity.value_includes_vat),
                procedures.get(opportunity.procedure, opportunity.procedure),
                moment_cell(opportunity.published_at),
                moment_cell(opportunity.clarification_deadline),
                moment_cell(opportunity.submission_deadline),
                date_cell(opportunity.contract_start),
                opportunity.duration_months,
                yes_no_cell(opportunity.citywide),
                list_cell(wards.get(opportunity.pk, [])),
                yes_no_cell(opportunity.suitable_for_small),
                yes_no_cell(opportunity.subcontracting),
                list_cell(codes.get(opportunity.pk, [])),
                link(opportunity.reference),
            ]
