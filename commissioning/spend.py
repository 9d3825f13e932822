"""Spend and outcomes (seed 003: map the council's spending with the sector).

Every figure is an aggregate query over the contracts that match the filters, so
the number of queries and the rows read back do not grow with the number of
contracts. How contracts are counted:

- A contract's **whole value** is counted in the **year it starts**, for its
  publisher and its category.
- Its value goes to its **lead supplier**: the share to the third sector is the
  value of contracts whose lead supplier's legal form is in the third sector
  (``LegalForm.sector``); the share to micro and small organisations is the
  value of contracts whose lead supplier is micro or small by income band, or
  has at most ``SMALL_ORGANISATION_MAX_STAFF`` paid staff (``Organisation.is_small``).
- **By ward**, a contract in several wards is **split equally** between them, so
  the ward rows add up to the total; a contract across the whole city is a row
  of its own, and so is one with no ward recorded.
- Social value is added up **per unit** (hours, jobs...): pledged and delivered
  totals of different units are never added together. A pledge for named wards
  is split equally between them, like a contract's value.
"""

import logging
from decimal import Decimal

import django_filters
from django import forms
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning import social_value
from commissioning.models import Contract, ContractSupplier, SupplierRole
from organisations.filters import category_filter
from organisations.models import (
    SIZE_CLASS_FOR_INCOME,
    SMALL_ORGANISATION_MAX_STAFF,
    LegalForm,
    Organisation,
    Sector,
    SizeClass,
)

logger = logging.getLogger(__name__)

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
THIRD_SECTOR_FORMS = [form.value for form in LegalForm if form.sector == Sector.THIRD]
SMALL_INCOME_BANDS = [
    band.value
    for band, size in SIZE_CLASS_FOR_INCOME.items()
    if size in {SizeClass.MICRO, SizeClass.SMALL}
]
YEARS_LISTED = 15


def third_sector(organisation="organisation"):
    """``Q`` for an organisation (at the path ``organisation``) in the third sector."""
    return Q(**{f"{organisation}__legal_form__in": THIRD_SECTOR_FORMS})


def micro_or_small(organisation="organisation"):
    """``Q`` for a micro or small organisation, as ``Organisation.is_small`` says."""
    return Q(**{f"{organisation}__income_band__in": SMALL_INCOME_BANDS}) | Q(
        **{f"{organisation}__paid_staff__lte": SMALL_ORGANISATION_MAX_STAFF}
    )


def _value_if(condition, value="value"):
    """``SUM(CASE WHEN condition THEN value ELSE 0 END)``."""
    return Coalesce(Sum(Case(When(condition, then=value), default=ZERO, output_field=MONEY)), ZERO)


def figures(value="value"):
    """The aggregates every breakdown shows, over contracts with the ``lead`` relation."""
    # "value" comes last: once it names an aggregate, "value" no longer means the field.
    return {
        "contracts": Count("pk"),  # one row a contract: the lead join is one to one
        "third_sector_value": _value_if(third_sector("lead__organisation"), value),
        "small_value": _value_if(micro_or_small("lead__organisation"), value),
        "value": Coalesce(Sum(value, output_field=MONEY), ZERO),
    }


def with_lead(contracts):
    """``contracts`` joined (LEFT JOIN) to their lead supplier as ``lead``."""
    return contracts.alias(
        lead=FilteredRelation("suppliers", condition=Q(suppliers__role=SupplierRole.LEAD))
    )


def _years():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year + 1, this_year - YEARS_LISTED, -1)]


class SpendFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and int(first) > int(last):
            self.add_error("year_to", _("The last year must be the same as or after the first"))
            cleaned.pop("year_to", None)
        return cleaned


class SpendFilter(django_filters.FilterSet):
    """The spend page's filters: contracts starting from one year to another, one
    publisher, one category. An invalid value is reported and left out."""

    year_from = django_filters.ChoiceFilter(
        label=_("From"),
        choices=_years,
        empty_label=_("Any year"),
        field_name="starts_on__year",
        lookup_expr="gte",
        error_messages={"invalid_choice": _("Select the first year from the list")},
    )
    year_to = django_filters.ChoiceFilter(
        label=_("To"),
        choices=_years,
        empty_label=_("Any year"),
        field_name="starts_on__year",
        lookup_expr="lte",
        error_messages={"invalid_choice": _("Select the last year from the list")},
    )
    publisher = django_filters.ModelChoiceFilter(
        label=_("Published by"),
        queryset=Organisation.objects.filter(publishing_allowed_at__isnull=False).order_by("name"),
        to_field_name="slug",
        empty_label=_("Any publisher"),
        error_messages={"invalid_choice": _("Select a publisher from the list")},
    )
    category = category_filter()

    class Meta:
        model = Contract
        fields = []
        form = SpendFilterForm


