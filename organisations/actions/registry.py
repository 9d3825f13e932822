"""Registering organisations, their numbers, verification and publishing rights; wards."""

import csv
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from organisations.actions.common import (
    Action,
    audit,
    changed_fields,
    fields_in_words,
    require_admin,
)
from organisations.models import (
    CharterPrinciple,
    Councillor,
    Identifier,
    Membership,
    MembershipRole,
    Organisation,
    Ward,
)

BIRMINGHAM_WARDS = Path(__file__).parent.parent / "data" / "birmingham_wards.csv"


class IdentifierTaken(Exception):
    """The identifier already belongs to an organisation in the registry."""

    def __init__(self, identifier):
        super().__init__(f"{identifier.org_id} is already registered")
        self.organisation = identifier.organisation
        self.identifier = identifier


# Paths under /organisations/ that an organisation's slug must not take.
RESERVED_SLUGS = {"register", "invitations"}

# A second registration of the same name by the same person this soon after the
# first is the same registration submitted twice.
REPEAT_REGISTRATION_WINDOW = timedelta(minutes=10)

# Sequential slugs to try ("-2", "-3"…) before a random ending.
SLUG_ATTEMPTS = 10


def _free_slug(base):
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _create_with_free_slug(**fields):
    """Create the organisation under the first free slug made from its name.

    Registrations of one name at the same moment all find the same slug free;
    the unique constraint picks one and the others take the next free slug,
    each in a savepoint so the registration carries on. Past
    ``SLUG_ATTEMPTS`` a random ending stops a crowd queueing for numbers.
    """
    base = slugify(fields["name"])[:200] or "organisation"
    for attempt in range(SLUG_ATTEMPTS + 1):
        if attempt < SLUG_ATTEMPTS:
            slug = _free_slug(base)
        else:
            slug = f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"
        try:
            with transaction.atomic():
                return Organisation.objects.create(slug=slug, **fields)
        except IntegrityError:
            if not Organisation.objects.filter(slug=slug).exists():
                raise  # some other constraint: not ours to paper over
    raise IntegrityError(f"No free slug for {base!r} after {SLUG_ATTEMPTS + 1} attempts")


def _repeated_registration(by, name):
    """The organisation ``by`` registered under ``name`` moments ago, if any.

    Locks ``by``'s account row first, so two submissions of one form wait for
    each other instead of both finding nothing and both registering.
    """
    get_user_model().objects.select_for_update().filter(pk=by.pk).first()
    return (
        Organisation.objects.filter(
            created_by=by,
            name__iexact=name,
            created_at__gt=timezone.now() - REPEAT_REGISTRATION_WINDOW,
            memberships__user=by,
        )
        .order_by("created_at")
        .first()
    )


def _split_many(details):
    """Take the many-to-many fields out of ``details``: ``{name: objects}``. A list for
    any other field (the Charter principles, stored as JSON) stays."""
    names = [name for name in details if Organisation._meta.get_field(name).many_to_many]
    return {name: details.pop(name) for name in names}


def charter_principles(codes):
    """``codes`` as stored: known ``CharterPrinciple`` codes only (``ValidationError``
    otherwise), each once, in the Charter's order."""
    codes = set(codes or ())
    if unknown := codes - set(CharterPrinciple.values):
        raise ValidationError(
            {
                "charter_principles": _("%(codes)s: not Charter principles")
                % {"codes": ", ".join(sorted(unknown))}
            }
        )
    return [code for code in CharterPrinciple.values if code in codes]


def _clean_details(details):
    if "charter_principles" in details:
        details["charter_principles"] = charter_principles(details["charter_principles"])
    return details


def _check_identifiers_free(identifiers, *, exclude=None):
    for scheme, value in identifiers:
        taken = Identifier.objects.filter(scheme=scheme, value=value).select_related("organisation")
        if exclude is not None:
            taken = taken.exclude(organisation=exclude)
        if (existing := taken.first()) is not None:
            raise IdentifierTaken(existing)


