import datetime
import re

import pytest
from django.utils import timezone

from organisations.identifiers import Scheme
from organisations.models import (
    Document,
    DocumentKind,
    Identifier,
    IncomeBand,
    KeyContact,
    LegalForm,
    MembershipRole,
    ServiceCategory,
    Ward,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/organisations/"


def names_in(response):
    """The organisation names listed as results, in order."""
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>',
        response.text,
    )


def category(name):
    return ServiceCategory.objects.get_or_create(name=name, slug=name.lower().replace(" ", "-"))[0]


def test_the_directory_lists_organisations_by_name_with_a_count(visitor):
    OrganisationFactory(name="Zeal Youth Club")
    OrganisationFactory(name="acorn Advice")
    OrganisationFactory(name="Brightside Carers")
    response = visitor.get(DIRECTORY)
    assert response.status_code == 200
    assert names_in(response) == ["acorn Advice", "Brightside Carers", "Zeal Youth Club"]
    assert "3 organisations" in response.text


def test_one_result_is_counted_in_the_singular(visitor):
    OrganisationFactory()
    assert re.search(r">\s*1 organisation\s*</h2>", visitor.get(DIRECTORY).text)


def test_search_matches_name_or_description_ignoring_case(visitor):
    OrganisationFactory(name="Food Bank North", description="Emergency parcels.")
    OrganisationFactory(name="Lunch Club", description="Hot FOOD for older people.")
    OrganisationFactory(name="Chess Circle", description="Weekly games.")
    response = visitor.get(DIRECTORY, {"q": "food"})
    assert names_in(response) == ["Food Bank North", "Lunch Club"]
    assert "2 organisations" in response.text
    assert 'value="food"' in response.text


def test_category_filter_keeps_organisations_offering_any_ticked_service(visitor):
    advice, food, sport = category("Advice"), category("Food"), category("Sport")
    OrganisationFactory(name="Advice Centre").service_categories.set([advice])
    OrganisationFactory(name="Both").service_categories.set([advice, food])
    OrganisationFactory(name="Football").service_categories.set([sport])
    assert names_in(visitor.get(DIRECTORY, {"category": "advice"})) == ["Advice Centre", "Both"]
    response = visitor.get(DIRECTORY, {"category": ["advice", "food"]})
    assert names_in(response) == ["Advice Centre", "Both"]
    assert "2 organisations" in response.text


def test_ward_filter_matches_based_in_serving_or_citywide(visitor):
    ladywood, aston = WardFactory(name="Ladywood", slug="ladywood"), WardFactory()
    OrganisationFactory(name="Based", ward=ladywood)
    OrganisationFactory(name="Serving").wards_served.set([ladywood, aston])
    OrganisationFactory(name="Citywide", citywide=True)
    OrganisationFactory(name="Elsewhere", ward=aston).wards_served.set([aston])
    response = visitor.get(DIRECTORY, {"ward": "ladywood"})
    assert names_in(response) == ["Based", "Citywide", "Serving"]


def test_size_filter_uses_the_income_band(visitor):
    OrganisationFactory(name="Tiny", income_band=IncomeBand.UNDER_10K)
    OrganisationFactory(name="Small", income_band=IncomeBand.FROM_10K)
    OrganisationFactory(name="Unknown", income_band="")
    assert names_in(visitor.get(DIRECTORY, {"size": "small"})) == ["Small"]
    assert names_in(visitor.get(DIRECTORY, {"size": "micro"})) == ["Tiny"]


def test_legal_form_filter(visitor):
    OrganisationFactory(name="Charity", legal_form=LegalForm.REGISTERED_CHARITY)
    OrganisationFactory(name="Co-op", legal_form=LegalForm.COOPERATIVE)
    assert names_in(visitor.get(DIRECTORY, {"legal_form": "cooperative"})) == ["Co-op"]


@pytest.mark.parametrize(
    ("parameter", "fields"),
    [
        ("partnering", {"open_to_partnering": True}),
        ("charter", {"charter_signatory_since": datetime.date(2021, 3, 3)}),
        ("living_wage", {"living_wage_employer": True}),
    ],
)
def test_ticked_filters_keep_only_matching_organisations(visitor, parameter, fields):
    OrganisationFactory(name="Yes", **fields)
    OrganisationFactory(name="No")
    assert names_in(visitor.get(DIRECTORY, {parameter: "on"})) == ["Yes"]
    assert names_in(visitor.get(DIRECTORY)) == ["No", "Yes"]


