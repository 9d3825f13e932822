"""Pieces every release is built from: ocids, amounts, dates, parties.

The apps that own the events compose their releases from these and store them with
``opendata.actions.record_release``. Only what is already public on the portal goes
in: organisations by name and register number, never a person's name or address.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

CURRENCY = "GBP"
SCHEME_ORDER = ["GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-MPR"]


def ocid(reference):
    """The ocid of the procurement the portal knows by ``reference`` (``BCC-2026-0001``)."""
    return f"{settings.OCDS_PREFIX}-{reference}"


def amount(value):
    """A money amount as a JSON number: whole pounds as integers, pence as decimals."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def value(money):
    """An OCDS Value in pounds, or None for no amount."""
    if money is None:
        return None
    return {"amount": amount(money), "currency": CURRENCY}


def when(moment):
    """An aware datetime (or a date, taken as its start in UK time) as OCDS writes it."""
    if moment is None:
        return None
    if not hasattr(moment, "hour"):
        moment = timezone.make_aware(datetime.datetime(moment.year, moment.month, moment.day))
    moment = moment.astimezone(datetime.UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def end_of(day):
    """The last second of ``day`` in UK time, as OCDS writes it: an end date."""
    if day is None:
        return None
    return when(timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 23, 59, 59)))


def party_id(organisation_id):
    """A party's id: the portal's own, stable whatever register numbers it gains later."""
    return f"{settings.OCDS_PREFIX}-org-{organisation_id}"


def party(organisation, roles, identifiers=None):
    """``organisation`` as an OCDS party with ``roles``: its name and register numbers
    (org-id schemes), the first of them as its identifier. ``identifiers`` are its
    ``Identifier`` rows when already loaded."""
    rows = sorted(
        organisation.identifiers.all() if identifiers is None else identifiers,
        key=lambda row: SCHEME_ORDER.index(row.scheme) if row.scheme in SCHEME_ORDER else 99,
    )
    entry = {"id": party_id(organisation.pk), "name": organisation.name, "roles": sorted(roles)}
    if rows:
        first, *rest = rows
        entry["identifier"] = {
            "scheme": first.scheme,
            "id": first.value,
            "legalName": organisation.name,
        }
        if rest:
            entry["additionalIdentifiers"] = [
                {"scheme": row.scheme, "id": row.value} for row in rest
            ]
    return entry


def reference(organisation):
    """An OCDS OrganizationReference to ``organisation``'s party."""
    return {"id": party_id(organisation.pk), "name": organisation.name}


def parties(*entries):
    """Parties given as ``(organisation, role)`` pairs, one entry per organisation with
    all its roles, in the order first given."""
    by_id = {}
    for organisation, role in entries:
        if organisation.pk in by_id:
            by_id[organisation.pk][1].add(role)
        else:
            by_id[organisation.pk] = (organisation, {role})
    return [party(organisation, roles) for organisation, roles in by_id.values()]


def document(*, id, title, url, document_type=None, date=None, fmt=None):
    entry = {"id": str(id), "title": title, "url": url}
    if document_type:
        entry["documentType"] = document_type
    if date:
        entry["datePublished"] = when(date)
    if fmt:
        entry["format"] = fmt
    return entry


def absolute(path):
    """``path`` on the portal as a full URL (``SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + path
