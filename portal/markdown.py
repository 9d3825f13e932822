"""Markdown that people write, turned into HTML that is safe to show.

Commissioners and scrutiny officers are trusted to publish but their text is
not trusted as HTML: a pasted ``<script>`` or ``javascript:`` link must never
reach a reader's browser. Markdown is rendered first, then everything it produced (including
any raw HTML that Markdown passes through) is sanitised with nh3 against an
allow-list, so what is not listed here cannot appear.
"""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Styled like the rest of the page; set on every tag, whatever the input said.
GOVUK_CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "blockquote": "govuk-inset-text",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}


# The text sits under the page's own "Description" (an h2), so "# Title" and
# "## Title" become h3 and everything smaller h4, which has the smallest style.
HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _shift_heading(match):
    return f"<{match[1]}h{3 if int(match[2]) <= 2 else 4}"


def render(text):
    """``text`` as Markdown, rendered to sanitised HTML marked safe for templates.

    Headings written ``#`` and ``##`` become ``<h3>``, smaller ones ``<h4>``:
    the text sits under the page's own second-level "Description" heading.
    Links keep only http, https and mailto addresses and get
    ``rel="noopener noreferrer"``. Anything else (scripts, styles, event
    handlers, images, iframes, relative links) is removed.
    """
    if not text or not text.strip():
        return SafeString("")
    html = markdown_lib.markdown(
        text,
        extensions=["tables", "sane_lists"],
        output_format="html",
    )
    html = HEADING.sub(_shift_heading, html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": css} for tag, css in GOVUK_CLASSES.items()},
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 -- sanitised by nh3 against the allow-list above


def for_storage(text):
    """``render(text)`` as a plain string, to store beside the Markdown it came from.

    Every ``*_html`` field is written with this when its text is saved, and
    shown with ``stored`` (or ``|safe`` in a template).
    """
    return str(render(text))


def stored(html):
    """HTML that ``render`` made and the portal stored, marked safe again for templates.

    Nothing here sanitises it again: pass only what ``render`` returned, so that
    Markdown is rendered once, when it is saved, and not on every page view.
    """
    return mark_safe(html)  # noqa: S308 -- sanitised by render() before it was stored