def filtered_contracts(params):
    """``(filterset, contracts matching params)``; the filterset's form carries any errors."""
    filterset = SpendFilter(params or None, queryset=Contract.objects.all())
    return filterset, filterset.qs


class _RowCount(Func):
    """``COUNT(*)`` that Django does not take for an aggregate, so a subquery using it
    has no GROUP BY: PostgreSQL then runs it as one index lookup a row."""

    template = "COUNT(*)"
    output_field = IntegerField()


def ward_count(through, owner, outer="pk"):
    """A subquery counting the rows of ``through`` (a wards M2M table) whose ``owner``
    field is ``OuterRef(outer)``: how many wards that contract or pledge has."""
    return Subquery(
        through.objects.filter(**{owner: OuterRef(outer)}).order_by().values(n=_RowCount())
    )


def _contract_rows(contracts):
    """``(sql, params)``: one row a matching contract (``id``, ``value``, ``citywide``,
    ``publisher_id``, ``category_id``, ``year``, and whether its lead supplier is
    ``third`` sector or ``small``), for the aggregates below to read once."""
    flag = BooleanField()
    rows = (
        with_lead(contracts)
        .order_by()
        .values(
            "id",
            "value",
            "citywide",
            "publisher_id",
            "category_id",
            year=ExtractYear("starts_on"),
            third=ExpressionWrapper(third_sector("lead__organisation"), output_field=flag),
            small=ExpressionWrapper(micro_or_small("lead__organisation"), output_field=flag),
        )
    )
    return rows.query.sql_with_params()


_SUMS = """COUNT(*) AS contracts,
    COALESCE(SUM(CASE WHEN c.third THEN {value} ELSE 0 END), 0) AS third_sector_value,
    COALESCE(SUM(CASE WHEN c.small THEN {value} ELSE 0 END), 0) AS small_value,
    COALESCE(SUM({value}), 0) AS value"""

# Every breakdown but the wards in one pass over the contracts: GROUPING SETS gives the
# total, each year, publisher and category, and each place (citywide, in named wards,
# no ward recorded). ``c.id IN (...)`` in the select list is one hashed lookup table.
_BREAKDOWNS = f"""
SELECT g.*, p.name AS publisher_name, p.slug AS publisher_slug,
    k.name AS category_name, k.slug AS category_slug
FROM (
    SELECT GROUPING(c.year) = 0 AS by_year, GROUPING(c.publisher_id) = 0 AS by_publisher,
        GROUPING(c.category_id) = 0 AS by_category, GROUPING(c.place) = 0 AS by_place,
        c.year, c.publisher_id, c.category_id, c.place, {_SUMS.format(value="c.value")}
    FROM (
        SELECT c.*, CASE WHEN c.citywide THEN 'citywide'
            WHEN c.id IN (SELECT contract_id FROM commissioning_contract_wards) THEN 'wards'
            ELSE 'nowhere' END AS place
        FROM ({{rows}}) c
    ) c
    GROUP BY GROUPING SETS ((), (c.year), (c.publisher_id), (c.category_id), (c.place))
) g
LEFT JOIN organisations_organisation p ON p.id = g.publisher_id
LEFT JOIN organisations_servicecategory k ON k.id = g.category_id
"""  # noqa: S608 (only constants here; the rows' SQL comes from the ORM, with parameters)

# A contract in named wards gives each of them value / its number of wards; the number
# is counted once a contract (a window over the wards table), not once a ward row.
_BY_WARD = f"""
SELECT w.name, w.slug, {_SUMS.format(value="c.value / cw.wards")}
FROM ({{rows}}) c
JOIN (
    SELECT contract_id, ward_id, COUNT(*) OVER (PARTITION BY contract_id) AS wards
    FROM commissioning_contract_wards
) cw ON cw.contract_id = c.id
JOIN organisations_ward w ON w.id = cw.ward_id
WHERE NOT c.citywide
GROUP BY w.id, w.name, w.slug
ORDER BY value DESC, w.name
"""  # noqa: S608 (as above)


