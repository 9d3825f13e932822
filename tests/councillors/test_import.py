"""A site admin imports councillors from CSV: reading the file, the line-by-line check,
the preview and the confirmation that writes exactly what was previewed."""

import codecs
import html
import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councillors.actions.importing import import_councillors
from councillors.importing import (
    Account,
    CsvFileError,
    Existing,
    Registry,
    check,
    read_csv,
    ward_key,
)
from organisations.actions import import_wards
from organisations.models import Councillor, Ward
from tests.factories import CouncillorFactory, UserFactory

URL = "/councillors/import/"

WARDS = {
    "E05011151": "Ladywood",
    "E05011155": "Nechells",
    "E05011121": "Aston",
    "E05011130": "Brandwood & King's Heath",
    "E05011126": "Bordesley & Highgate",
    "E05011168": "Soho & Jewellery Quarter",
}


def csv_bytes(*lines, header="name,email,wards,party", encoding="utf-8"):
    return "\r\n".join([header, *lines]).encode(encoding)


def preview_of(*lines, registry=None, **options):
    return check(read_csv(csv_bytes(*lines, **options)), registry or Registry(wards=WARDS))


def only_line(preview):
    [line] = preview.lines
    return line


# Reading the file ------------------------------------------------------------------


def test_a_file_with_a_byte_order_mark_and_a_header_in_any_case_is_read():
    data = codecs.BOM_UTF8 + csv_bytes(
        "Zoë Adams,zoe@example.org,Ladywood,Green", header=" Name ,EMAIL,Wards,Party"
    )
    [record] = read_csv(data).records
    assert (record.line, record.name, record.email, record.wards, record.party) == (
        2,
        "Zoë Adams",
        "zoe@example.org",
        "Ladywood",
        "Green",
    )


def test_columns_in_another_order_with_extra_ones_are_read_and_the_extras_reported_once():
    csv_file = read_csv(
        csv_bytes(
            "07700 900123,Aston,Labour,Sam Patel,sam@example.org,x",
            "07700 900456,Ladywood,,Alex Morgan,,y",
            header="phone,wards,party,name,email,notes",
        )
    )
    assert csv_file.ignored_columns == ("phone", "notes")
    assert [(r.name, r.wards, r.party) for r in csv_file.records] == [
        ("Sam Patel", "Aston", "Labour"),
        ("Alex Morgan", "Ladywood", ""),
    ]


def test_line_numbers_count_the_header_and_skip_empty_lines_and_quoted_line_breaks():
    csv_file = read_csv(csv_bytes('"Sam\nPatel",,Aston,', ",,,", "", "Alex Morgan,,Ladywood,"))
    assert [record.line for record in csv_file.records] == [2, 6]


