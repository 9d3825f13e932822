"""Everything that writes to the registry. Views, commands and tests call these."""

import csv
from datetime import timedelta
from pathlib import Path

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from organisations import emails, tasks
from organisations.models import (
    AuditEvent,
    Councillor,
    Document,
    Identifier,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    Ward,
)
from organisations.tokens import read_invitation_token

BIRMINGHAM_WARDS = Path(__file__).parent / "data" / "birmingham_wards.csv"

Action = AuditEvent.Action


class IdentifierTaken(Exception):
    """The identifier already belongs to an organisation in the registry."""

    def __init__(self, identifier):
        super().__init__(f"{identifier.org_id} is already registered")
        self.organisation = identifier.organisation
        self.identifier = identifier


class LastAdministrator(Exception):
    """An organisation must keep at least one administrator."""


def _audit(organisation, action, by, detail=""):
    AuditEvent.objects.create(organisation=organisation, action=action, actor=by, detail=detail)


# Paths under /organisations/ that an organisation's slug must not take.
RESERVED_SLUGS = {"register", "invitations"}


def _unique_slug(name):
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


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
    """
    _check_identifiers_free(identifiers)
    many = {key: details.pop(key) for key in list(details) if isinstance(details[key], list)}
    organisation = Organisation.objects.create(
        name=name.strip(), slug=_unique_slug(name), legal_form=legal_form, created_by=by, **details
    )
    for field, values in many.items():
        getattr(organisation, field).set(values)
    Membership.objects.create(organisation=organisation, user=by, role=MembershipRole.ADMIN)
    _audit(organisation, Action.REGISTERED, by)
    for scheme, value in identifiers:
        _add_identifier(organisation, scheme, value, by)
    return organisation


@transaction.atomic
def update_organisation(*, organisation, by, **details):
    """Change what an organisation says about itself. Its administrators only.

    Identifiers are changed with ``set_identifier`` and ``remove_identifier``,
    which keep the audit trail.
    """
    _require_admin(organisation, by)
    many = {key: details.pop(key) for key in list(details) if isinstance(details[key], list)}
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
    _audit(organisation, Action.IDENTIFIER_ADDED, by, identifier.org_id)
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
        _audit(organisation, Action.IDENTIFIER_CHANGED, by, f"{old} → {existing.org_id}")
    return existing


@transaction.atomic
def remove_identifier(*, identifier, by):
    """Take a number off an organisation's record."""
    _audit(identifier.organisation, Action.IDENTIFIER_REMOVED, by, identifier.org_id)
    identifier.delete()


@transaction.atomic
def verify_identifier(*, identifier, by):
    """Mark a number checked against its register. Only site admins verify."""
    if not by.is_site_admin:
        raise PermissionError("Only a site admin can verify identifiers.")
    if identifier.verified_at is None:
        identifier.verified_at, identifier.verified_by = timezone.now(), by
        identifier.save(update_fields=["verified_at", "verified_by"])
        _audit(identifier.organisation, Action.IDENTIFIER_VERIFIED, by, identifier.org_id)
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
    _audit(organisation, Action.PUBLISHING_ALLOWED if allowed else Action.PUBLISHING_WITHDRAWN, by)
    return organisation


def _admin_count(organisation):
    return organisation.memberships.filter(role=MembershipRole.ADMIN).count()


def _require_admin(organisation, by):
    if (
        not by.is_site_admin
        and not organisation.memberships.filter(user=by, role=MembershipRole.ADMIN).exists()
    ):
        raise PermissionError("Only the organisation's administrators can do this.")