def test_filters_combine(visitor):
    ward = WardFactory(slug="handsworth")
    advice = category("Advice")
    match = OrganisationFactory(
        name="Match", ward=ward, income_band=IncomeBand.FROM_10K, open_to_partnering=True
    )
    match.service_categories.set([advice])
    wrong_size = OrganisationFactory(
        name="Too big", ward=ward, income_band=IncomeBand.OVER_10M, open_to_partnering=True
    )
    wrong_size.service_categories.set([advice])
    OrganisationFactory(
        name="No advice", ward=ward, income_band=IncomeBand.FROM_10K, open_to_partnering=True
    )
    OrganisationFactory(
        name="Not partnering", ward=ward, income_band=IncomeBand.FROM_10K
    ).service_categories.set([advice])
    params = {"category": "advice", "ward": "handsworth", "size": "small", "partnering": "on"}
    response = visitor.get(DIRECTORY, params)
    assert names_in(response) == ["Match"]
    assert "1 organisation" in response.text


def test_a_result_shows_its_details_and_tags(visitor):
    ward = WardFactory(name="Ladywood")
    organisation = OrganisationFactory(
        name="Acorn",
        legal_form=LegalForm.CIC,
        income_band=IncomeBand.FROM_100K,
        ward=ward,
        open_to_partnering=True,
        charter_signatory_since=datetime.date(2021, 3, 3),
        living_wage_employer=True,
    )
    organisation.service_categories.set([category("Advice"), category("Food")])
    Identifier.objects.create(
        organisation=organisation, scheme=Scheme.COH, value="01234567", verified_at=timezone.now()
    )
    text = visitor.get(DIRECTORY).text
    assert f'href="/organisations/{organisation.slug}/"' in text
    assert "Community interest company" in text
    assert "Medium organisation" in text
    assert "Advice, Food" in text
    assert "Ladywood ward" in text
    for tag in ["Verified", "Open to partnering", "Charter signatory", "Living wage employer"]:
        assert f">{tag}</strong>" in text


def test_an_unverified_organisation_has_no_verified_tag(visitor):
    organisation = OrganisationFactory()
    Identifier.objects.create(organisation=organisation, scheme=Scheme.CHC, value="1123456")
    assert ">Verified</strong>" not in visitor.get(DIRECTORY).text


def test_pages_of_twenty_keep_the_filters_in_their_links(visitor):
    for n in range(45):
        OrganisationFactory(name=f"Advice {n:02d}", open_to_partnering=True)
    OrganisationFactory(name="Advice but not partnering")
    response = visitor.get(DIRECTORY, {"q": "advice", "partnering": "on"})
    assert "45 organisations" in response.text
    assert len(names_in(response)) == 20
    assert 'class="govuk-pagination"' in response.text
    next_link = re.search(r'href="([^"]+)" rel="next"', response.text)[1].replace("&amp;", "&")
    assert next_link == "?q=advice&partnering=on&page=2"
    page_two = visitor.get(DIRECTORY + next_link)
    assert names_in(page_two)[0] == "Advice 20"
    last = visitor.get(DIRECTORY, {"q": "advice", "partnering": "on", "page": "3"})
    assert names_in(last) == ["Advice 40", "Advice 41", "Advice 42", "Advice 43", "Advice 44"]
    assert 'rel="next"' not in last.text


def test_one_page_of_results_has_no_pagination(visitor):
    OrganisationFactory()
    assert "govuk-pagination" not in visitor.get(DIRECTORY).text


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"ward": "nonsense"},
        {"size": "huge"},
        {"legal_form": "pirate"},
        {"category": ["advice", "no-such-thing"]},
        {"partnering": "maybe", "charter": "", "living_wage": "0"},
        {"q": "x" * 5000},
        {"q": "%_\\'\""},
    ],
)
def test_bad_parameters_never_fail(visitor, params):
    category("Advice")
    for n in range(25):
        OrganisationFactory(name=f"Group {n:02d}")
    response = visitor.get(DIRECTORY, params)
    assert response.status_code == 200


def test_an_unknown_ward_is_reported_and_left_out(visitor):
    OrganisationFactory(name="Anyone")
    response = visitor.get(DIRECTORY, {"ward": "nonsense", "size": "huge"})
    assert names_in(response) == ["Anyone"]
    assert "There is a problem" in response.text
    assert "Select a ward from the list" in response.text
    assert "Select a size from the list" in response.text
    assert "<title>Error: " in response.text