def test_a_windows_1252_file_is_read_and_says_so():
    csv_file = read_csv(csv_bytes("Zoë Adams,,Ladywood,", encoding="cp1252"))
    assert csv_file.encoding == "windows-1252"
    assert csv_file.records[0].name == "Zoë Adams"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (codecs.BOM_UTF16_LE + "name,email".encode("utf-16-le"), "‘Unicode text’, not CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook, not a CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "must be a CSV"),
        (b"name,email,wards,party\r\nZo\x81,,Aston,", "must be saved as UTF-8"),
        (b"name;email;wards;party\r\nSam;;Aston;", "separated by commas"),
        (b"name,wards\r\nSam,Aston", "missing the columns: email, party"),
        (b"name,email,wards,party,Name\r\nSam,,Aston,,", "‘name’ appears more than once"),
        (b"name,email,wards,party\r\n,,,\r\n", "no councillors in it"),
        (
            b'name,email,wards,party\r\nSam,,Aston,\r\nKim,,"Aston,\r\nJo,,Aston,\r\n',
            "Line 3 could not be read as CSV: check its quotation marks",
        ),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_clear_message(data, message):
    with pytest.raises(CsvFileError, match=re.escape(message)):
        read_csv(data)


# Checking each line ----------------------------------------------------------------


def test_wards_are_separated_by_semicolons_and_found_by_name_or_gss_code():
    line = only_line(preview_of("Sam Patel,sam@example.org,ladywood ;  e05011155;;Aston ;,Labour"))
    assert not line.errors
    assert [name for _code, name in line.wards] == ["Ladywood", "Nechells", "Aston"]
    assert line.outcome == "New councillor"


@pytest.mark.parametrize(
    "written",
    ["Brandwood and Kings Heath", "brandwood &  king’s heath", "Brandwood & King's Heath"],
)
def test_ward_names_match_ignoring_case_spaces_apostrophes_and_ampersands(written):
    line = only_line(preview_of(f"Sam Patel,,{written},"))
    assert line.wards == [("E05011130", "Brandwood & King's Heath")]
    assert ward_key(written) == ward_key("Brandwood & King's Heath")


def test_every_error_names_its_line():
    preview = preview_of(
        "Sam Patel,sam@example.org,Ladywood,",  # 2
        ",nobody@example.org,Aston,",  # 3
        "Alex Morgan,x@,Aston,",  # 4
        "Jo Bloggs,jo@example.org,Ladywod,",  # 5
        "Kim Lee,kim@example.org,E05099999,",  # 6
        "Sam Patel again,SAM@example.org,Aston,",  # 7
        "Pat Doe,pat@example.org,Planet Mars,",  # 8
        '"Ray Finch",ray@example.org,"Ladywood, Nechells",',  # 9
        f"{'A' * 151},long@example.org,Aston,",  # 10
        "Ash Green,,Aston,",  # 11
        "ash green,,Nechells,",  # 12
    )
    assert preview.errors == [
        (3, "name is missing"),
        (4, "email ‘x@’ is not a valid email address"),
        (5, "ward ‘Ladywod’ not found — did you mean Ladywood?"),
        (6, "ward code ‘E05099999’ not found"),
        (7, "the same email address as line 2"),
        (8, "ward ‘Planet Mars’ not found"),
        (9, "ward ‘Ladywood, Nechells’ not found: separate wards with semicolons (;)"),
        (10, "name is longer than 150 characters"),
        (12, "the same name as line 11, and neither has an email address"),
    ]
    assert (preview.new, preview.updated, preview.unchanged) == (2, 0, 0)
    with pytest.raises(ValueError):
        preview.rows()


@pytest.mark.parametrize(
    ("written", "suggestion"),
    [("Nechels", "Nechells"), ("soho", "Soho & Jewellery Quarter"), ("Kings Heath", "Brandwood")],
)
def test_a_ward_not_found_suggests_close_or_renamed_wards(written, suggestion):
    [error] = only_line(preview_of(f"Sam Patel,,{written},")).errors
    assert error.startswith(f"ward ‘{written}’ not found — did you mean {suggestion}")


def test_a_councillor_without_email_or_wards_is_allowed_with_warnings():
    line = only_line(preview_of("Sam Patel,,,Labour"))
    assert not line.errors
    assert line.warnings == [
        "No email address: they will not get the digest",
        "No wards: their digest will not put their wards’ opportunities first",
    ]
    assert line.outcome == "New councillor"


def existing(**fields):
    values = {
        "id": 7,
        "name": "Sam Patel",
        "email": "sam@example.org",
        "party": "Labour",
        "ward_codes": frozenset({"E05011151"}),
        "has_account": False,
    }
    return Existing(**values | fields)


def test_an_existing_councillor_is_matched_by_email_in_any_case_and_the_changes_listed():
    registry = Registry(wards=WARDS, councillors=(existing(),))
    line = only_line(
        preview_of("Sam Patel,SAM@Example.org,Ladywood; Nechells,Labour", registry=registry)
    )
    assert line.existing.id == 7
    assert line.outcome == "Update: wards Ladywood, Nechells (were Ladywood)"

    line = only_line(preview_of("Samuel Patel,sam@example.org,Ladywood,", registry=registry))
    assert line.outcome == "Update: name Samuel Patel (was Sam Patel); party none (was Labour)"

    line = only_line(preview_of("Sam Patel,sam@example.org,Ladywood,Labour", registry=registry))
    assert line.outcome == "No change"


def test_a_councillor_without_email_is_matched_by_name_and_gets_the_files_email():
    registry = Registry(wards=WARDS, councillors=(existing(email=""),))
    line = only_line(preview_of("sam  patel,sam@example.org,Ladywood,Labour", registry=registry))
    assert line.existing.id == 7
    assert line.outcome == (
        "Update: name sam patel (was Sam Patel); email sam@example.org (was none)"
    )


def test_a_line_without_email_never_duplicates_a_councillor_who_has_one():
    registry = Registry(wards=WARDS, councillors=(existing(),))
    line = only_line(preview_of("Sam Patel,,Ladywood,Labour", registry=registry))
    assert line.errors == [
        "Cllr Sam Patel already has the email address sam@example.org: add it to this line"
    ]


def test_two_lines_for_the_same_councillor_or_ambiguous_matches_are_errors():
    registry = Registry(
        wards=WARDS,
        councillors=(
            existing(email=""),
            existing(id=8, name="Kim Lee", email="kim@example.org"),
            existing(id=9, name="Kim Lee", email="KIM@example.org"),
        ),
    )
    preview = preview_of(
        "Sam Patel,sam@example.org,Ladywood,",
        "Sam Patel,,Ladywood,",
        "Kim Lee,kim@example.org,Aston,",
        registry=registry,
    )
    assert preview.errors == [
        (3, "this is the same councillor as line 2"),
        (4, "2 councillors already have this email address: fix them in the admin"),
    ]


def test_an_account_with_the_email_is_linked_only_when_confirmed_and_free():
    registry = Registry(
        wards=WARDS,
        councillors=(existing(),),
        accounts={
            "sam@example.org": Account(id=70, confirmed=True),
            "new@example.org": Account(id=71, confirmed=True),
            "unconfirmed@example.org": Account(id=72, confirmed=False),
            "taken@example.org": Account(id=73, confirmed=True, linked_to="Kim Lee"),
        },
    )
    preview = preview_of(
        "Sam Patel,sam@example.org,Ladywood,Labour",
        "Jo New,new@example.org,Aston,",
        "Ash Unconfirmed,unconfirmed@example.org,Aston,",
        "Ray Taken,taken@example.org,Aston,",
        registry=registry,
    )
    sam, jo, ash, ray = preview.lines
    assert (sam.link_user_id, sam.outcome) == (70, "Update: linked to their portal account")
    assert (jo.link_user_id, jo.outcome) == (71, "New councillor, linked to their portal account")
    assert ash.link_user_id is None
    assert ash.warnings == [
        "The portal account for unconfirmed@example.org has not confirmed its email address, "
        "so it will not be linked"
    ]
    assert ray.link_user_id is None
    assert ray.warnings == [
        "The portal account for taken@example.org is already linked to Cllr Kim Lee"
    ]


# The pages and the write -----------------------------------------------------------


@pytest.fixture
def birmingham(db):
    """Birmingham's 69 wards, by name."""
    import_wards()
    return {ward.name: ward for ward in Ward.objects.all()}


def upload(client, content, name="councillors.csv"):
    return client.post(URL, {"csv_file": SimpleUploadedFile(name, content, "text/csv")})


def confirm(client, preview_response):
    return client.post(URL, {"checked": preview_response.context["checked"]}, follow=True)


def page_text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.django_db
def test_the_upload_page_explains_the_format_and_sends_files(site_admin, birmingham):
    response = site_admin.get(URL)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    text = page_text(response)
    assert "name,email,wards,party" in text
    assert "Separate two or more with semicolons" in text
    assert "Councillors who are not in the file are not removed" in text
    assert 'download="councillors-example.csv"' in response.text
    assert "Acocks Green (E05011118)" in text


@pytest.mark.django_db
def test_the_councillors_list_in_the_site_admin_links_to_the_import(site_admin):
    response = site_admin.get(reverse("admin:organisations_councillor_changelist"))
    assert f'href="{URL}"' in response.text
    assert "Import from a CSV file" in response.text


@pytest.mark.django_db
def test_the_example_file_imports_without_errors(site_admin, birmingham):
    example = site_admin.get(URL).context["example"]
    response = upload(site_admin, example.encode())
    assert response.context["preview"].errors == []
    assert response.context["preview"].new == 2


@pytest.mark.django_db
def test_preview_then_confirm_creates_and_updates_councillors_and_links_accounts(
    site_admin, birmingham
):
    kept = CouncillorFactory(
        user=None, full_name="Kim Lee", email="kim@example.org", wards=[birmingham["Aston"]]
    )
    absent = CouncillorFactory(full_name="Not In The File")
    renamed = CouncillorFactory(user=None, full_name="Ash Green", email="", party="Green", wards=[])
    account = UserFactory(email="sam.patel@example.org")
    csv = csv_bytes(
        "Sam Patel,Sam.Patel@example.org,Ladywood; Nechells,Labour",
        "Kim Lee,KIM@example.org,Aston,",
        "Ash Green,ash@example.org,Bordesley and Highgate,Green",
        "Jo Bloggs,,,",
    )
    response = upload(site_admin, csv)
    assert response.status_code == 200
    text = page_text(response)
    for expected in (
        "New councillor, linked to their portal account",
        "No change",
        "Update: email ash@example.org (was none); wards Bordesley & Highgate (were none)",
        "No email address: they will not get the digest",
        "Import 3 councillors",
    ):
        assert expected in text
    assert Councillor.objects.count() == 3  # nothing written yet

    response = confirm(site_admin, response)
    assert "Councillors imported from councillors.csv: 2 new, 1 updated, 1 unchanged." in page_text(
        response
    )
    sam = Councillor.objects.get(full_name="Sam Patel")
    assert (sam.email, sam.party, sam.user) == ("Sam.Patel@example.org", "Labour", account)
    assert {ward.name for ward in sam.wards.all()} == {"Ladywood", "Nechells"}
    renamed.refresh_from_db()
    assert renamed.email == "ash@example.org"
    assert [ward.name for ward in renamed.wards.all()] == ["Bordesley & Highgate"]
    jo = Councillor.objects.get(full_name="Jo Bloggs")
    assert (jo.email, list(jo.wards.all()), jo.user) == ("", [], None)
    assert Councillor.objects.filter(pk=absent.pk).exists()
    assert list(kept.wards.all()) == [birmingham["Aston"]]


@pytest.mark.django_db
def test_errors_are_summarised_with_links_to_their_lines_and_nothing_can_be_imported(
    site_admin, birmingham
):
    response = upload(site_admin, csv_bytes("Sam Patel,sam@example.org,Ladywod,", ",x@,Aston,"))
    content = response.content.decode()
    assert "There is a problem" in content
    for link in (
        '<a href="#line-2">Line 2: ward ‘Ladywod’ not found — did you mean Ladywood?</a>',
        '<a href="#line-3">Line 3: name is missing</a>',
        '<a href="#line-3">Line 3: email ‘x@’ is not a valid email address</a>',
    ):
        assert link in content
    assert 'id="line-2"' in content and 'id="line-3"' in content
    assert "<title>Error: " in content
    assert 'name="checked"' not in content
    assert "Upload a corrected file" in content


@pytest.mark.django_db
def test_a_tampered_or_expired_check_is_refused_and_changes_nothing(
    site_admin, birmingham, settings
):
    response = upload(site_admin, csv_bytes("Sam Patel,sam@example.org,Ladywood,"))
    token = response.context["checked"]
    payload = signing.loads(token, salt="councillors.import.checked")
    payload["records"][0][3] = "Aston"
    forged = signing.dumps(payload, salt="wrong salt", compress=True)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for bad in (forged, tampered, ""):
        result = site_admin.post(URL, {"checked": bad}, follow=True)
        assert "The check of your file has been changed, so nothing was imported." in page_text(
            result
        )
    assert not Councillor.objects.exists()


@pytest.mark.django_db
def test_a_check_more_than_an_hour_old_is_refused(site_admin, birmingham, time_machine):
    time_machine.move_to("2026-12-01 09:00Z", tick=False)
    response = upload(site_admin, csv_bytes("Sam Patel,sam@example.org,Ladywood,"))
    time_machine.move_to("2026-12-01 10:01Z", tick=False)
    result = confirm(site_admin, response)
    assert "more than an hour old, so nothing was imported" in page_text(result)
    assert not Councillor.objects.exists()


@pytest.mark.django_db
def test_another_admins_check_is_refused(site_admin, birmingham, client):
    response = upload(site_admin, csv_bytes("Sam Patel,sam@example.org,Ladywood,"))
    client.force_login(UserFactory(is_superuser=True))
    result = client.post(URL, {"checked": response.context["checked"]}, follow=True)
    assert "Someone else checked this file" in page_text(result)
    assert not Councillor.objects.exists()


@pytest.mark.django_db
def test_a_registry_that_changed_since_the_preview_shows_the_new_preview_instead(
    site_admin, birmingham
):
    response = upload(site_admin, csv_bytes("Sam Patel,sam@example.org,Ladywood,"))
    CouncillorFactory(user=None, full_name="Sam Patel", email="sam@example.org", wards=[])

    again = site_admin.post(URL, {"checked": response.context["checked"]})
    text = page_text(again)
    assert "changed on the portal since you checked this file, so nothing was imported" in text
    assert "Update: wards Ladywood (were none)" in text
    assert Councillor.objects.get().wards.count() == 0

    confirm(site_admin, again)
    assert [ward.name for ward in Councillor.objects.get().wards.all()] == ["Ladywood"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("councillors.xlsx", b"PK\x03\x04", "The selected file must be a CSV"),
        ("councillors.csv", b"PK\x03\x04\x14\x00", "is an Excel workbook, not a CSV"),
        (
            "councillors.csv",
            b"name,email,wards,party\r\n" + b"x" * (1024 * 1024),
            "smaller than 1 MB",
        ),
        ("councillors.csv", b"name,email,wards,party\r\nZo\x81\x8d,,Aston,", "saved as UTF-8"),
        ("councillors.csv", b"name,wards\r\nSam,Aston\r\n", "missing the columns: email, party"),
    ],
)
def test_a_file_that_is_not_a_readable_csv_gets_a_clear_error(
    site_admin, birmingham, name, content, message
):
    response = upload(site_admin, content, name)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in page_text(response)
    assert response.templates[0].name == "councillors/import.html"


