"""Everything that writes to the registry. Views, commands and tests call these."""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from organisations.models import Councillor, Ward

BIRMINGHAM_WARDS = Path(__file__).parent / "data" / "birmingham_wards.csv"


@transaction.atomic
def import_wards(*, path=BIRMINGHAM_WARDS):
    """Create or rename wards from a CSV of ``gss_code,name``; returns the count.

    Matching is by GSS code, so running it again changes nothing.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = {ward.gss_code: ward for ward in Ward.objects.all()}
    for row in rows:
        code, name = row["gss_code"].strip(), row["name"].strip()
        ward = existing.get(code)
        if ward is None:
            Ward.objects.create(gss_code=code, name=name, slug=slugify(name))
        elif ward.name != name:
            ward.name, ward.slug = name, slugify(name)
            ward.save(update_fields=["name", "slug"])
    return len(rows)


@transaction.atomic
def link_councillor(*, user, wards, party=""):
    """Make ``user`` a councillor representing ``wards`` (replacing earlier wards)."""
    councillor, _ = Councillor.objects.get_or_create(
        user=user,
        defaults={"full_name": user.full_name, "email": user.email, "party": party},
    )
    if set(councillor.wards.all()) != set(wards):
        councillor.wards.set(wards)
    return councillor
