"""The bidder's pages: start a bid and its task list, and what every bid page shares.

Every write goes through ``tenders.actions``, which check the deadline by the
server's clock; these views only show what the actions refuse. The sections are
in ``sections``, checking, submitting and receipts in ``submission``.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from opportunities.views.detail import published_or_404
from organisations.views.manage import acting_organisation
from portal.formats import moment_in_words
from portal.forms import add_errors, fits
from tenders import actions
from tenders.models import Bid
from tenders.queries import (
    checklist,
    missing_from,
    own_bid,
    taking_bids,
    tender_of,
)


@dataclass
class BidPage:
    """A bid as one reader sees it: whether they may change it, and whether bids are still open."""

    bid: object
    is_lead: bool
    is_open: bool

    @property
    def editable(self):
        return self.is_lead and self.is_open

    @property
    def tender(self):
        return self.bid.tender

    @property
    def opportunity(self):
        return self.bid.tender.opportunity

    def context(self, **extra):
        return {
            "bid": self.bid,
            "page": self,
            "opportunity": self.opportunity,
            "tender": self.tender,
            "editable": self.editable,
            "deadline": moment_in_words(self.opportunity.submission_deadline),
            **extra,
        }


def bid_page(request, reference, *, edit=False):
    """The bid ``reference`` for the lead's members and confirmed partners; 404 for anyone else.

    ``edit=True`` (a form was posted): 404 unless the user is in the lead organisation.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    bid = get_object_or_404(
        Bid.objects.of_bidders(user).select_related(
            "tender__opportunity__publisher", "organisation", "current_version"
        ),
        reference=reference,
    )
    page = BidPage(bid, is_lead=actions.is_bidder(user, bid), is_open=taking_bids(bid.tender))
    if edit and not page.is_lead:
        raise Http404
    return page


def posted_pk(value):
    """``value`` (a posted or linked id) as an id, or 404: never a database error."""
    value = str(value or "")
    if not (value.isdigit() and fits(Bid._meta.pk, value)):
        raise Http404
    return int(value)


def saved(form, call, **kwargs):
    """Run an action; True if it saved, else False with its refusal on ``form``.

    A refusal for want of permission is a 404; a passed deadline is shown with its
    message (the deadline and the server's time).
    """
    try:
        call(**kwargs)
    except PermissionError:
        raise Http404 from None
    except ValidationError as error:
        add_errors(form, error)
        return False
    except ValueError as error:
        form.add_error(None, str(error))
        return False
    return True


def section_url(bid, section):
    args = [bid.reference]
    if section.url_name == "tenders:bid_answer":
        args.append(section.criterion.pk)
    if getattr(section, "lot", None) is not None:
        args.append(section.lot.pk)
    return reverse(section.url_name, args=args)


def next_section_url(bid, path):
    """The section after the one at ``path``; after the last, the check page."""
    urls = [section_url(bid, section) for section in checklist(bid)]
    if path in urls and urls.index(path) + 1 < len(urls):
        return urls[urls.index(path) + 1]
    return reverse("tenders:bid_submit", args=[bid.reference])


def after_save(request, bid):
    """Where a saved section leads: with "Save and continue", the next section (after the
    last, the check page); with "Save and come back later", the task list."""
    if "continue" not in request.POST:
        return redirect("tenders:bid", reference=bid.reference)
    return redirect(next_section_url(bid, request.path))


# Pages ------------------------------------------------------------------------------


def render_page(request, template, page, **extra):
    return render(request, f"tenders/bid/{template}", page.context(**extra))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_bid(request, reference):
    """Start (or go back to) the acting organisation's bid, or say why it cannot bid."""
    opportunity = published_or_404(reference)
    organisation = acting_organisation(request)
    if organisation is None:
        return render(
            request, "opportunities/detail_needs_organisation.html", {"opportunity": opportunity}
        )
    tender = tender_of(opportunity)
    reason = None
    if tender is None or actions.method_problems(tender):
        reason = _(
            "Bidding has not started: the council has not finished setting out how bids "
            "will be scored."
        )
    elif not taking_bids(tender):
        reason = _("Bids closed at %(deadline)s.") % {
            "deadline": moment_in_words(opportunity.submission_deadline)
        }
    elif organisation.pk == opportunity.publisher_id:
        reason = _("%(name)s published this opportunity, so it cannot bid for it.") % {
            "name": organisation.name
        }
    if reason is None:
        existing = own_bid(request.user, tender)
        if existing is not None and existing.organisation_id == organisation.pk:
            return redirect("tenders:bid", reference=existing.reference)
        if request.method == "POST":
            try:
                bid = actions.start_bid(tender=tender, organisation=organisation, by=request.user)
            except PermissionError:
                raise Http404 from None
            except ValidationError as error:  # the deadline passed a moment ago
                reason = " ".join(error.messages)
            except ValueError as error:
                reason = str(error)
            else:
                return redirect("tenders:bid", reference=bid.reference)
    return render(
        request,
        "tenders/bid/start.html",
        {
            "opportunity": opportunity,
            "organisation": organisation,
            "reason": reason,
            "deadline": moment_in_words(opportunity.submission_deadline),
        },
    )


@require_safe
def task_list(request, reference):
    """The bid's task list: each section's status and what it still lacks, and how to submit."""
    page = bid_page(request, reference)
    bid = page.bid
    sections = checklist(bid)
    for section in sections:
        section.url = section_url(bid, section)
    return render_page(
        request,
        "task_list.html",
        page,
        sections=sections,
        missing=missing_from(sections),
        attachments=bid.attachments.filter(removed_at=None).count(),
    )
