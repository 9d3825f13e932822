"""References for the commissioning records: ``PRJ-2026-0007``, ``PIP-…``, ``CON-…``."""

from django.db import IntegrityError, transaction
from django.utils import timezone

ATTEMPTS = 5


def _last_reference(model, year_prefix):
    return (
        model.objects.filter(reference__startswith=year_prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )


def create_with_reference(model, prefix, **fields):
    """Create a ``model`` row with the next free reference ``<prefix>-<year>-NNNN``.

    Two creations at the same moment may pick the same number; the one that
    loses the reference's unique constraint takes the next, up to a few times.
    Any other ``IntegrityError`` (a missing category, say) is raised as it is:
    another number would not cure it.
    """
    year_prefix = f"{prefix}-{timezone.localdate().year}-"
    for _attempt in range(ATTEMPTS):
        last = _last_reference(model, year_prefix)
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        reference = f"{year_prefix}{number:04d}"
        try:
            with transaction.atomic():
                return model.objects.create(reference=reference, **fields)
        except IntegrityError:
            # The constraint that failed was the reference's only if another
            # creation (now committed, so visible) holds that reference.
            if not model.objects.filter(reference=reference).exists():
                raise
    raise RuntimeError(f"Could not allocate a {model._meta.verbose_name} reference.")
