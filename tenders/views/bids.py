"""The bidder's pages: start a bid, its task list and sections, check and submit, receipts.

Every write goes through ``tenders.actions``, which check the deadline by the
server's clock; these views only show what the actions refuse.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from opportunities.views.detail import published_or_404
from organisations.views.manage import acting_organisation
from portal.formats import moment_in_words
from portal.forms import add_errors
from tenders import actions
from tenders.forms.bids import (
    AnswerForm,
    AttachmentForm,
    CommitmentForm,
    DeclarationsForm,
    FundingForm,
    LotsForm,
    PriceForm,
)
from tenders.models import Bid
from tenders.queries import (
    bid_lots,
    checklist,
    missing_from,
    own_bid,
    shared_details,
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


def taking_bids(tender, now=None):
    """True while the opportunity takes bids: published, not cancelled or awarded, before
    the deadline and with the bid box still closed."""
    now = now or timezone.now()
    opportunity = tender.opportunity
    return (
        opportunity.published_at is not None
        and not opportunity.cancelled_at
        and not opportunity.awarded_at
        and tender.opened_at is None
        and now < opportunity.submission_deadline
    )


def bid_page(request, reference, *, edit=False):
    """The bid ``reference`` for the lead's members and confirmed partners; 404 for anyone else.

    ``edit=True`` (a form was posted): 404 unless the user is in the lead organisation.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    readers = Q(organisation__memberships__user=user) | Q(
        partners__organisation__memberships__user=user, partners__confirmed_at__isnull=False
    )
    bid = get_object_or_404(
        Bid.objects.visible_to(user)
        .filter(pk__in=Bid.objects.filter(readers).values("pk"))
        .select_related("tender__opportunity__publisher", "organisation", "current_version"),
        reference=reference,
    )
    page = BidPage(bid, is_lead=actions.is_bidder(user, bid), is_open=taking_bids(bid.tender))
    if edit and not page.is_lead:
        raise Http404
    return page


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