def _fetch(template, contracts):
    rows_sql, params = _contract_rows(contracts)
    with connection.cursor() as cursor:
        cursor.execute(template.format(rows=rows_sql), params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _figures_of(row):
    return {key: row[key] for key in ("contracts", "third_sector_value", "small_value", "value")}


def _empty():
    nothing = Decimal(0)
    return {"contracts": 0, "third_sector_value": nothing, "small_value": nothing, "value": nothing}


def breakdowns(contracts):
    """The figures over every matching contract (``totals``, without suppliers), by year,
    publisher and category, and for contracts ``citywide``, in named wards and with no
    ward (``nowhere``): one query."""
    result = {"totals": _empty(), "by_year": [], "by_publisher": [], "by_category": []}
    places = {"citywide": _empty(), "wards": _empty(), "nowhere": _empty()}
    for row in _fetch(_BREAKDOWNS, contracts):
        figures_ = _figures_of(row)
        if row["by_year"]:
            result["by_year"].append({"year": int(row["year"]), **figures_})
        elif row["by_publisher"]:
            name, slug = row["publisher_name"], row["publisher_slug"]
            result["by_publisher"].append({"name": name, "slug": slug, **figures_})
        elif row["by_category"]:
            name, slug = row["category_name"], row["category_slug"]
            result["by_category"].append({"name": name, "slug": slug, **figures_})
        elif row["by_place"]:
            places[row["place"]] = figures_
        else:
            result["totals"] = figures_
    result["by_year"].sort(key=lambda row: row["year"])
    for key in ("by_publisher", "by_category"):
        result[key].sort(key=lambda row: (row["name"], row["slug"]))
    return {**result, "citywide": places["citywide"], "nowhere": places["nowhere"]}


def suppliers(contracts):
    """How many distinct suppliers (any role) the matching contracts have, and of them
    how many are third sector and how many micro or small."""
    return ContractSupplier.objects.filter(contract__in=contracts.values("pk")).aggregate(
        suppliers=Count("organisation", distinct=True),
        third_sector_suppliers=Count(
            Case(When(third_sector(), then="organisation")), distinct=True
        ),
        small_suppliers=Count(Case(When(micro_or_small(), then="organisation")), distinct=True),
    )


def by_ward(contracts):
    """Rows of ward ``name``, ``slug`` and figures, the most value first; a ward row's value
    is its equal share of each contract in it, so the ward rows, the citywide and the
    no-ward figures add up to the total."""
    return _fetch(_BY_WARD, contracts)


def share(part, whole):
    """``part`` as a whole-number percentage of ``whole`` (None when whole is 0)."""
    return round(Decimal(part) * 100 / whole) if whole else None


FIGURES_KEPT_FOR_SECONDS = 300
GENERATION = "commissioning:spend:generation"


def forget_figures():
    """Drop every kept set of figures now (as ``opportunities.listings.drop_all``): call it
    once contracts, their suppliers or wards, pledges or social value returns change
    (``transaction.on_commit(forget_figures)``). Without it, kept figures are at most
    ``FIGURES_KEPT_FOR_SECONDS`` old.

    It then queues ``commissioning.tasks.keep_spend_figures`` for the new generation, so
    a worker makes the figures of the unfiltered page (most of a second at 100,000
    contracts) and its readers find them kept. A reader who comes before the worker
    is done makes them itself, as before: figures of an earlier generation are never
    shown."""
    generation = drop_figures()
    if generation is not None:
        _make_figures_later(generation)


def drop_figures():
    """Move the generation on, so no kept figures are read again, and return it (None when
    the cache does not answer); nothing is queued (tests, and ``forget_figures``)."""
    try:
        try:
            return cache.incr(GENERATION)
        except ValueError:  # not set yet, or dropped by the cache
            cache.set(GENERATION, 1, timeout=None)
            return 1
    except Exception as error:  # whatever the cache backend raises when it is away
        logger.warning("The kept spend figures were not dropped: %r", error)
        return None


def _make_figures_later(generation):
    # After commit, so the worker reads the rows that moved the generation on.
    transaction.on_commit(lambda: _queue_figures(generation))


def _queue_figures(generation):
    from commissioning.tasks import keep_spend_figures  # the task calls keep_figures

    try:
        keep_spend_figures.delay(generation)
    except Exception as error:  # a committed change is never failed by its figures
        logger.warning("The spend figures will be made by their next reader: %r", error)


def _key(filterset, generation=None):
    """The figures' key: the generation and the filters applied (invalid ones left out)."""
    applied = getattr(filterset.form, "cleaned_data", {})  # none when no filter is given
    parts = [
        applied.get("year_from") or "",
        applied.get("year_to") or "",
        getattr(applied.get("publisher"), "pk", ""),
        getattr(applied.get("category"), "pk", ""),
    ]
    return _generation_key("commissioning:spend", parts, generation)


def _generation_key(prefix, parts, generation=None):
    if generation is None:
        generation = cache.get(GENERATION, 0)
    return ":".join([prefix, str(generation), *map(str, parts)])


def _kept(filterset, make):
    """``(key, make())``: the value kept under the filters applied for this generation,
    and its key; made afresh for each request, with no key, when the cache does not
    answer."""
    return _kept_under(lambda: _key(filterset), make)


def kept_for_this_generation(prefix, parts, make):
    """``make()``, kept under ``prefix`` and ``parts`` until the next ``forget_figures``
    (or ``FIGURES_KEPT_FOR_SECONDS``): for other figures over contracts, their
    suppliers, wards and social value, such as a ward page's. ``make`` runs with JIT
    off, as the spend page's aggregates do. Made afresh for each request when the
    cache does not answer."""
    return _kept_under(lambda: _generation_key(prefix, parts), lambda: without_jit(make))[1]


def _kept_under(key_of, make):
    try:
        key = key_of()
        value = cache.get(key)
    except Exception as error:  # whatever the cache backend raises when it is away
        logger.warning("The spend figures are made afresh: the cache did not answer (%r)", error)
        return None, make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, timeout=FIGURES_KEPT_FOR_SECONDS)
        except Exception as error:
            logger.warning("The spend figures were not kept: %r", error)
            return None, value
    return key, value