def test_a_page_past_the_end_shows_the_last_page(visitor):
    for n in range(25):
        OrganisationFactory(name=f"Group {n:02d}")
    response = visitor.get(DIRECTORY, {"page": "7"})
    assert names_in(response) == [f"Group {n}" for n in range(20, 25)]


def test_no_results_says_so(visitor):
    OrganisationFactory(name="Chess Circle")
    response = visitor.get(DIRECTORY, {"q": "rowing"})
    assert "0 organisations" in response.text
    assert "No organisations match your search" in response.text
    assert 'href="/organisations/">Clear filters' in response.text


def test_the_filter_form_is_a_get_form_with_govuk_fields(visitor):
    category("Advice")
    WardFactory(name="Aston", slug="aston")
    text = visitor.get(DIRECTORY, {"category": "advice", "ward": "aston"}).text
    assert '<form method="get"' in text
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Services</legend>' in text
    )
    assert 'value="advice" checked' in text
    assert '<option value="aston" selected>Aston</option>' in text
    assert '<label class="govuk-label govuk-label--s" for="id_ward">Works in ward</label>' in text
    assert ">Apply filters</button>" in text


def _directory_data(count):
    wards = [WardFactory() for _ in range(3)]
    categories = [category(f"Service {n}") for n in range(3)]
    for n in range(count):
        organisation = OrganisationFactory(ward=wards[n % 3], income_band=IncomeBand.FROM_10K)
        organisation.service_categories.set(categories)
        organisation.wards_served.set(wards)
        Identifier.objects.create(
            organisation=organisation,
            scheme=Scheme.CHC,
            value=f"{1100000 + n}",
            verified_at=timezone.now(),
        )


# Session, user, councillor, memberships and scrutiny recommendations (the
# navigation), the filter form's services and wards, checking the ward and
# services asked for, the count, the page and three prefetches: 14, however many
# organisations there are.
DIRECTORY_QUERIES = 14


@pytest.mark.parametrize("count", [5, 30])
@pytest.mark.parametrize("params", [{}, {"category": "service-1", "q": "group", "page": "2"}])
def test_the_directory_runs_a_fixed_number_of_queries(
    member, django_assert_max_num_queries, count, params
):
    _directory_data(count)
    params = params | ({"ward": Ward.objects.first().slug} if params else {})
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = member.get(DIRECTORY, params)
    assert response.status_code == 200


# --- Profile -------------------------------------------------------------------


def profile_url(organisation):
    return f"/organisations/{organisation.slug}/"


@pytest.fixture
def organisation():
    """An organisation with public and members-only details."""
    ward = WardFactory(name="Ladywood")
    organisation = OrganisationFactory(
        name="Acorn Advice",
        legal_form=LegalForm.CIO,
        description="Free debt advice.",
        website="https://acorn.example.org",
        email="hello@acorn.example.org",
        phone="0121 496 0000",
        address="1 High Street\nBirmingham",
        postcode="B1 1AA",
        ward=ward,
        income_band=IncomeBand.FROM_10K,
        paid_staff=4,
        volunteers=30,
        communities_served="South Asian families",
        languages="Urdu, Punjabi",
        charter_signatory_since=datetime.date(2021, 3, 3),
        living_wage_employer=True,
        open_to_partnering=True,
        partnering_offer="Volunteers who speak community languages",
        partnering_wanted="A lead partner with housing expertise",
    )
    organisation.service_categories.set([category("Debt advice")])
    organisation.wards_served.set([ward, WardFactory(name="Aston")])
    Identifier.objects.create(
        organisation=organisation, scheme=Scheme.CHC, value="1123456", verified_at=timezone.now()
    )
    KeyContact.objects.create(
        organisation=organisation, name="Pat Public", role="Chief officer", is_public=True
    )
    KeyContact.objects.create(
        organisation=organisation, name="Sam Secret", role="Bid lead", email="sam@acorn.example"
    )
    Document.objects.create(
        organisation=organisation,
        kind=DocumentKind.SAFEGUARDING,
        title="Safeguarding policy 2024",
        file="organisations/documents/policy.pdf",
        expires_on=datetime.date(2030, 6, 30),
    )
    MembershipFactory(organisation=organisation, user__full_name="Morgan Member")
    return organisation


