"""A councillor's past digests: the list, each one as it was sent, and its PDF."""

import re

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from councillors import pdf, queries
from councillors.weeks import parse_week
from portal.formats import date_in_words, moment_in_words

STYLE_TAG = re.compile(r"<style(?=[\s>])", re.IGNORECASE)
HEAD_TAG = re.compile(r"<head(?=[\s>])[^>]*>", re.IGNORECASE)


def councillor_or_404(request):
    """The signed-in user's councillor record; 404 for anyone who is not a councillor."""
    councillor = queries.councillor_of(request.user)
    if councillor is None:
        raise Http404
    return councillor


def _digest(request, week):
    """The signed-in councillor's sent digest for ``week``; 404 for anything else."""
    digest = queries.sent_digest(councillor_or_404(request), week)
    if digest is None:
        raise Http404
    return digest


def _week_in_words(week):
    return date_in_words(parse_week(week))


@login_required
@require_safe
def digest_list(request):
    """The councillor's digests that were sent, newest first."""
    councillor = councillor_or_404(request)
    digests = [
        {
            "digest": digest,
            "week_beginning": _week_in_words(digest.week),
            "sent": moment_in_words(digest.sent_at, say_uk_time=False),
        }
        for digest in queries.sent_digests(councillor)
    ]
    return render(request, "councillors/digest_list.html", {"digests": digests})


def framed(html, nonce):
    """The stored email, ready for an ``<iframe srcdoc>`` on this page.

    A srcdoc frame lives under this page's Content-Security-Policy: its
    ``<style>`` elements get this response's nonce (the stored HTML is our own
    template's escaped output, so every ``<style`` in it is a real tag), and its
    links open in the whole window, since portal pages refuse to be framed.
    """
    html = STYLE_TAG.sub(f'<style nonce="{nonce}"', html)
    base = '<base target="_top">'
    if HEAD_TAG.search(html):
        return HEAD_TAG.sub(lambda match: match[0] + base, html, count=1)
    return base + html


# The email keeps its look through style="" attributes, which the portal's
# policy (nonces only) would block inside the frame, which inherits it.
# Allowing style attributes on this one page lets no script run.
@csp_update({"style-src-attr": [UNSAFE_INLINE]})
@login_required
@require_safe
def digest_detail(request, week):
    """One of the councillor's digests as it was sent, framed in the page; 404 for others'."""
    digest = _digest(request, week)
    return render(
        request,
        "councillors/digest_detail.html",
        {
            "digest": digest,
            "week_beginning": _week_in_words(digest.week),
            "sent": moment_in_words(digest.sent_at, say_uk_time=False),
            "srcdoc": framed(digest.html, request.csp_nonce),
        },
    )


@login_required
@require_safe
def digest_pdf(request, week):
    """One of the councillor's digests as a PDF download; 404 for others'."""
    digest = _digest(request, week)
    response = HttpResponse(pdf.render_pdf(digest), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(digest)}"'
    return response
