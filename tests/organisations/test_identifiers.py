"""Tests for organisations.identifiers: pure functions, so no database."""

import pytest
from django.core.exceptions import ValidationError

from organisations.identifiers import (
    MESSAGES,
    Scheme,
    guess_scheme,
    normalise,
    org_id,
    parse_org_id,
)


def _error(scheme, raw):
    with pytest.raises(ValidationError) as caught:
        normalise(scheme, raw)
    return caught.value


@pytest.mark.parametrize(
    ("scheme", "raw", "expected"),
    [
        # Charity Commission for England and Wales
        (Scheme.CHC, "1123456", "1123456"),
        (Scheme.CHC, "220949", "220949"),
        (Scheme.CHC, " 112 3456 ", "1123456"),
        (Scheme.CHC, "1123456-1", "1123456-1"),
        (Scheme.CHC, "1123456-123", "1123456-123"),
        (Scheme.CHC, "220949 - 12", "220949-12"),
        (Scheme.CHC, "1123456\u00a0", "1123456"),
        # Scottish Charity Register
        (Scheme.SC, "SC012345", "SC012345"),
        (Scheme.SC, "sc012345", "SC012345"),
        (Scheme.SC, "sc 012345", "SC012345"),
        (Scheme.SC, " S C 012 345 ", "SC012345"),
        # Charity Commission for Northern Ireland
        (Scheme.NIC, "100123", "100123"),
        (Scheme.NIC, "NIC100123", "100123"),
        (Scheme.NIC, "nic 100123", "100123"),
        (Scheme.NIC, "199999", "199999"),
        # Companies House
        (Scheme.COH, "01234567", "01234567"),
        (Scheme.COH, "1234567", "01234567"),
        (Scheme.COH, "123", "00000123"),
        (Scheme.COH, "12 34 56 78", "12345678"),
        (Scheme.COH, "SC123456", "SC123456"),
        (Scheme.COH, "sc123456", "SC123456"),
        (Scheme.COH, "SC1234", "SC001234"),
        (Scheme.COH, "oc 301234", "OC301234"),
        (Scheme.COH, "R0123456", "R0123456"),
        (Scheme.COH, "r01234", "R0001234"),
        *[
            (Scheme.COH, f"{prefix}123456", f"{prefix}123456")
            for prefix in ["NI", "SO", "NC", "LP", "SL", "NL", "FC", "CE", "CS", "IP", "SP", "RC"]
        ],
        # Mutuals Public Register
        (Scheme.MPR, "12345R", "12345R"),
        (Scheme.MPR, "31234r", "31234R"),
        (Scheme.MPR, "7654", "7654"),
        (Scheme.MPR, "1", "1"),
        (Scheme.MPR, "123456R", "123456R"),
        (Scheme.MPR, " 12 345 R ", "12345R"),
    ],
)
def test_valid_identifiers_are_normalised(scheme, raw, expected):
    assert normalise(scheme, raw) == expected


def test_scheme_can_be_given_as_a_plain_string():
    assert normalise("GB-COH", "123") == "00000123"


