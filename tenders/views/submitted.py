"""The submitted bids, as frozen at submission, for the publisher's commissioners once the box
is open. Drafts and withdrawn bids are never shown; before opening, nothing is."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from organisations.models import Ward
from portal.uploads import file_download
from tenders.models import Bid, BidAttachment, LivingWage
from tenders.views.method import _commissioned_tender


def _opened_bid(request, reference, bid_reference):
    """The submitted bid ``bid_reference`` of the opportunity's opened box; 404 otherwise."""
    tender = _commissioned_tender(request, reference)
    bid = get_object_or_404(
        Bid.objects.visible_to(request.user)
        .filter(tender=tender)
        .submitted()
        .select_related("organisation", "current_version", "current_version__submitted_by"),
        reference=bid_reference,
    )
    return tender, bid


def frozen_bid(tender, bid):
    """What a page showing ``bid`` as it was frozen needs: its version, content, answers
    with their questions, commitments with ward names and the living wage in words."""
    version = bid.current_version
    content = version.content
    questions = {c.number: c for c in tender.criteria.all()}
    codes = {code for commitment in content["social_value"] for code in commitment["wards"]}
    wards = dict(Ward.objects.filter(gss_code__in=codes).values_list("gss_code", "name"))
    commitments = [
        {**commitment, "ward_names": [wards.get(code, code) for code in commitment["wards"]]}
        for commitment in content["social_value"]
    ]
    answers = [
        {**answer, "criterion": questions.get(answer["criterion"])} for answer in content["answers"]
    ]
    return {
        "version": version,
        "content": content,
        "answers": answers,
        "commitments": commitments,
        "living_wage": LivingWage(content["declarations"]["living_wage"]).label,
    }


@require_safe
def submitted_bid(request, reference, bid_reference):
    """One submitted bid as it was frozen: the version evaluators will score."""
    tender, bid = _opened_bid(request, reference, bid_reference)
    return render(
        request,
        "tenders/submitted/bid.html",
        {"opportunity": tender.opportunity, "tender": tender, "bid": bid} | frozen_bid(tender, bid),
    )


@require_safe
def submitted_attachment(request, reference, bid_reference, pk):
    """A file submitted with the bid's current version (and only such a file)."""
    _tender, bid = _opened_bid(request, reference, bid_reference)
    if pk not in {a["id"] for a in bid.current_version.content["attachments"]}:
        raise Http404
    attachment = get_object_or_404(BidAttachment, bid=bid, pk=pk)
    return file_download(attachment.file)