@transaction.atomic
def change_member_role(*, membership, role, by):
    """Make a member an administrator or the reverse; the last administrator stays one."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require_admin(organisation, by)
    if membership.role == role:
        return membership
    if membership.is_admin and _admin_count(organisation) == 1:
        raise LastAdministrator("An organisation needs at least one administrator.")
    membership.role = role
    membership.save(update_fields=["role"])
    _audit(
        organisation,
        Action.MEMBER_ROLE_CHANGED,
        by,
        f"{membership.user.email}: {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def remove_member(*, membership, by):
    """Take someone out of an organisation (themselves, or by an administrator).

    The last administrator can be neither removed nor leave.
    """
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    leaving = membership.user_id == by.pk
    if not leaving:
        _require_admin(organisation, by)
    if membership.is_admin and _admin_count(organisation) == 1:
        raise LastAdministrator("An organisation needs at least one administrator.")
    _audit(
        organisation,
        Action.MEMBER_LEFT if leaving else Action.MEMBER_REMOVED,
        by,
        membership.user.email,
    )
    membership.delete()


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


class InvitationError(Exception):
    """An invitation link that cannot be used, with the reason in plain English."""


@transaction.atomic
def invite_member(*, organisation, email, role=MembershipRole.MEMBER, by):
    """Email someone a signed link to join ``organisation``. Administrators only.

    Inviting an address again sends a fresh link and withdraws the old one.
    """
    _require_admin(organisation, by)
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise InvitationError(f"{email} is already a member of {organisation}.")
    organisation.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=by
    )
    _audit(organisation, Action.MEMBER_INVITED, by, email)
    tasks.send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def accept_invitation(*, token, user):
    """Join the organisation named in a signed invitation link; returns the membership.

    Raises ``InvitationError`` if the link is broken, expired (after
    ``INVITATION_MAX_AGE``), withdrawn, already used, or sent to another address.
    """
    try:
        invitation_id = read_invitation_token(token)
    except signing.SignatureExpired:
        raise InvitationError("This invitation has expired. Ask for a new one.") from None
    except signing.BadSignature:
        raise InvitationError("This invitation link does not work.") from None
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.withdrawn_at is not None:
        raise InvitationError("This invitation has been withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used.")
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that address to accept it."
        )
    membership, _ = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _audit(invitation.organisation, Action.MEMBER_JOINED, user, user.email)
    return membership


@transaction.atomic
def add_document(*, organisation, kind, title, file, expires_on=None, by):
    """Attach a policy, certificate or accounts to the organisation. Administrators only."""
    _require_admin(organisation, by)
    return Document.objects.create(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        file=file,
        expires_on=expires_on,
        uploaded_by=by,
    )


@transaction.atomic
def remove_document(*, document, by):
    """Delete a document and its file. Administrators only."""
    _require_admin(document.organisation, by)
    document.file.delete(save=False)
    document.delete()


# Members are reminded this many days before a document expires.
EXPIRY_REMINDERS = {30: "reminded_30_days_at", 7: "reminded_7_days_at"}


def send_expiry_reminders(*, today=None):
    """Email each organisation's members about documents expiring in 30 and 7 days.

    Each reminder goes once: a document is claimed with ``select_for_update``
    (``skip_locked``, so two runs never take the same one) and marked in the
    same transaction as the email is sent; if sending fails, nothing is marked
    and the next run tries again. A document whose reminder day passed while
    the job was not running still gets it, until the document has expired.
    Returns the number of reminders sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for days, field in sorted(EXPIRY_REMINDERS.items(), reverse=True):
        due = Document.objects.filter(
            **{f"{field}__isnull": True},
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
        )
        if days == 30:
            # Inside 7 days only the 7-day reminder is worth sending.
            due = due.exclude(expires_on__lte=today + timedelta(days=7))
        for document_id in due.values_list("pk", flat=True):
            with transaction.atomic():
                document = (
                    Document.objects.select_for_update(skip_locked=True)
                    .filter(pk=document_id, **{f"{field}__isnull": True})
                    .select_related("organisation")
                    .first()
                )
                if document is None:
                    continue
                emails.send_expiry_reminder(document, days_left=(document.expires_on - today).days)
                setattr(document, field, timezone.now())
                document.save(update_fields=[field])
                sent += 1
    return sent


# What a key contact's record holds; anything else passed in is refused.
KEY_CONTACT_FIELDS = {"name", "role", "email", "phone", "is_public"}


def _check_key_contact_fields(fields):
    if unknown := set(fields) - KEY_CONTACT_FIELDS:
        raise TypeError(f"Key contacts have no {', '.join(sorted(unknown))}.")


@transaction.atomic
def add_key_contact(*, organisation, by, **fields):
    """Name a contact for ``organisation``; returns it. Administrators only.

    ``fields`` are the contact's name, role, email, phone and is_public; a
    contact is for members only unless ``is_public`` is true.
    """
    _require_admin(organisation, by)
    _check_key_contact_fields(fields)
    return organisation.key_contacts.create(**fields)


@transaction.atomic
def update_key_contact(*, contact, by, **fields):
    """Change the given fields of a key contact; returns it. Administrators only."""
    _require_admin(contact.organisation, by)
    _check_key_contact_fields(fields)
    for field, value in fields.items():
        setattr(contact, field, value)
    contact.save(update_fields=list(fields))
    return contact


@transaction.atomic
def remove_key_contact(*, contact, by):
    """Take a contact off the organisation's profile. Administrators only."""
    _require_admin(contact.organisation, by)
    contact.delete()