@pytest.mark.parametrize(
    ("scheme", "raw"),
    [
        # Charity Commission: 6 or 7 digits, optional -1 to -123 suffix, no letters
        (Scheme.CHC, "12345"),
        (Scheme.CHC, "12345678"),
        (Scheme.CHC, "CC1123456"),
        (Scheme.CHC, "RCN1123456"),
        (Scheme.CHC, "112345A"),
        (Scheme.CHC, "1123456-"),
        (Scheme.CHC, "1123456-1234"),
        (Scheme.CHC, "1123456-A"),
        (Scheme.CHC, "1123456/1"),
        (Scheme.CHC, "1123456--1"),
        (Scheme.CHC, "-1123456"),
        (Scheme.CHC, "\u0661\u0661\u0662\u0663\u0664\u0665\u0666"),  # Arabic-Indic digits
        # Scottish charity: SC and exactly 6 digits
        (Scheme.SC, "SC12345"),
        (Scheme.SC, "SC1234567"),
        (Scheme.SC, "SCO12345"),
        (Scheme.SC, "SC01234A"),
        # Northern Ireland charity: 6 digits starting with 1
        (Scheme.NIC, "200123"),
        (Scheme.NIC, "010012"),
        (Scheme.NIC, "10012"),
        (Scheme.NIC, "1001234"),
        (Scheme.NIC, "NI100123"),
        (Scheme.NIC, "NICNIC100123"),
        (Scheme.NIC, "100123NIC"),
        (Scheme.NIC, "NIC"),
        # Companies House: up to 8 digits, or a known prefix and up to 6 digits
        (Scheme.COH, "123456789"),
        (Scheme.COH, "XX123456"),
        (Scheme.COH, "AB123456"),
        (Scheme.COH, "R1123456"),
        (Scheme.COH, "SC1234567"),
        (Scheme.COH, "SC"),
        (Scheme.COH, "S1234567"),
        (Scheme.COH, "SCX12345"),
        (Scheme.COH, "0123-4567"),
        (Scheme.COH, "12345678A"),
        # Mutuals Public Register: 1 to 6 digits and an optional trailing R
        (Scheme.MPR, "R"),
        (Scheme.MPR, "1234567"),
        (Scheme.MPR, "1234567R"),
        (Scheme.MPR, "R12345"),
        (Scheme.MPR, "12345RR"),
        (Scheme.MPR, "12345S"),
        (Scheme.MPR, "IP12345R"),
    ],
)
def test_invalid_identifiers_are_refused_with_the_scheme_message(scheme, raw):
    error = _error(scheme, raw)
    assert error.code == "invalid"
    assert error.messages == [str(MESSAGES[scheme])]


@pytest.mark.parametrize("raw", ["012345", "12345678", "SX012345", "S012345", "CS012345"])
def test_scottish_numbers_without_the_prefix_say_they_start_with_sc(raw):
    error = _error(Scheme.SC, raw)
    assert error.code == "invalid"
    assert error.messages == ["Scottish charity numbers start with SC, like SC012345"]


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (Scheme.CHC, "Enter a Charity Commission number in the correct format, like 1123456"),
        (Scheme.SC, "Enter a Scottish charity number in the correct format, like SC012345"),
        (
            Scheme.NIC,
            "Enter a Charity Commission for Northern Ireland number in the correct format, "
            "like 100123",
        ),
        (
            Scheme.COH,
            "Enter a company number in the correct format: 8 digits, like 01234567, "
            "or 2 letters and 6 digits, like SC123456",
        ),
        (
            Scheme.MPR,
            "Enter a Mutuals Public Register number in the correct format, like 12345R or 7654",
        ),
    ],
)
def test_messages_say_what_to_enter(scheme, message):
    assert str(MESSAGES[scheme]) == message


@pytest.mark.parametrize("raw", ["", "   ", "\t\n", "\u00a0", None])
@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (Scheme.CHC, "Enter the Charity Commission for England and Wales number"),
        (Scheme.SC, "Enter the Scottish Charity Register number"),
        (Scheme.NIC, "Enter the Charity Commission for Northern Ireland number"),
        (Scheme.COH, "Enter the Companies House number"),
        (Scheme.MPR, "Enter the Mutuals Public Register number"),
    ],
)
def test_empty_input_is_required(scheme, message, raw):
    error = _error(scheme, raw)
    assert error.code == "required"
    assert error.messages == [message]


def test_an_unknown_scheme_is_a_programming_error():
    with pytest.raises(ValueError):
        normalise("GB-XYZ", "123")


def test_every_scheme_has_a_message_and_label():
    assert set(MESSAGES) == set(Scheme)
    assert Scheme.values == ["GB-CHC", "GB-SC", "GB-NIC", "GB-COH", "GB-MPR"]
    assert all(label for label in Scheme.labels)


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        (Scheme.CHC, "1123456", "GB-CHC-1123456"),
        (Scheme.CHC, "1123456-1", "GB-CHC-1123456-1"),
        (Scheme.SC, "SC012345", "GB-SC-SC012345"),
        (Scheme.SC, "sc 012345", "GB-SC-SC012345"),
        (Scheme.NIC, "100123", "GB-NIC-100123"),
        (Scheme.NIC, "NIC100123", "GB-NIC-100123"),
        (Scheme.COH, "01234567", "GB-COH-01234567"),
        (Scheme.COH, "1234567", "GB-COH-01234567"),
        (Scheme.COH, "sc1234", "GB-COH-SC001234"),
        (Scheme.MPR, "12345R", "GB-MPR-12345R"),
        ("GB-MPR", "7654", "GB-MPR-7654"),
    ],
)
def test_org_id_uses_the_normalised_value(scheme, value, expected):
    assert org_id(scheme, value) == expected


