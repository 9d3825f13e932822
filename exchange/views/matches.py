"""A match's page, for the two organisations only: the proposal and the reply, the
answer, the help recorded by the giver and its confirmation by the recipient."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from exchange.actions import delivery as delivery_actions
from exchange.actions import matching
from exchange.forms import AnswerForm, ConfirmForm, DeliveryForm
from exchange.models import Delivery, Match, Side
from exchange.views import done, run


def _match_for(request, pk):
    """The match and the user's side of it; 404 for anyone on neither side."""
    match = get_object_or_404(
        Match.objects.select_related(
            "need__organisation", "need__ward", "offer__organisation", "offer__pledge__contract"
        ),
        pk=pk,
    )
    sides = matching.sides_of(request.user, need=match.need, offer=match.offer)
    if not sides:
        raise Http404
    return match, sides


def _page(request, match, sides, *, answer_form=None, delivery_form=None, confirm_forms=None):
    deliveries = list(match.deliveries.select_related("recorded_by").order_by("delivered_on", "pk"))
    confirm_forms = confirm_forms or {}
    for delivery in deliveries:
        delivery.form = confirm_forms.get(delivery.pk) or ConfirmForm(prefix=f"d{delivery.pk}")
        delivery.form.helper.form_action = reverse("exchange:delivery_confirm", args=[delivery.pk])
    recorded = sum((d.quantity for d in deliveries), start=0)
    may_answer = match.is_pending and match.answering_side in sides
    may_record = match.accepted_at is not None and Side.GIVER in sides and recorded < match.quantity
    if may_record:
        delivery_form = delivery_form or DeliveryForm()
        delivery_form.helper.form_action = reverse("exchange:match_record", args=[match.pk])
    return render(
        request,
        "exchange/match.html",
        {
            "match": match,
            "need": match.need,
            "offer": match.offer,
            "may_confirm": Side.RECIPIENT in sides,
            "deliveries": deliveries,
            "recorded": recorded,
            "answer_form": (answer_form or AnswerForm()) if may_answer else None,
            "delivery_form": delivery_form if may_record else None,
        },
    )


@login_required
@require_safe
def detail(request, pk):
    match, sides = _match_for(request, pk)
    return _page(request, match, sides)


@login_required
@require_POST
def answer(request, pk):
    """The answering side accepts (button ``accept``) or declines, with a reply."""
    match, sides = _match_for(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, match, sides, answer_form=form)
    accept = "accept" in request.POST
    action = matching.accept_match if accept else matching.decline_match
    try:
        answered = run(
            form, action, match=match, by=request.user, answer=form.cleaned_data["answer"]
        )
    except PermissionError:
        raise Http404 from None
    if answered is None:
        return _page(request, match, sides, answer_form=form)
    other = (
        match.need.organisation
        if match.proposed_by_side == Side.RECIPIENT
        else match.offer.organisation
    )
    message = (
        _("You accepted the match; %(name)s is told")
        if accept
        else _("You declined the match; %(name)s is told")
    )
    return done(request, message % {"name": other.name}, match.get_absolute_url())


@login_required
@require_POST
def record(request, pk):
    """The giver records help given under the accepted match."""
    match, sides = _match_for(request, pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            recorded = run(
                form,
                delivery_actions.record_delivery,
                match=match,
                by=request.user,
                **form.cleaned_data,
            )
        except PermissionError:
            raise Http404 from None
        if recorded:
            return done(
                request,
                _("Recorded. %(name)s is asked to confirm it.")
                % {"name": match.need.organisation.name},
                match.get_absolute_url(),
            )
    return _page(request, match, sides, delivery_form=form)


@login_required
@require_POST
def confirm(request, pk):
    """The recipient confirms help given, with an optional testimonial."""
    delivery = get_object_or_404(Delivery, pk=pk)
    match, sides = _match_for(request, delivery.match_id)
    form = ConfirmForm(request.POST, prefix=f"d{delivery.pk}")
    if form.is_valid():
        try:
            delivery_actions.confirm_delivery(
                delivery=delivery, by=request.user, testimonial=form.cleaned_data["testimonial"]
            )
        except PermissionError:
            raise Http404 from None
        return done(request, _("Thank you: the help is confirmed"), match.get_absolute_url())
    return _page(request, match, sides, confirm_forms={delivery.pk: form})
