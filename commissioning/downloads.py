"""The contracts register as a CSV download: its columns, and a row for each contract."""

from portal.csv import CHUNK_SIZE, date_cell, list_cell, yes_no_cell

HEADER = [
    "Reference",
    "Title",
    "Type",
    "Published by",
    "Suppliers",
    "Value (GBP)",
    "Start",
    "End",
    "Ended early on",
    "Citywide",
    "Wards",
    "Category",
    "URL",
]


def rows(contracts, *, link):
    """A row for each of ``contracts`` (``queries.contracts.download_contracts``), read a
    chunk at a time; ``link(reference)`` is the address of a contract's page. The
    suppliers are those that have not left, lead first."""
    for contract in contracts.iterator(chunk_size=CHUNK_SIZE):
        yield [
            contract.reference,
            contract.title,
            contract.get_kind_display(),
            contract.publisher.name,
            list_cell(supplier.organisation.name for supplier in contract.current_suppliers),
            contract.value,
            date_cell(contract.starts_on),
            date_cell(contract.ends_on),
            date_cell(contract.ended_on),
            yes_no_cell(contract.citywide),
            list_cell(ward.name for ward in contract.wards.all()),
            contract.category.name,
            link(contract.reference),
        ]
