"""A digest as an email: subject, plain-text part and an HTML part mail programs show well.

The HTML is laid out with tables and inline styles, fetches nothing (no images,
no web fonts) and is at most 600 pixels wide, because that is what Outlook,
Gmail and phone mail apps agree on. Markers are words on a coloured label, never
colour alone. Templates autoescape, so an opportunity's title is shown as typed.

An opportunity's entry reads the same in every digest of a run, except for the
"new" marker, so each ``DigestItem`` (one per opportunity and marker) is rendered
once and reused: 10,000 digests of 500 opportunities render at most 1,000
entries, not 5 million.
"""

import weakref
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from portal.mail import subject_line

ITEM_TEMPLATE = "councillors/email/digest_item"
DIGEST_TEMPLATE = "councillors/email/digest"


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Entry:
    """One opportunity's entry, in both parts of the email."""

    text: str
    html: str


# Keyed by the (immutable) item itself: entries are forgotten with the run that made them.
_entries = weakref.WeakKeyDictionary()


def _entry(item):
    entry = _entries.get(item)
    if entry is None:
        context = {"item": item}
        entry = _Entry(
            text=render_to_string(f"{ITEM_TEMPLATE}.txt", context).strip("\n"),
            html=render_to_string(f"{ITEM_TEMPLATE}.html", context),
        )
        _entries[item] = entry
    return entry


def subject(content):
    """``Opportunities open this week: 12 (3 in your wards) – Commissioning portal``."""
    count = content.opportunity_count
    if content.has_wards:
        headline = _("Opportunities open this week: %(count)s (%(mine)s in your wards)") % {
            "count": count,
            "mine": len(content.in_your_wards),
        }
    else:
        headline = _("Opportunities open this week: %(count)s") % {"count": count}
    return subject_line(headline)


def _sections(content):
    """The digest's lists of opportunities, each ``{title, note, empty, groups}``.

    The ward section is always there for a councillor with wards, saying so when
    it is empty; the others only when they list something.
    """
    sections = []
    if content.has_wards:
        sections.append(
            {
                "title": _("In your wards"),
                "note": _("Opportunities whose service area includes %(wards)s.")
                % {"wards": get_text_list(content.ward_names, _("or"))},
                "empty": _("Nothing open this week is in your wards."),
                "groups": _groups([("", content.in_your_wards)]),
            }
        )
    if content.citywide:
        sections.append(
            {
                "title": _("Across the whole city"),
                "note": _("Opportunities for people anywhere in the city."),
                "groups": _groups([("", content.citywide)]),
            }
        )
    if content.other_by_category:
        sections.append(
            {
                "title": _("Other opportunities, by service"),
                "note": _("Opportunities for other parts of the city.")
                if content.has_wards
                else _("Opportunities for particular parts of the city."),
                "groups": _groups((g.name, g.items) for g in content.other_by_category),
            }
        )
    return sections


def _groups(named_items):
    """``[{name, text, html}]``: each group's entries joined, so a digest is a few strings."""
    groups = []
    for name, items in named_items:
        entries = [_entry(item) for item in items]
        if entries:
            groups.append(
                {
                    "name": name,
                    "text": "\n\n".join(entry.text for entry in entries),
                    # Each entry was rendered (and escaped) by its template.
                    "html": mark_safe("".join(entry.html for entry in entries)),  # noqa: S308
                }
            )
    return groups


def render(content):
    """``content`` (a ``DigestContent``) as a ``RenderedDigest`` ready to send or store."""
    context = {
        "content": content,
        "subject": subject(content),
        "sections": _sections(content),
        "ward_list": get_text_list(content.ward_names, _("and")),
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "brand_colour": settings.COUNCIL_BRAND_COLOUR,
    }
    return RenderedDigest(
        subject=context["subject"],
        text=render_to_string(f"{DIGEST_TEMPLATE}.txt", context),
        html=render_to_string(f"{DIGEST_TEMPLATE}.html", context),
    )
