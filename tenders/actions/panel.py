"""The evaluation panel: the publisher's commissioners name its evaluators and its chair,
and each evaluator declares their interests before reading a bid.

A panel with members always has exactly one chair: the first member added chairs
it until another is named. A member who has declared or started scoring stays on
the panel, so the record of who read and scored which bids is never lost.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.actions import require_commissioner
from tenders.actions.audit import record
from tenders.models import Bid, PanelMember, PanelRole, ScoreSheet, TenderEvent


def _panel_changed(member, by, summary, change, now=None):
    record(
        member.tender,
        TenderEvent.Kind.PANEL_CHANGED,
        by=by,
        at=now,
        summary=summary,
        change=change,
        member=member.user.email,
        role=member.role,
        chair=member.is_chair,
    )


def _name(member):
    return member.user.full_name or member.user.email


@transaction.atomic
def add_panel_member(*, tender, email, role, by, chair=False, now=None):
    """Put the evaluator with ``email`` on ``tender``'s panel in ``role``.

    Only someone with the evaluator role can sit on a panel, and only once. The
    first member chairs the panel; ``chair`` makes a later one chair instead.
    """
    require_commissioner(tender.opportunity.publisher, by)
    email = email.strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.is_evaluator:
        raise ValidationError(
            {
                "email": _(
                    "%(email)s is not an evaluator. Only people with the evaluator role can sit "
                    "on a panel: ask a site administrator to give it to them."
                )
                % {"email": email}
            }
        )
    if role not in PanelRole.values:
        raise ValidationError({"role": _("Select the evaluator's role on the panel")})
    seats = PanelMember.objects.select_for_update().filter(tender=tender)
    if seats.filter(user=user).exists():
        raise ValidationError(
            {"email": _("%(email)s is already on the panel") % {"email": user.email}}
        )
    has_chair = seats.filter(is_chair=True).exists()
    member = PanelMember.objects.create(tender=tender, user=user, role=role, added_by=by)
    _panel_changed(
        member,
        by,
        _("%(name)s added to the panel as %(role)s")
        % {"name": _name(member), "role": member.get_role_display().lower()},
        "added",
        now,
    )
    if chair or not has_chair:
        member = make_chair(member=member, by=by, now=now)
    return member


@transaction.atomic
def make_chair(*, member, by, now=None):
    """Make ``member`` the panel's chair, in place of whoever chaired it."""
    require_commissioner(member.tender.opportunity.publisher, by)
    seats = list(PanelMember.objects.select_for_update().filter(tender=member.tender))
    member = next(seat for seat in seats if seat.pk == member.pk)
    if member.is_chair:
        return member
    # The old chair steps down first: the database allows one chair per panel.
    PanelMember.objects.filter(tender=member.tender, is_chair=True).update(is_chair=False)
    member.is_chair = True
    member.save(update_fields=["is_chair"])
    _panel_changed(
        member, by, _("%(name)s now chairs the panel") % {"name": _name(member)}, "chair", now
    )
    return member


@transaction.atomic
def change_panel_role(*, member, role, by):
    """Change ``member``'s role on the panel (council officer or service user representative)."""
    require_commissioner(member.tender.opportunity.publisher, by)
    if role not in PanelRole.values:
        raise ValidationError({"role": _("Select the evaluator's role on the panel")})
    if role == member.role:
        return member
    member.role = role
    member.save(update_fields=["role"])
    _panel_changed(
        member,
        by,
        _("%(name)s is now on the panel as %(role)s")
        % {"name": _name(member), "role": member.get_role_display().lower()},
        "role",
    )
    return member


def removal_problem(member):
    """Why ``member`` cannot leave the panel, or ``None`` if they can."""
    if member.has_declared:
        return _(
            "%(name)s has declared their interests for this tender, so they stay on the panel."
        ) % {"name": _name(member)}
    if ScoreSheet.objects.filter(member=member).exists():
        return _("%(name)s has started scoring, so they stay on the panel.") % {
            "name": _name(member)
        }
    if member.is_chair and PanelMember.objects.filter(tender=member.tender).count() > 1:
        return _("%(name)s chairs the panel: name another chair before removing them.") % {
            "name": _name(member)
        }
    return None


@transaction.atomic
def remove_panel_member(*, member, by):
    """Take ``member`` off the panel: only before they declared or scored, and never
    leaving a panel without a chair."""
    require_commissioner(member.tender.opportunity.publisher, by)
    member = (
        PanelMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    )
    problem = removal_problem(member)
    if problem:
        raise ValidationError(problem)
    _panel_changed(
        member, by, _("%(name)s removed from the panel") % {"name": _name(member)}, "removed"
    )
    member.delete()


def declarable_bids(tender):
    """The submitted bids an evaluator declares against, once the box is open; else none.

    Only names are read from them (``bidder_names``): nothing a bid says.
    """
    if tender.opened_at is None:
        return Bid.objects.none()
    return (
        Bid.objects.filter(tender=tender)
        .submitted()
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def declare_interests(*, member, by, conflicts=(), declaration="", now=None):
    """Record ``member``'s declaration for their tender: no conflict (``conflicts`` empty),
    or a conflict with the bids in ``conflicts``, described in ``declaration``.

    Only after the box is opened, by the member themselves. A declaration is never
    undone; a member who declared may declare a further conflict, which hides that
    bid from them too.
    """
    now = now or timezone.now()
    member = (
        PanelMember.objects.select_for_update(of=("self",))
        .select_related("tender", "user")
        .get(pk=member.pk)
    )
    if member.user_id != by.pk:
        raise PermissionError("Evaluators declare their own interests.")
    if member.tender.opened_at is None:
        raise ValidationError(_("Bids are sealed until the bid box is opened: declare after that."))
    open_bids = {bid.pk: bid for bid in declarable_bids(member.tender)}
    conflicts = list(conflicts)
    if any(bid.pk not in open_bids for bid in conflicts):
        raise ValidationError({"conflicts": _("Choose only bidders listed on this page")})
    already = set(member.conflicts.values_list("pk", flat=True))
    new = [bid for bid in conflicts if bid.pk not in already]
    declaration = declaration.strip()
    if member.has_declared and not new:
        raise ValidationError(
            {"conflicts": _("Choose the bidder you have a further conflict with")}
        )
    if new and not declaration:
        raise ValidationError({"declaration": _("Describe the conflict of interest")})
    if new:
        member.conflicts.add(*new)
        member.declaration = "\n\n".join(filter(None, [member.declaration, declaration]))
    first = not member.has_declared
    if first:
        member.declared_at = now
    member.save(update_fields=["declared_at", "declaration"])
    names = [open_bids[bid.pk].organisation.name for bid in new]
    if not new:
        summary = _("%(name)s declared no conflict of interest") % {"name": _name(member)}
    else:
        summary = _("%(name)s declared a conflict of interest with %(bidders)s") % {
            "name": _name(member),
            "bidders": ", ".join(names),
        }
    record(
        member.tender,
        TenderEvent.Kind.DECLARED,
        by=by,
        at=now,
        summary=summary,
        member=member.user.email,
        conflicts=[open_bids[bid.pk].reference for bid in new],
        first=first,
    )
    return member
