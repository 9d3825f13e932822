"""Reading postcodes, finding their ward, and importing the ONS postcode lookup."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commissioning.models import PostcodeWard
from commissioning.postcodes import (
    LookupFormatError,
    PostcodeError,
    district,
    import_nspl,
    normalise,
    ward_for,
)
from organisations.actions.registry import import_wards
from organisations.models import Ward
from tests.commissioning.factories import PostcodeWardFactory
from tests.factories import WardFactory

DEMO_CSV = (
    Path(__file__).resolve().parents[2] / "commissioning/data/DEMO_postcode_wards_nspl_layout.csv"
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("b152tt", "B15 2TT"),
        (" B15 2TT ", "B15 2TT"),
        ("b15  2tt", "B15 2TT"),
        ("B1 1BB", "B1 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 1HQ", "W1A 1HQ"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised(typed, expected):
    assert normalise(typed) == expected


@pytest.mark.parametrize(
    "typed", ["B1X 2TT", "B15", "15 2TT", "B15 2T", "B15 2TTT", "QB1 1BB", "B15 2CI", "", "hello"]
)
def test_malformed_postcodes_are_refused_with_what_was_typed(typed):
    with pytest.raises(PostcodeError) as raised:
        normalise(typed)
    assert raised.value.code == "malformed"
    assert "is not a postcode" in raised.value.messages[0]


def test_the_message_for_a_malformed_postcode_names_it():
    with pytest.raises(PostcodeError) as raised:
        normalise("B1X 2TT")
    assert raised.value.messages == ["‘B1X 2TT’ is not a postcode"]


def test_the_district_is_the_outward_code():
    assert district("B15 2TT") == "B15"
    assert district("B1 1BB") == "B1"


@pytest.mark.django_db
def test_a_known_postcode_gives_its_ward_and_district():
    row = PostcodeWardFactory(postcode="B15 2TT")
    assert ward_for("b152tt") == (row.ward, "B15")


@pytest.mark.django_db
def test_a_well_formed_postcode_not_in_the_lookup_is_not_found_in_birmingham():
    with pytest.raises(PostcodeError) as raised:
        ward_for("b15 9zz")
    assert raised.value.code == "unknown"
    assert raised.value.messages[0].startswith("We could not find B15 9ZZ in Birmingham’s wards")


@pytest.mark.django_db
def test_the_demo_lookup_keeps_only_birmingham_postcodes():
    import_wards()
    with DEMO_CSV.open(newline="", encoding="utf-8") as handle:
        counts = import_nspl(handle)
    assert counts == {"read": 19, "kept": 17, "skipped": 2, "wards": 15}
    assert PostcodeWard.objects.get(postcode="B15 9YA").ward.name == "Edgbaston"
    assert not PostcodeWard.objects.filter(postcode="CV1 9YA").exists()


@pytest.mark.django_db
def test_the_import_command_reports_counts_and_runs_twice_to_the_same_result():
    import_wards()
    out = io.StringIO()
    call_command("import_postcode_wards", str(DEMO_CSV), stdout=out)
    call_command("import_postcode_wards", str(DEMO_CSV), stdout=out)
    assert (
        "Read 19 postcodes: kept 17 in 15 of our wards, skipped 2 outside them." in out.getvalue()
    )
    assert PostcodeWard.objects.count() == 17


@pytest.mark.django_db
def test_an_import_moves_a_postcode_to_its_new_ward():
    moved_from = WardFactory()
    to = WardFactory(gss_code="E05011134")
    PostcodeWardFactory(postcode="B15 9YA", ward=moved_from)
    csv_text = "pcds,wd25cd\nB15 9YA,E05011134\n"
    import_nspl(io.StringIO(csv_text))
    assert PostcodeWard.objects.get(postcode="B15 9YA").ward == to


@pytest.mark.django_db
def test_older_lookups_name_the_ward_column_ward_and_a_column_can_be_named():
    ward = WardFactory(gss_code="E05011134")
    import_nspl(io.StringIO("pcd,pcds,ward\nB15 9YA,B15 9YA,E05011134\n"))
    import_nspl(io.StringIO("pcds,my_ward\nb159yb,E05011134\n"), ward_column="my_ward")
    assert set(PostcodeWard.objects.filter(ward=ward).values_list("postcode", flat=True)) == {
        "B15 9YA",
        "B15 9YB",
    }


@pytest.mark.django_db
def test_a_file_without_the_lookup_columns_is_refused():
    with pytest.raises(LookupFormatError):
        import_nspl(io.StringIO("postcode,ward_name\nB15 9YA,Edgbaston\n"))
    with pytest.raises(LookupFormatError):
        import_nspl(io.StringIO("pcds,lad25cd\nB15 9YA,E08000025\n"))


@pytest.mark.django_db
def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_postcode_wards", str(tmp_path / "nspl.csv"))


@pytest.mark.django_db
def test_the_command_says_what_is_wrong_with_the_columns(tmp_path):
    path = tmp_path / "nspl.csv"
    path.write_text("postcode,ward\n")
    with pytest.raises(CommandError, match="no pcds column"):
        call_command("import_postcode_wards", str(path))
    assert Ward.objects.count() == 0
