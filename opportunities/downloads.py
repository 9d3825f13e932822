"""The opportunity search as a CSV download: its columns, and a row for each opportunity.

What an opportunity's public page shows, as plain values (dates in ISO 8601, money
as decimals in pounds). The contact's name and email address are left out: they
name a person, and open data never does.
"""

from portal.csv import CHUNK_SIZE, date_cell, list_cell, moment_cell, yes_no_cell

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
    chunk at a time; ``link(reference)`` is the address of an opportunity's page and
    ``now`` the moment its status is told at."""
    for opportunity in opportunities.iterator(chunk_size=CHUNK_SIZE):
        yield [
            opportunity.reference,
            opportunity.title,
            opportunity.publisher.name,
            opportunity.category.name,
            opportunity.status_at(now).label,
            opportunity.value_low,
            opportunity.value_high,
            yes_no_cell(opportunity.value_includes_vat),
            opportunity.get_procedure_display(),
            moment_cell(opportunity.published_at),
            moment_cell(opportunity.clarification_deadline),
            moment_cell(opportunity.submission_deadline),
            date_cell(opportunity.contract_start),
            opportunity.duration_months,
            yes_no_cell(opportunity.citywide),
            list_cell(ward.name for ward in opportunity.wards.all()),
            yes_no_cell(opportunity.suitable_for_small),
            yes_no_cell(opportunity.subcontracting),
            list_cell(cpv.code for cpv in opportunity.cpv_codes.all()),
            link(opportunity.reference),
        ]