@pytest.mark.django_db
def test_no_file_selected(site_admin, birmingham):
    response = site_admin.post(URL, {})
    assert "Select a CSV file" in page_text(response)


@pytest.mark.django_db
def test_a_windows_1252_file_is_previewed_with_a_note(site_admin, birmingham):
    response = upload(site_admin, csv_bytes("Zoë Adams,,Ladywood,", encoding="cp1252"))
    text = page_text(response)
    assert "Zoë Adams" in text
    assert "read as Windows-1252" in text


@pytest.mark.django_db
def test_people_who_are_not_site_admins_get_404(member, councillor, birmingham):
    for client in (member, councillor):
        assert client.get(URL).status_code == 404
        assert upload(client, csv_bytes("Sam Patel,,Ladywood,")).status_code == 404


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(visitor):
    response = visitor.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The action ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_action_is_for_site_admins_only(birmingham):
    with pytest.raises(PermissionError):
        import_councillors(rows=[], by=UserFactory())


@pytest.mark.django_db
def test_the_action_changes_nothing_when_a_ward_has_gone(birmingham):
    admin = UserFactory(is_superuser=True)
    registry = Registry.load()
    rows = preview_of("Sam Patel,,Ladywood,", "Kim Lee,,Aston,", registry=registry).rows()
    birmingham["Aston"].delete()
    with pytest.raises(ValidationError):
        import_councillors(rows=rows, by=admin)
    assert not Councillor.objects.exists()


@pytest.mark.django_db
def test_the_action_refuses_an_account_linked_meanwhile(birmingham):
    admin = UserFactory(is_superuser=True)
    account = UserFactory(email="sam@example.org")
    rows = preview_of(
        "Sam Patel,sam@example.org,Ladywood,", registry=Registry.load(emails={"sam@example.org"})
    ).rows()
    assert rows[0].link_user_id == account.pk
    CouncillorFactory(user=account)
    with pytest.raises(ValidationError):
        import_councillors(rows=rows, by=admin)
    assert Councillor.objects.count() == 1


@pytest.mark.django_db
def test_importing_the_same_rows_twice_changes_nothing_the_second_time(birmingham):
    admin = UserFactory(is_superuser=True)
    lines = ("Sam Patel,sam@example.org,Ladywood; Aston,Labour", "Jo Bloggs,,,")
    first = import_councillors(rows=preview_of(*lines, registry=Registry.load()).rows(), by=admin)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    second = import_councillors(rows=preview_of(*lines, registry=Registry.load()).rows(), by=admin)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
