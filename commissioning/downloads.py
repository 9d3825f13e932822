"""The contracts register as a CSV download: its columns, and a row for each contract."""

from commissioning.models import ContractKind
from commissioning.queries.contracts import wards_and_suppliers_of
from portal.csv import chunks, date_cell, list_cell, yes_no_cell

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
    chunk at a time, three queries a chunk; ``link(reference)`` is the address of a
    contract's page. The suppliers are those that have not left, lead first."""
    kinds = {kind.value: str(kind.label) for kind in ContractKind}  # translated once
    for chunk in chunks(contracts):
        wards, suppliers = wards_and_suppliers_of([contract.pk for contract in chunk])
        for contract in chunk:
            yield [
                contract.reference,
                contract.title,
                kinds.get(contract.kind, contract.kind),
                contract.publisher.name,
                list_cell(suppliers.get(contract.pk, [])),
                contract.value,
                date_cell(contract.starts_on),
                date_cell(contract.ends_on),
                date_cell(contract.ended_on),
                yes_no_cell(contract.citywide),
                list_cell(wards.get(contract.pk, [])),
                contract.category.name,
                link(contract.reference),
            ]
