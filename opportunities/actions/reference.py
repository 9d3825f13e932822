"""Reference data the portal ships: the CPV codes for services."""

import csv
from pathlib import Path

from opportunities.models import CpvCode

CPV_CODES = Path(__file__).resolve().parent.parent / "data" / "cpv_services.csv"


def import_cpv_codes(*, path=CPV_CODES, model=CpvCode):
    """Create or update the CPV codes in the CSV of ``code,description``; returns the count.

    Matching is by code, so running it again changes nothing. The data
    migration passes its historical ``model``; the demo seed runs it too, so a
    database emptied by tests gets the codes back.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        model.objects.update_or_create(
            code=row["code"].strip(), defaults={"description": row["description"].strip()}
        )
    return len(rows)