@transaction.atomic
def register_organisation(*, by, name, legal_form, identifiers=(), **details):
    """Add an organisation to the registry with ``by`` as its first administrator.

    ``identifiers`` are already-normalised ``(scheme, value)`` pairs. Raises
    ``IdentifierTaken`` naming the existing organisation if one is registered.
    Many-to-many ``details`` (service_categories, wards_served…) are set too.

    The same person registering the same name again within
    ``REPEAT_REGISTRATION_WINDOW`` gets the first organisation back unchanged:
    that is a double-clicked button or a resent form, not a second body.
    Anyone else's organisation of the same name is a different one, with its
    own slug.
    """
    name = name.strip()
    if (repeat := _repeated_registration(by, name)) is not None:
        return repeat
    _check_identifiers_free(identifiers)
    _clean_details(details)
    many = _split_many(details)
    organisation = _create_with_free_slug(
        name=name, legal_form=legal_form, created_by=by, **details
    )
    for field, values in many.items():
        getattr(organisation, field).set(values)
    Membership.objects.create(organisation=organisation, user=by, role=MembershipRole.ADMIN)
    audit(organisation, Action.REGISTERED, by)
    for scheme, value in identifiers:
        _add_identifier(organisation, scheme, value, by)
    return organisation


@transaction.atomic
def update_organisation(*, organisation, by, **details):
    """Change what an organisation says about itself. Its administrators only.

    Identifiers are changed with ``set_identifier`` and ``remove_identifier``.
    The history of changes records which fields changed (by their labels) and
    who changed them; an edit that changes nothing records nothing.
    """
    require_admin(organisation, by)
    _clean_details(details)
    # Compared with the stored row: a ModelForm has already written the new
    # values onto the instance it was given.
    stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if changed := changed_fields(stored, details):
        detail = capfirst(fields_in_words(Organisation, changed))
        audit(organisation, Action.PROFILE_CHANGED, by, detail)
    many = _split_many(details)
    for field, value in details.items():
        setattr(organisation, field, value)
    organisation.save()
    for field, values in many.items():
        getattr(organisation, field).set(values)
    return organisation


def _add_identifier(organisation, scheme, value, by):
    try:
        with transaction.atomic():
            identifier = Identifier.objects.create(
                organisation=organisation, scheme=scheme, value=value
            )
    except IntegrityError:
        # Someone registered it between the check and now.
        raise IdentifierTaken(Identifier.objects.get(scheme=scheme, value=value)) from None
    audit(organisation, Action.IDENTIFIER_ADDED, by, identifier.org_id)
    return identifier


@transaction.atomic
def set_identifier(*, organisation, scheme, value, by):
    """Add or change the organisation's number in ``scheme``; changing clears verification."""
    _check_identifiers_free([(scheme, value)], exclude=organisation)
    existing = organisation.identifiers.filter(scheme=scheme).first()
    if existing is None:
        return _add_identifier(organisation, scheme, value, by)
    if existing.value != value:
        old = existing.org_id
        existing.value, existing.verified_at, existing.verified_by = value, None, None
        existing.save(update_fields=["value", "verified_at", "verified_by"])
        audit(organisation, Action.IDENTIFIER_CHANGED, by, f"{old} → {existing.org_id}")
    return existing


@transaction.atomic
def remove_identifier(*, identifier, by):
    """Take a number off an organisation's record."""
    audit(identifier.organisation, Action.IDENTIFIER_REMOVED, by, identifier.org_id)
    identifier.delete()


@transaction.atomic
def verify_identifier(*, identifier, by):
    """Mark a number checked against its register. Only site admins verify."""
    if not by.is_site_admin:
        raise PermissionError("Only a site admin can verify identifiers.")
    if identifier.verified_at is None:
        identifier.verified_at, identifier.verified_by = timezone.now(), by
        identifier.save(update_fields=["verified_at", "verified_by"])
        audit(identifier.organisation, Action.IDENTIFIER_VERIFIED, by, identifier.org_id)
    return identifier


@transaction.atomic
def allow_publishing(*, organisation, by, allowed=True):
    """Let a public body or prime contractor publish opportunities, or stop it.

    Its members become commissioners. Only site admins decide.
    """
    if not by.is_site_admin:
        raise PermissionError("Only a site admin can allow an organisation to publish.")
    if allowed == organisation.can_publish:
        return organisation
    organisation.publishing_allowed_at = timezone.now() if allowed else None
    organisation.publishing_allowed_by = by if allowed else None
    organisation.save(update_fields=["publishing_allowed_at", "publishing_allowed_by"])
    audit(organisation, Action.PUBLISHING_ALLOWED if allowed else Action.PUBLISHING_WITHDRAWN, by)
    return organisation


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
    councillor, _created = Councillor.objects.get_or_create(
        user=user,
        defaults={"full_name": user.full_name, "email": user.email, "party": party},
    )
    if set(councillor.wards.all()) != set(wards):
        councillor.wards.set(wards)
    return councillor
