"""Reads from the registry that are more than one line: directory search and profiles."""

from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from organisations.filters import OrganisationDirectoryFilter
from organisations.models import (
    DocumentKind,
    Identifier,
    Invitation,
    KeyContact,
    Membership,
    Organisation,
    Ward,
)
from organisations.tokens import read_invitation_token


def wards_represented_by(user):
    """The wards of the councillor linked to ``user``, by name (empty if none)."""
    return list(Ward.objects.filter(councillors__user=user).order_by("name"))


def _with_verified_flag(queryset):
    """Annotate ``has_verified_identifier``: any of its register numbers checked by an admin."""
    verified = Identifier.objects.filter(organisation=OuterRef("pk"), verified_at__isnull=False)
    return queryset.annotate(has_verified_identifier=Exists(verified))


def search_directory(params):
    """Apply the directory's filters in ``params`` (a QueryDict) to every organisation.

    Returns ``(filterset, queryset)``: the filterset carries the bound form (and
    its errors, for values that were not valid and so were left out); the
    queryset is sorted by name and loads what a result row shows in a fixed
    number of queries, however many organisations there are.
    """
    organisations = _with_verified_flag(Organisation.objects.with_directory_relations())
    filterset = OrganisationDirectoryFilter(params or None, queryset=organisations)
    return filterset, filterset.qs.order_by(Lower("name"), "pk")


def profile_queryset():
    """Organisations with everything their public profile shows, in a fixed number of queries."""
    return _with_verified_flag(
        Organisation.objects.with_directory_relations().prefetch_related(
            "beneficiary_groups",
            Prefetch("key_contacts", queryset=KeyContact.objects.order_by("name", "pk")),
        )
    )


def load_members_only(organisation):
    """Load the documents and members of ``organisation`` in two queries.

    Call only after checking the viewer may see members-only details.
    """
    prefetch_related_objects(
        [organisation],
        "documents",
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by("user__full_name"),
        ),
    )
    return organisation


# Documents a bid asks for, and how to say one is missing.
DOCUMENTS_FOR_BIDS = {
    DocumentKind.SAFEGUARDING: _lazy("A safeguarding policy"),
    DocumentKind.INSURANCE: _lazy("An insurance certificate"),
    DocumentKind.ACCOUNTS: _lazy("Annual accounts"),
}


def _bid_readiness(organisation):
    """``(what is missing, how many things a bid needs)`` for ``organisation``.

    Each rule that is not met adds one plain-English item, and so does each
    document past its expiry date (it counts as one more thing a bid needs).
    """
    today = timezone.localdate()
    documents = list(organisation.documents.all())
    kinds = {document.kind for document in documents}
    rules = [
        (bool(organisation.description.strip()), _("A description of what you do")),
        (bool(organisation.identifiers.all()), _("A charity, company or mutual number")),
        (bool(organisation.income_band), _("Your annual income")),
        (bool(organisation.service_categories.all()), _("The services you provide")),
        (
            organisation.citywide or bool(organisation.wards_served.all()),
            _("The wards you work in, or that you work across the whole city"),
        ),
    ] + [(kind in kinds, str(item)) for kind, item in DOCUMENTS_FOR_BIDS.items()]
    expired = [
        _("A current copy of “%(title)s”, which expired on %(date)s")
        % {"title": document.title, "date": date_format(document.expires_on, "j F Y")}
        for document in documents
        if document.expires_on is not None and document.expires_on < today
    ]
    missing = [item for met, item in rules if not met] + expired
    return missing, len(rules) + len(expired)


def missing_for_bids(organisation):
    """What a bid will need that the profile lacks, in plain English (empty when complete).

    Covers the description, a register number, income, services, where it works,
    a safeguarding policy, insurance, accounts, and any document past its expiry
    date. Uses prefetched documents, identifiers, services and wards when loaded.
    """
    return _bid_readiness(organisation)[0]


def profile_completeness(organisation):
    """How much of what a bid needs the profile has, as a whole percentage (0–100)."""
    missing, needed = _bid_readiness(organisation)
    return round(100 * (needed - len(missing)) / needed)


def memberships_of(user):
    """The user's memberships with their organisations, by organisation name."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def invitation_from_link(token):
    """The invitation a link names, if the link is genuine, unexpired and still open; else None.

    For showing who is inviting whom; accepting goes through ``accept_invitation``.
    A used or withdrawn invitation is None too: its link must no longer show the
    organisation or the address it was sent to.
    """
    try:
        invitation_id = read_invitation_token(token)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(pk=invitation_id, accepted_at__isnull=True, withdrawn_at__isnull=True)
        .first()
    )
