"""The pipeline search: words in the title or summary, on the stored search document on
PostgreSQL (as opportunities search, ADR 3) and as substrings elsewhere; and the plans
of the default list and the decommissioning list at scale."""

import pytest
from django.db import connection
from django.utils import timezone

from commissioning.decommissioning import notices_given
from commissioning.models import Decommissioning, PipelineItem
from commissioning.queries.pipeline import search_pipeline
from tests.commissioning.factories import ContractFactory, PipelineItemFactory
from tests.factories import OrganisationFactory, PublisherFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db


def titles(params):
    _filterset, items = search_pipeline(params)
    return [item.title for item in items]


def test_every_word_must_be_in_the_title_or_the_summary():
    PipelineItemFactory(title="Lunch club", summary="Hot meals and company", expected_quarter=1)
    PipelineItemFactory(title="Hot meals at home", summary="Delivered daily", expected_quarter=2)
    PipelineItemFactory(title="Youth club", summary="Evenings for young people")

    assert titles({"q": "meals"}) == ["Lunch club", "Hot meals at home"]
    assert titles({"q": "CLUB company"}) == ["Lunch club"]
    assert titles({"q": "home club"}) == []
    assert len(titles({"q": ""})) == 3


def test_the_search_keeps_the_other_filters_and_the_default_of_still_to_come():
    PipelineItemFactory(title="Carers support", withdrawn_at=timezone.now())
    PipelineItemFactory(title="Carers breaks")

    assert titles({"q": "carers"}) == ["Carers breaks"]


@pytest.mark.postgres
def test_postgres_search_understands_english_and_web_search_syntax():
    PipelineItemFactory(title="Gardening for wellbeing", summary="Allotments")
    PipelineItemFactory(title="Food bank", summary="Emergency food parcels for families")
    PipelineItemFactory(title="Family support", summary="Help at home for families")

    assert titles({"q": "gardens"}) == ["Gardening for wellbeing"]
    assert titles({"q": "families -food"}) == ["Family support"]
    assert titles({"q": '"food parcels"'}) == ["Food bank"]
    assert sorted(titles({"q": "gardening or bank"})) == ["Food bank", "Gardening for wellbeing"]


@pytest.mark.postgres
def test_postgres_search_document_follows_every_write():
    item = PipelineItemFactory(title="Befriending", summary="Visits")
    PipelineItem.objects.filter(pk=item.pk).update(summary="Transport to appointments")

    assert titles({"q": "transport"}) == ["Befriending"]
    assert titles({"q": "visits"}) == []


# --- Plans at scale (PostgreSQL) ------------------------------------------------------


def _explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _many_items(count):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    template = PipelineItemFactory.build(publisher=publisher, category=category)
    fields = [f for f in PipelineItem._meta.concrete_fields if not f.primary_key]
    words = ["garden", "meals", "advice", "transport", "youth", "carers", "housing", "sport"]
    now = timezone.now()
    PipelineItem.objects.bulk_create(
        PipelineItem(
            **{f.attname: getattr(template, f.attname) for f in fields}
            | {
                "reference": f"PIP-BULK-{n:05d}",
                "title": f"{words[n % 8]} service {n}" + (" in the orchard" * (n % 1000 == 0)),
                "summary": f"Support with {words[(n + 3) % 8]}",
                "expected_year": 2020 + n % 9,
                "expected_quarter": 1 + n % 4,
                # Most are published long ago, as on a real pipeline.
                "published_at": now if n % 5 else None,
            }
        )
        for n in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commissioning_pipelineitem")


@pytest.mark.postgres
def test_postgres_pipeline_search_uses_the_gin_index():
    _many_items(3000)

    _filterset, items = search_pipeline({"q": "orchards", "shows": "any"})

    assert len(items) == 3
    plan = _explain(items)
    assert "Bitmap Index Scan on pipeline_search_document" in plan, plan
    assert "to_tsvector" not in plan, plan


@pytest.mark.postgres
def test_postgres_default_list_reads_the_partial_index_in_its_order():
    _many_items(3000)

    _filterset, items = search_pipeline({})

    plan = _explain(items[:20])
    assert "pipeline_coming" in plan, plan
    assert "Sort" not in plan.split("pipeline_coming")[0], plan
    # The paginator's count reads the same index, and looks up a linked opportunity
    # by its key: it neither walks the items in opportunity order nor reads every
    # opportunity.
    count = _explain(items.order_by().values("pk")[:1001])
    assert "pipeline_coming" in count, count
    assert "Seq Scan" not in count and "Merge" not in count, count


@pytest.mark.postgres
def test_postgres_decommissioning_list_reads_the_partial_index():
    contract = ContractFactory(supplier=OrganisationFactory())
    now = timezone.now()
    Decommissioning.objects.bulk_create(
        Decommissioning(
            contract=contract,
            kind="end",
            reasons="r",
            impact_assessment="i",
            support="s",
            takes_effect_on=now.date(),
            notice_given_at=now - timezone.timedelta(hours=n) if n % 3 else None,
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commissioning_decommissioning")

    plan = _explain(notices_given()[:20])

    assert "decommissioning_notices_newest" in plan, plan
    assert "Sort" not in plan.split("decommissioning_notices_newest")[0], plan
