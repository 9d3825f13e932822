"""Reads for consortium changes after award (recommendation R01 h): which bids may ask,
who is in a consortium now, and who may read a tender's history of changes."""

from django.db.models import Q
from django.utils.translation import gettext as _

from opportunities.actions import is_commissioner
from portal.authorization import Permission, has_permission
from tenders.models import AwardDecision, BidPartner, ChangeKind, ConsortiumChange, PanelMember


def has_award(bid):
    """True when a current award decision, intended or confirmed, names ``bid`` a winner."""
    return AwardDecision.objects.current().filter(winners=bid).exists()


def current_partners(bid):
    """The bid's partners now: not declined, not gone by an approved change."""
    return (
        BidPartner.objects.filter(bid=bid, declined_at__isnull=True, left_at__isnull=True)
        .filter(Q(organisation__isnull=True) | Q(confirmed_at__isnull=False))
        .select_related("organisation")
    )


def may_read_changes(user, tender):
    """The publisher's commissioners, the tender's panel chair and site administrators read
    the tender's consortium changes, once the box is opened (nothing before can exist)."""
    if not user.is_authenticated or tender.opened_at is None:
        return False
    return (
        is_commissioner(user, tender.opportunity.publisher)
        or has_permission(user, Permission.ADMINISTER_SITE)
        or PanelMember.objects.filter(tender=tender, user=user, is_chair=True).exists()
    )


def changes_of(tender):
    """Every consortium change asked for ``tender``'s bids, oldest first, with who asked
    and decided."""
    return ConsortiumChange.objects.filter(bid__tender=tender).select_related(
        "bid__organisation",
        "partner__organisation",
        "organisation",
        "requested_by",
        "decided_by",
        "joined",
    )


def describe(change):
    """``Replace Ant Trust with Bee Co-op (consortium partner, 20%)``: a change in words."""
    joining = change.organisation.name if change.organisation_id else change.name
    if change.kind == ChangeKind.REMOVE:
        return _("Remove %(leaving)s") % {"leaving": change.partner.display_name}
    details = _("%(name)s (%(role)s, %(share)s%%)") % {
        "name": joining,
        "role": change.get_partner_kind_display().lower(),
        "share": f"{change.share_percent.normalize():f}",
    }
    if change.kind == ChangeKind.ADD:
        return _("Add %(joining)s") % {"joining": details}
    return _("Replace %(leaving)s with %(joining)s") % {
        "leaving": change.partner.display_name,
        "joining": details,
    }
