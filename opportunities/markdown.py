"""Markdown that commissioners write, turned into HTML that is safe to show.

Commissioners are trusted to publish but their text is not trusted as HTML: a
pasted ``<script>`` or ``javascript:`` link must never reach a bidder's
browser. Markdown is rendered first, then everything it produced (including
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
    "h2",
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
    "h2": "govuk-heading-m",
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


# "# Title" becomes a second-level heading: the page's own title is its only h1.
# Below h4 the page has no smaller heading style, so h5 and h6 become h4.
HEADING_LEVELS = (
    (re.compile(r"<(/?)h1\b", re.IGNORECASE), r"<\1h2"),
    (re.compile(r"<(/?)h[56]\b", re.IGNORECASE), r"<\1h4"),
)


def render(text):
    """``text`` as Markdown, rendered to sanitised HTML marked safe for templates.

    Headings written ``#`` and ``##`` both become ``<h2>``: the page's own
    title is the only ``<h1>``. Links keep only http, https and mailto addresses and get
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
    for pattern, replacement in HEADING_LEVELS:
        html = pattern.sub(replacement, html)
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
