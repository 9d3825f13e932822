"""Validate and normalise UK organisation identifiers, and build their org-ids.

Pure functions: no models, no database. The schemes are the https://org-id.guide
prefixes for the UK registers we accept. ``normalise`` is the single source of truth
for what a valid value looks like; everything else goes through it.
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    """An org-id.guide scheme prefix, labelled with the register's name."""

    CHC = "GB-CHC", _("Charity Commission for England and Wales")
    SC = "GB-SC", _("Scottish Charity Register")
    NIC = "GB-NIC", _("Charity Commission for Northern Ireland")
    COH = "GB-COH", _("Companies House")
    MPR = "GB-MPR", _("Mutuals Public Register")


# Two-character prefixes Companies House uses before 6 digits (R0 is Northern Ireland
# pre-partition). Plain company numbers are 8 digits.
COMPANY_PREFIXES = frozenset(
    {"SC", "NI", "OC", "SO", "NC", "LP", "SL", "NL", "FC", "CE", "CS", "IP", "SP", "RC", "R0"}
)

# [0-9] rather than \d: \d also matches non-ASCII digits such as "١".
_CHC = re.compile(r"[0-9]{6,7}(-[0-9]{1,3})?")
_SC = re.compile(r"SC[0-9]{6}")
_NIC = re.compile(r"1[0-9]{5}")
_COH_DIGITS = re.compile(r"[0-9]{1,8}")
_COH_PREFIXED = re.compile(r"([A-Z][A-Z0-9])([0-9]{1,6})")
_MPR = re.compile(r"[0-9]{1,6}R?")
_ORG_ID = re.compile(r"(GB-[A-Z]+)-(.*)", re.IGNORECASE | re.DOTALL)

MESSAGES = {
    Scheme.CHC: _("Enter a Charity Commission number in the correct format, like 1123456"),
    Scheme.SC: _("Enter a Scottish charity number in the correct format, like SC012345"),
    Scheme.NIC: _(
        "Enter a Charity Commission for Northern Ireland number in the correct format, like 100123"
    ),
    Scheme.COH: _(
        "Enter a company number in the correct format: 8 digits, like 01234567, "
        "or 2 letters and 6 digits, like SC123456"
    ),
    Scheme.MPR: _(
        "Enter a Mutuals Public Register number in the correct format, like 12345R or 7654"
    ),
}
SC_PREFIX_MESSAGE = _("Scottish charity numbers start with SC, like SC012345")
REQUIRED_MESSAGE = _("Enter the %(label)s number")
UNKNOWN_SCHEME_MESSAGE = _(
    "Enter an org-id that starts with GB-CHC, GB-SC, GB-NIC, GB-COH or GB-MPR, like GB-CHC-1123456"
)


def _invalid(scheme: Scheme, message=None) -> ValidationError:
    return ValidationError(message or MESSAGES[scheme], code="invalid")


def _charity(value: str) -> str:
    if not _CHC.fullmatch(value):
        raise _invalid(Scheme.CHC)
    return value


def _scottish_charity(value: str) -> str:
    if not value.startswith("SC"):
        raise _invalid(Scheme.SC, SC_PREFIX_MESSAGE)
    if not _SC.fullmatch(value):
        raise _invalid(Scheme.SC)
    return value


def _northern_ireland_charity(value: str) -> str:
    value = value.removeprefix("NIC")
    if not _NIC.fullmatch(value):
        raise _invalid(Scheme.NIC)
    return value


def _company(value: str) -> str:
    if _COH_DIGITS.fullmatch(value):
        return value.zfill(8)
    match = _COH_PREFIXED.fullmatch(value)
    if match and match[1] in COMPANY_PREFIXES:
        return match[1] + match[2].zfill(6)
    raise _invalid(Scheme.COH)


def _mutual(value: str) -> str:
    if not _MPR.fullmatch(value):
        raise _invalid(Scheme.MPR)
    return value


_NORMALISERS: dict[Scheme, Callable[[str], str]] = {
    Scheme.CHC: _charity,
    Scheme.SC: _scottish_charity,
    Scheme.NIC: _northern_ireland_charity,
    Scheme.COH: _company,
    Scheme.MPR: _mutual,
}


def _clean(raw: str | None) -> str:
    """Remove all whitespace (including non-breaking spaces) and upper-case."""
    return "".join((raw or "").split()).upper()


def normalise(scheme: Scheme | str, raw: str | None) -> str:
    """Return ``raw`` as the canonical identifier for ``scheme``.

    Whitespace anywhere is removed and letters are upper-cased before checking.
    Raises ``ValidationError`` with code ``"required"`` if nothing was entered, or
    code ``"invalid"`` with a message saying what the number should look like.
    Raises ``ValueError`` if ``scheme`` is not a ``Scheme`` value.
    """
    scheme = Scheme(scheme)
    value = _clean(raw)
    if not value:
        raise ValidationError(REQUIRED_MESSAGE, code="required", params={"label": scheme.label})
    return _NORMALISERS[scheme](value)


def org_id(scheme: Scheme | str, value: str) -> str:
    """Return the org-id for ``value``, e.g. ``"GB-CHC-1123456"``.

    ``value`` is normalised first, so the result is always canonical; raises
    ``ValidationError`` as ``normalise`` does.
    """
    scheme = Scheme(scheme)
    return f"{scheme.value}-{normalise(scheme, value)}"


def parse_org_id(text: str) -> tuple[Scheme, str]:
    """Split an org-id such as ``"gb-chc-1123456"`` into ``(Scheme.CHC, "1123456")``.

    The prefix is case-insensitive and the value is normalised. Raises
    ``ValidationError`` (code ``"invalid"``) for an unsupported scheme, or as
    ``normalise`` does for a bad value.
    """
    match = _ORG_ID.fullmatch((text or "").strip())
    if not match or match[1].upper() not in Scheme.values:
        raise ValidationError(UNKNOWN_SCHEME_MESSAGE, code="invalid")
    scheme = Scheme(match[1].upper())
    return scheme, normalise(scheme, match[2])


def guess_scheme(raw: str | None) -> Scheme | None:
    """Guess which register a typed number belongs to, or ``None`` if unclear.

    Only a hint to pre-select a choice in a form: numbers overlap between registers
    (SC012345 could be a Scottish charity or a Scottish company; 6 digits could be
    an English or a Northern Irish charity), so always let the person confirm, and
    still validate with ``normalise``. Order of checks: SC + digits is a Scottish
    charity; NIC + digits is Northern Ireland; another company prefix + digits, or
    exactly 8 digits, is Companies House; 6–7 digits (with an optional linked-charity
    suffix) is the Charity Commission; digits + R is the Mutuals Public Register.
    """
    value = _clean(raw)
    if re.fullmatch(r"SC[0-9]+", value):
        return Scheme.SC
    if re.fullmatch(r"NIC[0-9]+", value):
        return Scheme.NIC
    match = re.fullmatch(r"([A-Z][A-Z0-9])[0-9]+", value)
    if (match and match[1] in COMPANY_PREFIXES) or re.fullmatch(r"[0-9]{8}", value):
        return Scheme.COH
    if _CHC.fullmatch(value):
        return Scheme.CHC
    if re.fullmatch(r"[0-9]+R", value):
        return Scheme.MPR
    return None
