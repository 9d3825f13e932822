"""Helpers for the tests that request every URL of the portal as one persona after
another: the routes, the routes filled in with real ids, and bids marked with
unmistakable words to look for in every response.
"""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver

from organisations.models import MembershipRole
from tenders import actions

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes():
    """Every URL pattern of the portal as (route, name), admin included."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.name

    return list(walk(get_resolver().url_patterns))


def fill(all_routes, values_of):
    """Every URL the non-admin routes make, each parameter filled in with every value of
    ``values_of(route, name)``. A route with a parameter it gives None for (an id of
    something the test is not about) is left out; its pages are other tests' business."""
    urls = set()
    for route, _name in all_routes:
        if route.startswith("admin/"):
            continue
        values = {}
        for _kind, name in PARAMETER.findall(route):
            values[name] = values_of(route, name)
            if values[name] is None:
                break
        else:
            expanded = [route]
            for name, options in values.items():
                expanded = [
                    re.sub(rf"<(?:\w+:)?{name}>", str(option), url)
                    for url in expanded
                    for option in options
                ]
            urls.update("/" + url for url in expanded)
    return urls


def body_of(response):
    """The response's text, streamed or not."""
    body = b"".join(response) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def mark(bid, tag):
    """Put ``tag`` in every part of ``bid`` its lead writes: an answer, a social value
    commitment, declared funding, an unregistered partner's name and number, a file's
    title, name and content. A bid already submitted is submitted again, so its
    current version holds them too."""
    tender = bid.tender
    by = bid.organisation.memberships.get(role=MembershipRole.ADMIN).user
    actions.save_answer(
        bid=bid, criterion=tender.criteria.last(), by=by, text=f"Answer {tag}answer"
    )
    actions.add_commitment(
        bid=bid, by=by, measure=f"{tag}commitment", quantity=3, unit="days", citywide=True
    )
    actions.add_funding(
        bid=bid,
        by=by,
        funder=f"{tag}funder",
        activity="Similar work",
        amount=12345,
        starts_on=tender.opportunity.published_at.date(),
    )
    actions.add_partner(
        bid=bid, by=by, name=f"{tag}partner", identifier=f"{tag}number", share_percent=5
    )
    actions.add_attachment(
        bid=bid,
        by=by,
        title=f"{tag}file",
        file=SimpleUploadedFile(f"{tag}.pdf", b"%PDF-1.7 " + tag.encode()),
    )
    if bid.is_submitted:
        actions.submit(bid=bid, by=by)
