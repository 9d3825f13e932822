"""Storing releases. Each app that owns an event calls ``record_release`` inside the
transaction that makes the event, so the release exists exactly when the event does."""

import json

from django.db import IntegrityError, transaction

from opendata.models import Release
from opendata.ocds import when

ATTEMPTS = 5
LANGUAGE = "en"


def _next_number(ocid):
    last = Release.objects.filter(ocid=ocid).order_by("-number").values("number").first()
    return last["number"] + 1 if last else 1


def record_release(*, ocid, tags, date, parties=(), **sections):
    """Store the release of an event in the procurement ``ocid`` that happened at
    ``date`` (an aware datetime), tagged with ``tags`` (releaseTag codes), with
    ``parties`` and the release's other top-level ``sections`` (``tender``,
    ``awards``…; empty ones are left out). Its id is the ocid and the next number in
    it; two events of one procurement at the same moment each get their own.
    Returns the ``Release``; it is never changed afterwards.
    """
    for _attempt in range(ATTEMPTS):
        number = _next_number(ocid)
        release_id = f"{ocid}-{number:02d}"
        data = {
            "ocid": ocid,
            "id": release_id,
            "date": when(date),
            "tag": list(tags),
            "initiationType": "tender",
            "language": LANGUAGE,
        }
        if parties:
            data["parties"] = list(parties)
        data.update({key: section for key, section in sections.items() if section})
        try:
            with transaction.atomic():
                return Release.objects.create(
                    ocid=ocid,
                    number=number,
                    release_id=release_id,
                    date=date,
                    tags=list(tags),
                    data=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                )
        except IntegrityError:
            if not Release.objects.filter(ocid=ocid, number=number).exists():
                raise
    raise RuntimeError(f"Could not number a release of {ocid}.")
