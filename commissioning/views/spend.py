"""Spend and outcomes, in public: ``/spend/`` and its data as ``/spend/spend.csv``.

The query string holds the filters (years, publisher, category), as on the other
public lists. The page is served by aggregate queries (``commissioning.spend``);
the CSV lists every matching contract, streamed, so people can check the sums.
"""

from django.db import connection
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commissioning import spend
from commissioning.charts import bar_chart, percent
from commissioning.models import ContractKind
from commissioning.postcodes import NSPL_ATTRIBUTION
from organisations.models import LegalForm
from portal.csv import writer

WARDS_CHARTED = 15


def _with_shares(rows):
    for row in rows:
        row["third_sector_share"] = spend.share(row["third_sector_value"], row["value"])
        row["small_share"] = spend.share(row["small_value"], row["value"])
    return rows


def _charts(report, shares):
    years = [(row["year"], row["value"]) for row in report["by_year"]]
    wards = report["by_ward"][:WARDS_CHARTED]
    return {
        "shares": bar_chart(
            shares,
            title=_("The share of the value going to the third sector and to small organisations"),
            description=_("Two bars, in percent of the total value; the figures follow the chart."),
            text=percent,
            maximum=100,
        ),
        "by_year": bar_chart(
            years,
            title=_("Contract value by the year contracts started"),
            description=_("One bar a year; the table after the chart gives each figure."),
        ),
        "by_publisher": bar_chart(
            [(row["name"], row["value"]) for row in report["by_publisher"]],
            title=_("Contract value by publishing organisation"),
            description=_("One bar a publisher; the table after the chart gives each figure."),
        ),
        "by_category": bar_chart(
            [(row["name"], row["value"]) for row in report["by_category"]],
            title=_("Contract value by category"),
            description=_("One bar a category; the table after the chart gives each figure."),
        ),
        "by_ward": bar_chart(
            [(row["name"], row["value"]) for row in wards],
            title=_("The wards with the most contract value"),
            description=_(
                "Contracts in several wards are split equally between them. The table after "
                "the chart gives every ward, and the contracts across the whole city."
            ),
        ),
        "social_value": bar_chart(
            [(row["unit"], row["percent"]) for row in report["social_value"]],
            title=_("Social value delivered, as a percentage of what was pledged"),
            description=_("One bar for each unit pledged; the table gives the numbers."),
            text=percent,
            maximum=max([100, *(row["percent"] or 0 for row in report["social_value"])]),
        ),
    }


@require_safe
def spend_page(request):
    """The figures for the contracts matching the filters, with a chart and a table each."""
    report = spend.spend_report(request.GET)
    totals = report["totals"]
    for key in ("by_year", "by_publisher", "by_category", "by_ward"):
        _with_shares(report[key])
    _with_shares([report["citywide"], report["nowhere"]])
    third_sector_share = spend.share(totals["third_sector_value"], totals["value"])
    small_share = spend.share(totals["small_value"], totals["value"])
    shares = [
        (_("Third-sector organisations"), third_sector_share),
        (_("Micro and small organisations"), small_share),
    ]
    return render(
        request,
        "commissioning/spend/page.html",
        {
            **report,
            "form": report["filterset"].form,
            "charts": _charts(report, shares),
            "third_sector_share": third_sector_share,
            "small_share": small_share,
            "wards_charted": WARDS_CHARTED,
            "extra_ward_rows": [
                {**report["citywide"], "label": _("Across the whole city")},
                {**report["nowhere"], "label": _("No ward recorded")},
            ],
            "query": request.GET.urlencode(),
            "attribution": NSPL_ATTRIBUTION,
            # Rendering the tables and charts is most of the page's time once the figures
            # are kept: the rendering is kept as long, under the figures' own key.
            "figures_seconds": spend.FIGURES_KEPT_FOR_SECONDS,
        },
    )


CSV_HEADER = [
    "reference",
    "title",
    "type",
    "publisher",
    "category",
    "start_year",
    "starts_on",
    "ends_on",
    "value",
    "lead_supplier",
    "lead_supplier_legal_form",
    "lead_supplier_third_sector",
    "lead_supplier_micro_or_small",
    "citywide",
    "wards",
    "value_per_ward",
]


class _Echo:
    def write(self, value):
        return value


CHUNK_ROWS = 2000


# Each contract's ward names come from one grouped pass over the wards table, joined
# in, rather than a subquery run once a contract: that made the plan's estimated
# cost high enough for PostgreSQL to spend 1.8 s JIT-compiling it.
_CSV_SQL = """
SELECT c.*, w.names FROM ({rows}) c
LEFT JOIN (
    SELECT cw.contract_id, ARRAY_AGG(ward.name ORDER BY ward.name) AS names
    FROM commissioning_contract_wards cw JOIN organisations_ward ward ON ward.id = cw.ward_id
    GROUP BY cw.contract_id
) w ON w.contract_id = c.id
ORDER BY c.starts_on, c.reference
"""  # noqa: S608 (a constant; the rows' SQL comes from the ORM, with parameters)


def _csv_rows(contracts):
    """The CSV's rows, read in one query through a server-side cursor, as tuples: each
    contract with its lead supplier and its ward names (a Postgres array in the same
    row), so neither the queries nor the memory grow with the number of contracts."""
    # Labels translated once, not once a row (a lazy string is translated each time).
    kinds = {value: str(label) for value, label in ContractKind.choices}
    forms = {value: str(label) for value, label in LegalForm.choices}
    rows_sql, params = (
        spend.with_lead(contracts)
        .order_by()
        .values_list(
            "id",
            "reference",
            "title",
            "kind",
            "publisher__name",
            "category__name",
            "starts_on",
            "ends_on",
            "value",
            "citywide",
            "lead__organisation__name",
            "lead__organisation__legal_form",
            "lead__organisation__income_band",
            "lead__organisation__paid_staff",
        )
        .query.sql_with_params()
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(_CSV_SQL.format(rows=rows_sql), params)
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            yield from (_csv_row(row, kinds, forms) for row in chunk)


def _csv_row(row, kinds, forms):
    (reference, title, kind, publisher, category, starts_on, ends_on, value, citywide) = row[1:10]
    lead_name, lead_form, lead_band, lead_staff, wards = row[10:]
    wards = wards or []
    small = lead_band in spend.SMALL_INCOME_BANDS or (
        lead_staff is not None and lead_staff <= spend.SMALL_ORGANISATION_MAX_STAFF
    )
    return [
        reference,
        title,
        kinds.get(kind, kind),
        publisher,
        category,
        starts_on.year,
        starts_on.isoformat(),
        ends_on.isoformat(),
        value,
        lead_name,
        forms.get(lead_form, ""),
        "yes" if lead_form in spend.THIRD_SECTOR_FORMS else "no",
        "yes" if small else "no",
        "yes" if citywide else "no",
        "; ".join(wards),
        "" if citywide or not wards else round(value / len(wards), 2),
    ]


@require_safe
def spend_csv(request):
    """Every contract matching the filters, one a row, streamed as UTF-8 CSV."""
    _filterset, contracts = spend.filtered_contracts(request.GET)
    out = writer(_Echo())

    def lines():
        yield "\ufeff" + out.writerow(CSV_HEADER)
        batch = []  # rows are sent a chunk at a time, not one write per row
        for row in _csv_rows(contracts):
            batch.append(out.writerow(row))
            if len(batch) == CHUNK_ROWS:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spend.csv"'
    return response