def keep_figures(generation=None):
    """Make the figures of the page without filters and keep them, so no reader waits.

    With ``generation``, only while it is still the current one: a later change has
    queued its own run, so a burst of changes makes the figures once. Without, for
    the current generation: the periodic refresh (``CELERY_BEAT_SCHEDULE``), more
    often than ``FIGURES_KEPT_FOR_SECONDS``, so they never lapse between changes.
    The generation is read before the contracts, so figures are never kept under a
    generation older than the rows they were made from. Returns whether they were
    kept.
    """
    try:
        current = cache.get(GENERATION, 0)
    except Exception as error:  # whatever the cache backend raises when it is away
        logger.warning("The spend figures were not made: the cache did not answer (%r)", error)
        return False
    if generation is not None and generation != current:
        return False
    filterset, contracts = filtered_contracts({})
    value = _figures(contracts)
    try:
        cache.set(_key(filterset, current), value, timeout=FIGURES_KEPT_FOR_SECONDS)
    except Exception as error:
        logger.warning("The spend figures were not kept: %r", error)
        return False
    return True


def _figures(contracts):
    return without_jit(lambda: _figures_read(contracts))


def without_jit(read):
    """``read()`` in a transaction with PostgreSQL's JIT off."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Each aggregate is a few hash joins over at most every contract: the JIT
                # compiles for longer (0.3 s for the pledges by ward) than it saves.
                cursor.execute("SET LOCAL jit = off")
        return read()


def _figures_read(contracts):
    report = breakdowns(contracts)
    report["totals"].update(suppliers(contracts))
    return {
        **report,
        "by_ward": by_ward(contracts),
        "social_value": social_value.pledged_and_delivered_by_unit(contracts),
        "social_value_by_ward": social_value.pledged_and_delivered_by_ward(contracts),
    }


def spend_report(params):
    """Everything the spend page shows for ``params``, in a fixed number of queries.

    The figures are aggregates over every matching contract (eight queries, most of a
    second at 100,000 contracts), so they are kept for ``FIGURES_KEPT_FOR_SECONDS``
    under the filters applied, and made afresh after ``forget_figures``: by a worker
    for the page without filters (``keep_figures``), by the first reader for others.
    ``figures_key`` is the key they are kept under (None when the cache does not
    answer): the page keeps its rendering of them under the same key, so it is never
    that of other figures."""
    filterset, contracts = filtered_contracts(params)
    key, figures_ = _kept(filterset, lambda: _figures(contracts))
    return {"filterset": filterset, "figures_key": key, **figures_}