def test_a_visitor_sees_the_public_profile(visitor, organisation):
    response = visitor.get(profile_url(organisation))
    assert response.status_code == 200
    text = response.text
    for shown in [
        "Acorn Advice",
        "Charitable incorporated organisation",
        "Third sector",
        "Free debt advice.",
        "https://acorn.example.org",
        "hello@acorn.example.org",
        "0121 496 0000",
        "B1 1AA",
        "Ladywood ward",
        "GB-CHC-1123456",
        "£10,000 to £100,000",
        "Small organisation",
        "Debt advice",
        "South Asian families",
        "Urdu, Punjabi",
        "Aston",
        "Signatory since 3 March 2021",
        "Volunteers who speak community languages",
        "A lead partner with housing expertise",
        "Pat Public",
        ">Verified</strong>",
    ]:
        assert shown in text, shown


def test_a_citywide_organisation_works_across_the_whole_city(visitor):
    organisation = OrganisationFactory(citywide=True)
    assert "Across the whole city" in visitor.get(profile_url(organisation)).text


@pytest.mark.parametrize("persona", ["visitor", "other_member", "member", "commissioner"])
def test_members_only_details_are_hidden_from_outsiders(request, persona, organisation):
    client = request.getfixturevalue(persona)
    text = client.get(profile_url(organisation)).text
    assert "Pat Public" in text
    for hidden in [
        "Sam Secret",
        "Safeguarding policy 2024",
        "Morgan Member",
        "Profile completeness",
    ]:
        assert hidden not in text


def test_a_member_sees_members_only_details(client, organisation):
    client.force_login(organisation.memberships.get().user)
    text = client.get(profile_url(organisation)).text
    for shown in [
        "Sam Secret",
        "sam@acorn.example",
        "Safeguarding policy 2024",
        "30 June 2030",
        "Morgan Member",
        "Profile completeness",
    ]:
        assert shown in text, shown
    assert "Edit profile" not in text


def test_a_site_admin_sees_members_only_details(site_admin, organisation):
    text = site_admin.get(profile_url(organisation)).text
    assert "Sam Secret" in text
    assert "Safeguarding policy 2024" in text


def test_an_administrator_gets_links_to_edit_and_manage_members(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=MembershipRole.ADMIN).user
    client.force_login(admin)
    text = client.get(profile_url(organisation)).text
    assert f'href="/organisations/{organisation.slug}/edit/">Edit profile' in text
    assert f'href="/organisations/{organisation.slug}/members/">Manage members' in text


def test_completeness_lists_what_a_bid_needs(client):
    membership = MembershipFactory(organisation__description="")
    client.force_login(membership.user)
    text = client.get(profile_url(membership.organisation)).text
    assert "0% complete" in text
    assert "A description of what you do" in text
    assert "A safeguarding policy" in text


def test_an_expired_document_is_marked(client, organisation):
    Document.objects.create(
        organisation=organisation,
        kind=DocumentKind.INSURANCE,
        title="Insurance 2020",
        file="organisations/documents/insurance.pdf",
        expires_on=datetime.date(2020, 1, 31),
    )
    client.force_login(organisation.memberships.get().user)
    text = client.get(profile_url(organisation)).text
    assert ">Expired</strong>" in text
    assert "which expired on 31 January 2020" in text


def test_an_unknown_organisation_is_not_found(visitor):
    assert visitor.get("/organisations/no-such-organisation/").status_code == 404


# Session, user, councillor, memberships and scrutiny recommendations; the
# organisation and five prefetches (services, register numbers, wards served, who
# it helps, contacts); documents and members for a member: 13, however many there
# are of each.
PROFILE_QUERIES = 13


@pytest.mark.parametrize("count", [2, 25])
def test_the_profile_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    membership = MembershipFactory()
    organisation = membership.organisation
    organisation.service_categories.set([category(f"Service {n}") for n in range(count)])
    organisation.wards_served.set([WardFactory() for _ in range(count)])
    for n in range(count):
        KeyContact.objects.create(
            organisation=organisation, name=f"Contact {n}", role="Role", is_public=n % 2 == 0
        )
        Document.objects.create(
            organisation=organisation,
            kind=DocumentKind.OTHER,
            title=f"Document {n}",
            file="organisations/documents/x.pdf",
            expires_on=datetime.date(2020, 1, 1),
        )
        MembershipFactory(organisation=organisation, user=UserFactory())
    client.force_login(membership.user)
    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(profile_url(organisation))
    assert response.status_code == 200
    assert f"Contact {count - 1}" in response.text