def _render(request, template, page, **extra):
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
    return _render(
        request,
        "task_list.html",
        page,
        sections=sections,
        missing=missing_from(sections),
        attachments=bid.attachments.filter(removed_at=None).count(),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def lots(request, reference):
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    form = LotsForm(
        request.POST or None,
        opportunity=page.opportunity,
        initial={"lots": list(bid.lots.values_list("pk", flat=True))},
    )
    lots = form.cleaned_data["lots"] if request.method == "POST" and form.is_valid() else None
    if lots is not None and saved(form, actions.save_lots, bid=bid, by=request.user, lots=lots):
        return after_save(request, bid)
    return _render(request, "lots.html", page, form=form, chosen=bid_lots(bid), heading=_("Lots"))


def _lot_or_404(page, lot_pk):
    if lot_pk is None:
        return None
    return get_object_or_404(page.opportunity.lots, pk=lot_pk)


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, reference, criterion_pk, lot_pk=None):
    """One question: its guidance, word limit and scale, and the answer with a word count."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    criterion = get_object_or_404(page.tender.criteria, pk=criterion_pk)
    lot = _lot_or_404(page, lot_pk)
    if criterion.per_lot != (lot is not None) and page.opportunity.lots.exists():
        raise Http404
    existing = bid.answers.filter(criterion=criterion, lot=lot).first()
    form = AnswerForm(
        request.POST or None,
        criterion=criterion,
        initial={"text": existing.text if existing else ""},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            actions.save_answer,
            bid=bid,
            by=request.user,
            criterion=criterion,
            lot=lot,
            text=form.cleaned_data["text"],
        )
    ):
        return after_save(request, bid)
    return _render(
        request,
        "answer.html",
        page,
        form=form,
        criterion=criterion,
        lot=lot,
        answer=existing,
        heading=_("Question %(number)s") % {"number": criterion.number},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def price(request, reference, lot_pk=None):
    """The price of each line of a lot's schedule, and its full-cost breakdown if asked."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid, tender = page.bid, page.tender
    lot = _lot_or_404(page, lot_pk)
    if tender.price_weight <= 0 or (lot is None and page.opportunity.lots.exists()):
        raise Http404
    lines = list(tender.price_lines.filter(lot=lot))
    entries = {e.line_id: e.unit_price for e in bid.prices.filter(line__in=lines)}
    breakdown = bid.cost_breakdowns.filter(lot=lot).first()
    initial = {f"line_{pk}": f"{price:,.2f}" for pk, price in entries.items()}
    if breakdown is not None:
        initial.update({name: f"{getattr(breakdown, name):,.2f}" for name in PriceForm.BREAKDOWN})
    form = PriceForm(
        request.POST or None,
        lines=lines,
        breakdown=tender.full_cost_breakdown,
        initial=initial,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            actions.save_price,
            bid=bid,
            by=request.user,
            lot=lot,
            unit_prices=form.unit_prices(),
            breakdown=form.breakdown(),
        )
    ):
        return after_save(request, bid)
    rows = [
        {
            "line": line,
            "unit_price": entries.get(line.pk),
            "total": line.quantity * entries[line.pk] if line.pk in entries else None,
        }
        for line in lines
    ]
    total = sum((row["total"] for row in rows if row["total"] is not None), Decimal(0))
    return _render(
        request,
        "price.html",
        page,
        form=form,
        lot=lot,
        rows=rows,
        total=total,
        breakdown=breakdown,
        heading=_("Price for %(lot)s") % {"lot": lot} if lot else _("Price"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def social_value(request, reference):
    """The bid's social value commitments: add one, remove one."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    form = CommitmentForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if "remove" in request.POST:
            commitment = get_object_or_404(bid.commitments, pk=request.POST.get("remove"))
            if saved(form, actions.remove_commitment, commitment=commitment, by=request.user):
                messages.success(request, _("The commitment was removed."))
                return redirect("tenders:bid_social_value", reference=bid.reference)
        elif form.is_valid() and saved(
            form, actions.add_commitment, bid=bid, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The commitment was added."))
            return redirect("tenders:bid_social_value", reference=bid.reference)
    return _render(
        request,
        "social_value.html",
        page,
        form=form,
        commitments=bid.commitments.prefetch_related("wards"),
        heading=_("Social value commitments"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def declarations(request, reference):
    """Other funding (and the list of it), conflicts of interest and the Real Living Wage."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    form = DeclarationsForm(
        request.POST
        if "add_funding" not in request.POST and "remove_funding" not in request.POST
        else None,
        bid=bid,
    )
    funding_form = FundingForm(request.POST if "add_funding" in request.POST else None)
    if request.method == "POST":
        if "remove_funding" in request.POST:
            funding = get_object_or_404(bid.funding, pk=request.POST.get("remove_funding"))
            if saved(funding_form, actions.remove_funding, funding=funding, by=request.user):
                messages.success(request, _("The funding was removed from the list."))
                return redirect("tenders:bid_declarations", reference=bid.reference)
        elif "add_funding" in request.POST:
            if funding_form.is_valid() and saved(
                funding_form,
                actions.add_funding,
                bid=bid,
                by=request.user,
                **funding_form.cleaned_data,
            ):
                messages.success(request, _("The funding was added to the list."))
                return redirect("tenders:bid_declarations", reference=bid.reference)
        elif form.is_valid() and saved(
            form, actions.save_declarations, bid=bid, by=request.user, **form.cleaned_data
        ):
            return after_save(request, bid)
    return _render(
        request,
        "declarations.html",
        page,
        form=form,
        funding_form=funding_form,
        funding=bid.funding.all(),
        heading=_("Declarations"),
    )


@require_safe
def details(request, reference):
    """What the registry shares with the commissioner: read-only, nothing re-typed."""
    page = bid_page(request, reference)
    return _render(
        request,
        "details.html",
        page,
        details=shared_details(page.bid.organisation),
        heading=_("Your organisation's details"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def attachments(request, reference):
    """Files attached to the bid: upload, list, remove."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    form = AttachmentForm(
        request.POST if "upload" in request.POST else None,
        request.FILES if "upload" in request.POST else None,
    )
    if request.method == "POST":
        if "remove" in request.POST:
            attachment = get_object_or_404(
                bid.attachments.filter(removed_at=None), pk=request.POST.get("remove")
            )
            if saved(form, actions.remove_attachment, attachment=attachment, by=request.user):
                messages.success(request, _("“%s” was removed from the bid.") % attachment.title)
                return redirect("tenders:bid_attachments", reference=bid.reference)
        elif form.is_valid() and saved(
            form, actions.add_attachment, bid=bid, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The file was attached to the bid."))
            return redirect("tenders:bid_attachments", reference=bid.reference)
    return _render(
        request,
        "attachments.html",
        page,
        form=form,
        attachments=bid.attachments.filter(removed_at=None),
        heading=_("Attachments"),
    )


@require_safe
def attachment(request, reference, pk):
    """Download a file of the bid: for those who may read the bid, nobody else."""
    page = bid_page(request, reference)
    attachment = get_object_or_404(page.bid.attachments, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1]
    )


def summary(bid):
    """Everything the check page shows, in a fixed number of queries."""
    tender = bid.tender
    lots = bid_lots(bid)
    answers = {(a.criterion_id, a.lot_id): a.text for a in bid.answers.all()}
    questions = [
        {"criterion": criterion, "lot": lot, "text": answers.get((criterion.pk, lot and lot.pk))}
        for criterion in tender.criteria.all()
        for lot in (lots if criterion.per_lot and lots != [None] else [None])
    ]
    entries = {e.line_id: e.unit_price for e in bid.prices.all()}
    breakdowns = {b.lot_id: b for b in bid.cost_breakdowns.all()}
    lines = list(tender.price_lines.all())
    prices = []
    if tender.price_weight > 0:
        for lot in lots:
            lot_id = lot.pk if lot else None
            rows = [
                {
                    "line": line,
                    "unit_price": entries.get(line.pk),
                    "total": line.quantity * entries[line.pk] if line.pk in entries else None,
                }
                for line in lines
                if line.lot_id == lot_id
            ]
            prices.append(
                {
                    "lot": lot,
                    "rows": rows,
                    "total": sum((r["total"] for r in rows if r["total"] is not None), Decimal(0)),
                    "breakdown": breakdowns.get(lot_id),
                }
            )
    return {
        "lots": [lot for lot in lots if lot is not None],
        "has_lots": lots != [None],
        "partners": bid.partners.select_related("organisation"),
        "questions": questions,
        "prices": prices,
        "commitments": bid.commitments.prefetch_related("wards"),
        "funding": bid.funding.all(),
        "attachments": bid.attachments.filter(removed_at=None),
        "details": shared_details(bid.organisation),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request, reference):
    """Check your answers, then submit (or replace) the bid; refused while anything is missing."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    sections = checklist(bid)
    for section in sections:
        section.url = section_url(bid, section)
    refusal = None
    if request.method == "POST":
        try:
            version = actions.submit(bid=bid, by=request.user)
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            refusal = error.messages
        except ValueError as error:
            refusal = [str(error)]
        else:
            return redirect("tenders:bid_receipt", reference=bid.reference, number=version.number)
    return _render(
        request,
        "submit.html",
        page,
        sections=[s for s in sections if s.missing],
        missing=missing_from(sections),
        refusal=refusal,
        heading=_("Check your bid before you submit it") if page.editable else _("The whole bid"),
        **summary(bid),
    )


@require_safe
def receipt(request, reference, number):
    page = bid_page(request, reference)
    version = get_object_or_404(page.bid.versions, number=number)
    return _render(
        request,
        "receipt.html",
        page,
        version=version,
        received=moment_in_words(version.submitted_at),
        is_current=version.pk == page.bid.current_version_id and page.bid.is_submitted,
        heading=_("Bid received"),
    )


@require_safe
def versions(request, reference):
    page = bid_page(request, reference)
    return _render(
        request,
        "versions.html",
        page,
        versions=page.bid.versions.order_by("-number"),
        heading=_("Versions you submitted"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, reference):
    """Confirm, then withdraw a submitted bid; it can be submitted again before the deadline."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    if not page.is_lead or not bid.is_submitted:
        raise Http404
    refusal = None
    if request.method == "POST":
        try:
            actions.withdraw(bid=bid, by=request.user)
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            refusal = error.messages
        except ValueError as error:
            refusal = [str(error)]
        else:
            messages.success(
                request,
                _("Your bid was withdrawn. You can submit it again until %(deadline)s.")
                % {"deadline": moment_in_words(page.opportunity.submission_deadline)},
            )
            return redirect("tenders:bid", reference=bid.reference)
    return _render(request, "withdraw.html", page, refusal=refusal, heading=_("Withdraw your bid"))
