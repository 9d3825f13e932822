"""References for the commissioning records: ``PRJ-2026-0007``, ``PIP-…``, ``CON-…``."""

from django.db import IntegrityError, transaction
from django.utils import timezone

ATTEMPTS = 5


def create_with_reference(model, prefix, **fields):
    """Create a ``model`` row with the next free reference ``<prefix>-<year>-NNNN``.

    Two creations at the same moment may pick the same number; the one that
    loses the unique constraint takes the next, up to a few times.
    """
    year_prefix = f"{prefix}-{timezone.localdate().year}-"
    for _attempt in range(ATTEMPTS):
        last = (
            model.objects.filter(reference__startswith=year_prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        try:
            with transaction.atomic():
                return model.objects.create(reference=f"{year_prefix}{number:04d}", **fields)
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not allocate a {model._meta.verbose_name} reference.")
