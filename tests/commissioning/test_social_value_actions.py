"""Social value returns: who may send them, the period rules, and a batch with bad lines."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commissioning.actions.social_value import (
    add_social_value_lines,
    is_supplier_member,
    may_read_social_value,
    parse_line,
    submit_social_value_return,
)
from commissioning.models import ContractSupplier, SocialValueLine, SocialValueReturn, SupplierRole
from tests.commissioning.factories import ContractFactory, PledgeFactory, PostcodeWardFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


@pytest.fixture
def supplier():
    return OrganisationFactory()


@pytest.fixture
def pledge(supplier):
    return PledgeFactory(contract=ContractFactory(supplier=supplier), unit="jobs")


@pytest.fixture
def reporter(supplier):
    return MembershipFactory(organisation=supplier).user


@pytest.fixture
def wards():
    edgbaston, aston = WardFactory(name="Edgbaston"), WardFactory(name="Aston")
    PostcodeWardFactory(postcode="B15 2TT", ward=edgbaston)
    PostcodeWardFactory(postcode="B15 3AA", ward=edgbaston)
    PostcodeWardFactory(postcode="B6 4BB", ward=aston)
    return edgbaston, aston


def _submit(pledge, by, lines, **kwargs):
    return submit_social_value_return(
        pledge=pledge,
        by=by,
        period_start=kwargs.pop("period_start", date(2026, 4, 1)),
        period_end=kwargs.pop("period_end", date(2026, 9, 30)),
        lines=lines,
        today=TODAY,
        **kwargs,
    )


def test_a_return_keeps_the_ward_and_district_never_the_postcode(pledge, reporter, wards):
    edgbaston, aston = wards
    result = _submit(pledge, reporter, "b152tt, 2\nB6 4BB, 1", description="Two apprentices")
    saved = result.social_value_return
    assert result.saved == 2 and result.rejected == []
    assert saved.submitted_by == reporter
    assert saved.description == "Two apprentices"
    lines = {(line.ward, line.postcode_district, line.quantity) for line in saved.lines.all()}
    assert lines == {(edgbaston, "B15", Decimal("2")), (aston, "B6", Decimal("1"))}
    assert not SocialValueLine.objects.filter(postcode_district__contains=" ").exists()


def test_lines_in_the_same_ward_and_district_are_added_together(pledge, reporter, wards):
    result = _submit(pledge, reporter, ["B15 2TT, 2", "B15 3AA, 1.5"])
    assert [
        (line.postcode_district, line.quantity) for line in result.social_value_return.lines.all()
    ] == [("B15", Decimal("3.5"))]


def test_a_batch_with_bad_lines_saves_the_good_and_lists_the_bad(pledge, reporter, wards):
    typed = "B15 2TT, 2\nB1X 2TT, 1\n\nB15 9ZZ, 4\nB6 4BB\nB6 4BB, none\nB6 4BB, 0\nB6 4BB, 3"
    result = _submit(pledge, reporter, typed)
    assert result.saved == 2
    assert sum(line.quantity for line in result.social_value_return.lines.all()) == 5
    assert [(line.number, line.text, line.message) for line in result.rejected] == [
        (2, "B1X 2TT, 1", "‘B1X 2TT’ is not a postcode"),
        (
            4,
            "B15 9ZZ, 4",
            "We could not find B15 9ZZ in Birmingham’s wards: check it, or leave it out if "
            "the person lives outside the city",
        ),
        (5, "B6 4BB", "Give how many after the postcode, like B6 4BB, 3"),
        (6, "B6 4BB, none", "‘none’ is not a number"),
        (7, "B6 4BB, 0", "How many must be more than 0"),
    ]
    assert result.rejected_text.splitlines() == [
        "B1X 2TT, 1",
        "B15 9ZZ, 4",
        "B6 4BB",
        "B6 4BB, none",
        "B6 4BB, 0",
    ]


def test_when_no_line_is_good_nothing_is_saved(pledge, reporter, wards):
    result = _submit(pledge, reporter, "B1X 2TT, 1")
    assert result.social_value_return is None
    assert len(result.rejected) == 1
    assert not SocialValueReturn.objects.exists()


def test_no_lines_at_all_is_refused(pledge, reporter):
    with pytest.raises(ValidationError) as raised:
        _submit(pledge, reporter, "  \n ")
    assert raised.value.message_dict == {"lines": ["Enter at least one postcode and how many"]}


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (
            date(2026, 12, 4),
            date(2026, 12, 31),
            "period_start",
            "The period cannot start after today",
        ),
        (
            date(2026, 6, 1),
            date(2026, 5, 1),
            "period_end",
            "The end of the period must be on or after its start",
        ),
        (
            date(2025, 1, 1),
            date(2025, 12, 31),
            "period_end",
            "The period must end after the contract started",
        ),
    ],
)
def test_a_period_outside_the_rules_is_refused(pledge, reporter, wards, start, end, field, message):
    with pytest.raises(ValidationError) as raised:
        _submit(pledge, reporter, "B15 2TT, 1", period_start=start, period_end=end)
    assert raised.value.message_dict[field] == [message]
    assert not SocialValueReturn.objects.exists()


def test_only_current_supplier_members_may_report(pledge, supplier, wards):
    with pytest.raises(PermissionError):
        _submit(pledge, UserFactory(), "B15 2TT, 1")
    left = MembershipFactory().user
    ContractSupplier.objects.create(
        contract=pledge.contract,
        organisation=left.memberships.get().organisation,
        role=SupplierRole.PARTNER,
        joined_on=date(2026, 4, 1),
        left_on=date(2026, 6, 1),
    )
    with pytest.raises(PermissionError):
        _submit(pledge, left, "B15 2TT, 1")
    assert not SocialValueReturn.objects.exists()


def test_a_consortium_member_may_report(pledge, wards):
    partner = MembershipFactory().user
    ContractSupplier.objects.create(
        contract=pledge.contract,
        organisation=partner.memberships.get().organisation,
        role=SupplierRole.PARTNER,
        joined_on=date(2026, 4, 1),
    )
    assert _submit(pledge, partner, "B15 2TT, 1").saved == 1


def test_corrected_lines_are_added_to_the_same_return(pledge, reporter, wards):
    first = _submit(pledge, reporter, "B15 2TT, 2\nB1X 2TT, 1")
    result = add_social_value_lines(
        social_value_return=first.social_value_return, by=reporter, lines="B15 3AA, 1\nB6 4BB, 4"
    )
    assert result.saved == 2 and result.rejected == []
    lines = {
        (line.postcode_district, line.quantity) for line in first.social_value_return.lines.all()
    }
    assert lines == {("B15", Decimal("3")), ("B6", Decimal("4"))}
    assert SocialValueReturn.objects.count() == 1


def test_only_supplier_members_may_add_lines(pledge, reporter, wards):
    first = _submit(pledge, reporter, "B15 2TT, 2")
    with pytest.raises(PermissionError):
        add_social_value_lines(
            social_value_return=first.social_value_return, by=UserFactory(), lines="B6 4BB, 1"
        )


def test_who_may_read_a_contracts_social_value(pledge, reporter):
    contract = pledge.contract
    commissioner = MembershipFactory(organisation=contract.publisher).user
    assert is_supplier_member(reporter, contract)
    assert may_read_social_value(reporter, contract)
    assert may_read_social_value(commissioner, contract)
    assert not is_supplier_member(commissioner, contract)
    assert not may_read_social_value(UserFactory(), contract)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B15 2TT, 3", ("B15 2TT", Decimal("3"))),
        ("b152tt,3", ("B15 2TT", Decimal("3"))),
        ("B15 2TT 3", ("B15 2TT", Decimal("3"))),
        ("B15 2TT\t2.5", ("B15 2TT", Decimal("2.5"))),
        ("B15 2TT; 4", ("B15 2TT", Decimal("4"))),
    ],
)
def test_lines_are_read_as_people_type_them(text, expected):
    assert parse_line(text) == expected


@pytest.mark.parametrize("text", ["B15 2TT, 1.234", "B15 2TT, -1", "B15 2TT, NaN", "B15 2TT, 1e12"])
def test_quantities_that_are_not_a_plain_positive_amount_are_refused(text):
    with pytest.raises(ValidationError):
        parse_line(text)
