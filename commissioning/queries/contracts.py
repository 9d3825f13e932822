"""Reads about contracts: who acts for one, the public register and its filters.

The register and each contract's page are public (seed 004: contracts and
their values are published). Its performance (returns and ratings) is shown
only to the publisher's commissioners and the suppliers' members: see
``can_see_performance``.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from commissioning.models import Contract, ContractKind, ContractSupplier, SupplierRole
from opportunities.actions import is_commissioner
from organisations.filters import InWardOrCitywide, category_filter, ward_filter
from organisations.models import Membership, Organisation
from portal.csv import grouped


def current_suppliers(contract):
    """The contract's organisations that have not left it."""
    return ContractSupplier.objects.filter(contract=contract, left_on__isnull=True)


def is_supplier_member(user, contract):
    """True when ``user`` belongs to one of the contract's current supplier organisations."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user,
        organisation__in=current_suppliers(contract).values("organisation"),
    ).exists()


def is_lead_member(user, contract):
    """True when ``user`` belongs to the contract's lead supplier."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organisation__in=current_suppliers(contract)
        .filter(role=SupplierRole.LEAD)
        .values("organisation"),
    ).exists()


def can_manage(user, contract):
    """The publisher's commissioners add KPIs and rate performance."""
    return is_commissioner(user, contract.publisher)


def can_see_performance(user, contract):
    """Returns and ratings: the publisher's commissioners and the suppliers' members.

    Not public: a rating is the commissioner's working judgement, written for the
    supplier, and the Procurement Act 2023 (s.52) publishes only the formal KPI
    assessments of contracts over £5 million, which none of the third sector's are.
    """
    return can_manage(user, contract) or is_supplier_member(user, contract)


def delivered_by(user):
    """The contracts ``user``'s organisations deliver now (lead, partner or subcontractor),
    newest start first: the way in to their returns and social value. One query."""
    if user is None or not user.is_authenticated:
        return Contract.objects.none()
    return (
        Contract.objects.filter(
            suppliers__organisation__memberships__user=user, suppliers__left_on__isnull=True
        )
        .distinct()
        .order_by("-starts_on", "pk")
    )


def supplier_emails(contract):
    """The addresses of the active members of the contract's current suppliers."""
    return sorted(
        set(
            Membership.objects.filter(
                organisation__in=current_suppliers(contract).values("organisation"),
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


class ContractFilter(InWardOrCitywide, django_filters.FilterSet):
    """The filters of ``/contracts/``: combined with AND; a value that is not valid is
    reported and left out."""

    q = django_filters.CharFilter(
        label=_("Search by title, reference or supplier"), method="search", max_length=200
    )
    publisher = django_filters.ModelChoiceFilter(
        label=_("Commissioned by"),
        queryset=Organisation.objects.filter(publishing_allowed_at__isnull=False).order_by("name"),
        to_field_name="slug",
        empty_label=_("Any publisher"),
        error_messages={"invalid_choice": _("Select a publisher from the list")},
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=ContractKind.choices,
        empty_label=_("Any type"),
        error_messages={"invalid_choice": _("Select a type from the list")},
    )
    category = category_filter()
    ward = ward_filter()

    class Meta:
        model = Contract
        fields = []

    def search(self, queryset, name, words):
        supplied_by = ContractSupplier.objects.filter(
            contract=OuterRef("pk"), organisation__name__icontains=words
        )
        return queryset.filter(
            Q(title__icontains=words) | Q(reference__iexact=words) | Exists(supplied_by)
        )


def search_contracts(params):
    """``(filterset, contracts matching params)``, newest start first, with the publisher
    and the lead supplier loaded in a fixed number of queries."""
    contracts = (
        Contract.objects.select_related("publisher")
        .prefetch_related(
            Prefetch(
                "suppliers",
                queryset=ContractSupplier.objects.filter(role=SupplierRole.LEAD).select_related(
                    "organisation"
                ),
                to_attr="leads",
            )
        )
        .order_by("-starts_on", "-pk")
    )
    filterset = ContractFilter(params, queryset=contracts)
    return filterset, filterset.qs


def download_contracts(params):
    """Every contract the filters in ``params`` find, for the CSV download: the register's
    own query (``search_contracts``), not a page of it, with the category loaded. Read
    it in chunks (``portal.csv.chunks``) with each chunk's ``wards_and_suppliers_of``."""
    _, contracts = search_contracts(params)
    # Not the register's lead suppliers: every supplier is read, a chunk at a time.
    return contracts.select_related("category").prefetch_related(None)


def wards_and_suppliers_of(contract_ids):
    """``(wards, suppliers)``: the ward names (by name) and the names of the suppliers
    that have not left (lead first, then consortium members, then subcontractors, each
    by name) of each of the contracts ``contract_ids``, as dicts of lists by id, in
    two queries."""
    wards = Contract.wards.through.objects.filter(contract__in=contract_ids)
    suppliers = ContractSupplier.objects.filter(contract__in=contract_ids, left_on__isnull=True)
    return (
        grouped(wards.order_by("ward__name").values_list("contract_id", "ward__name")),
        grouped(
            # The roles' values sort lead, partner, subcontractor.
            suppliers.order_by("role", "organisation__name").values_list(
                "contract_id", "organisation__name"
            )
        ),
    )
