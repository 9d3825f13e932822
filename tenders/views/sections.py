"""A bid's sections: lots, answers, prices, social value, declarations, details and files."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.uploads import file_download
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
from tenders.queries import (
    bid_lots,
    shared_details,
)
from tenders.views.bids import after_save, bid_page, posted_pk, render_page, saved


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
    return render_page(
        request, "lots.html", page, form=form, chosen=bid_lots(bid), heading=_("Lots")
    )


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
    return render_page(
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
    return render_page(
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
            commitment = get_object_or_404(
                bid.commitments, pk=posted_pk(request.POST.get("remove"))
            )
            if saved(form, actions.remove_commitment, commitment=commitment, by=request.user):
                messages.success(request, _("The commitment was removed."))
                return redirect("tenders:bid_social_value", reference=bid.reference)
        elif form.is_valid() and saved(
            form, actions.add_commitment, bid=bid, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The commitment was added."))
            return redirect("tenders:bid_social_value", reference=bid.reference)
    return render_page(
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
            funding = get_object_or_404(
                bid.funding, pk=posted_pk(request.POST.get("remove_funding"))
            )
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
    return render_page(
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
    return render_page(
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
                bid.attachments.filter(removed_at=None), pk=posted_pk(request.POST.get("remove"))
            )
            if saved(form, actions.remove_attachment, attachment=attachment, by=request.user):
                messages.success(request, _("“%s” was removed from the bid.") % attachment.title)
                return redirect("tenders:bid_attachments", reference=bid.reference)
        elif form.is_valid() and saved(
            form, actions.add_attachment, bid=bid, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The file was attached to the bid."))
            return redirect("tenders:bid_attachments", reference=bid.reference)
    return render_page(
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
    return file_download(attachment.file)