@pytest.mark.parametrize(("scheme", "value"), [(Scheme.CHC, "12345"), (Scheme.COH, "")])
def test_org_id_refuses_invalid_values(scheme, value):
    with pytest.raises(ValidationError):
        org_id(scheme, value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GB-CHC-1123456", (Scheme.CHC, "1123456")),
        ("gb-chc-1123456", (Scheme.CHC, "1123456")),
        ("GB-CHC-1123456-1", (Scheme.CHC, "1123456-1")),
        (" GB-SC-SC012345 ", (Scheme.SC, "SC012345")),
        ("gb-sc-sc012345", (Scheme.SC, "SC012345")),
        ("GB-NIC-100123", (Scheme.NIC, "100123")),
        ("GB-COH-01234567", (Scheme.COH, "01234567")),
        ("GB-COH-1234567", (Scheme.COH, "01234567")),
        ("Gb-Coh-oc301234", (Scheme.COH, "OC301234")),
        ("GB-MPR-12345R", (Scheme.MPR, "12345R")),
    ],
)
def test_parse_org_id(text, expected):
    assert parse_org_id(text) == expected


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        (Scheme.CHC, "1123456-12"),
        (Scheme.SC, "sc012345"),
        (Scheme.NIC, "NIC100123"),
        (Scheme.COH, "42"),
        (Scheme.COH, "oc1234"),
        (Scheme.MPR, "12345r"),
    ],
)
def test_parse_org_id_round_trips_org_id(scheme, value):
    built = org_id(scheme, value)
    assert parse_org_id(built) == (scheme, normalise(scheme, value))


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "1123456",
        "GB-XYZ-1123456",
        "US-EIN-123456789",
        "GBCHC-1123456",
        "GB-CHC1123456",
        "XI-PB-12345",
        "GB-GOR-PB123",
    ],
)
def test_parse_org_id_refuses_unsupported_schemes(text):
    with pytest.raises(ValidationError) as caught:
        parse_org_id(text)
    assert caught.value.code == "invalid"
    assert caught.value.messages == [
        "Enter an org-id that starts with GB-CHC, GB-SC, GB-NIC, GB-COH or GB-MPR, "
        "like GB-CHC-1123456"
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("GB-CHC-12345", "invalid"),
        ("GB-SC-012345", "invalid"),
        ("GB-NIC-200123", "invalid"),
        ("GB-COH-123456789", "invalid"),
        ("GB-MPR-R", "invalid"),
        ("GB-CHC-", "required"),
    ],
)
def test_parse_org_id_refuses_invalid_values(text, code):
    with pytest.raises(ValidationError) as caught:
        parse_org_id(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SC012345", Scheme.SC),
        ("sc 012345", Scheme.SC),
        ("SC12", Scheme.SC),
        ("NIC100123", Scheme.NIC),
        ("nic 100123", Scheme.NIC),
        ("OC301234", Scheme.COH),
        ("ni123456", Scheme.COH),
        ("R0123456", Scheme.COH),
        ("LP1234", Scheme.COH),
        ("01234567", Scheme.COH),
        ("12345678", Scheme.COH),
        ("1123456", Scheme.CHC),
        ("220949", Scheme.CHC),
        ("100123", Scheme.CHC),  # also a valid NI number: only a hint
        ("1123456-1", Scheme.CHC),
        ("12345R", Scheme.MPR),
        ("7r", Scheme.MPR),
    ],
)
def test_guess_scheme(raw, expected):
    assert guess_scheme(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", None, "12345", "123456789", "XX123456", "hello", "GB-CHC-1123456", "SC", "R"],
)
def test_guess_scheme_returns_none_when_unclear(raw):
    assert guess_scheme(raw) is None
