"""Reads for councillors' own pages: their digest settings, past digests and signpostings."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from councillors import weeks
from councillors.models import Digest, DigestPreference, DigestRun, Signposting
from organisations.models import KeyContact, Membership, Organisation
from organisations.queries import search_directory
from portal.authorization import Permission, has_permission
from portal.formats import LONDON


def councillor_of(user):
    """The councillor record of ``user`` if they may use the councillors' pages, else ``None``."""
    if not has_permission(user, Permission.SIGNPOST_OPPORTUNITIES):
        return None
    return user.councillor


def preference_of(councillor):
    """The councillor's digest preference; an unsaved one with the defaults if they never chose."""
    preference = DigestPreference.objects.filter(councillor=councillor).first()
    return preference or DigestPreference(councillor=councillor)


def next_digest_at(preference, *, now):
    """When the councillor's next digest is due (aware, UK time), or ``None`` when it is off.

    As the sending job sees it (``councillors.actions.runs``): one digest per week,
    sent once the chosen day and time have come. So it is this week's slot unless
    this week's digest is already claimed, then next week's. A slot earlier than
    ``now`` means this week's digest is due and goes with the next run.
    """
    if not preference.enabled:
        return None
    monday = weeks.monday_of(now)
    claimed = Digest.objects.filter(
        councillor_id=preference.councillor_id, week=weeks.week_name(monday)
    ).exists()
    if claimed:
        monday += datetime.timedelta(weeks=1)
    return weeks.slot(monday, weekday=preference.weekday, send_at=preference.send_at)


def sent_digests(councillor):
    """The councillor's digests that the mail server accepted, newest week first."""
    return Digest.objects.filter(councillor=councillor, sent_at__isnull=False).order_by(
        "-week", "-sent_at"
    )


def sent_digest(councillor, week):
    """The councillor's sent digest for ``week``, or ``None`` (never another councillor's)."""
    return sent_digests(councillor).filter(week=week).first()


def contact_addresses(organisation):
    """Everyone to email on the organisation's behalf, once each, sorted.

    Its active members, its key contacts with an email address (public or not:
    the addresses are never shown to the sender) and its own published address.
    Addresses differing only in case count as one; the first spelling is kept.
    """
    addresses = list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    addresses += (
        KeyContact.objects.filter(organisation=organisation)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    addresses.append(organisation.email)
    unique = {}
    for address in addresses:
        address = (address or "").strip()
        if address:
            unique.setdefault(address.lower(), address)
    return sorted(unique.values(), key=str.lower)


def organisations_to_signpost(councillor, opportunity):
    """``(in the councillor's wards, the others)``: organisations in the public directory.

    The directory's own scoping and order (by name) are reused; the opportunity's
    publisher is left out. An organisation is in the councillor's wards when it is
    based in one of them or says it serves one.
    """
    wards = councillor.wards.all()
    serves = Organisation.wards_served.through.objects.filter(
        organisation=OuterRef("pk"), ward__in=wards
    )
    _filterset, organisations = search_directory(None)
    organisations = (
        organisations.select_related(None)
        .prefetch_related(None)
        .exclude(pk=opportunity.publisher_id)
        .annotate(in_wards=Q(ward__in=wards) | Exists(serves))
        .only("pk", "name")
    )
    in_wards, others = [], []
    for organisation in organisations:
        (in_wards if organisation.in_wards else others).append(organisation)
    return in_wards, others


def signposted_today(*, councillor, opportunity, organisation, now):
    """True when the councillor already sent ``opportunity`` to ``organisation`` this UK day."""
    local = timezone.localtime(now, LONDON)
    midnight = datetime.datetime.combine(local.date(), datetime.time(0), tzinfo=LONDON)
    return Signposting.objects.filter(
        councillor=councillor,
        opportunity=opportunity,
        organisation=organisation,
        sent_at__gte=midnight,
    ).exists()


def signpostings_of(councillor):
    """What the councillor has sent to organisations, newest first."""
    return (
        Signposting.objects.filter(councillor=councillor)
        .select_related("opportunity", "organisation")
        .order_by("-sent_at", "-pk")
    )


def to_do_for(user, *, now=None):
    """What ``user`` should see first about the digest, as ``(words, url)`` pairs.

    For a councillor, this week's digest once it is sent (to read and signpost
    from), or that the digest is switched off; for a site administrator, the
    digests the last finished run could not send.
    """
    now = now or timezone.now()
    to_do = []
    councillor = councillor_of(user)
    if councillor is not None:
        this_week = sent_digest(councillor, weeks.week_of(now))
        if this_week is not None:
            to_do.append(
                (
                    ngettext(
                        "this week's digest: %(n)d live opportunity to signpost",
                        "this week's digest: %(n)d live opportunities to signpost",
                        this_week.opportunity_count,
                    )
                    % {"n": this_week.opportunity_count},
                    reverse("councillors:digest", args=[this_week.week]),
                )
            )
        elif not preference_of(councillor).enabled:
            to_do.append(
                (
                    _("your weekly digest is switched off"),
                    reverse("councillors:preferences"),
                )
            )
    if has_permission(user, Permission.ADMINISTER_SITE):
        last_run = (
            DigestRun.objects.filter(finished_at__isnull=False, dry_run=False)
            .order_by("-started_at")
            .only("failed")
            .first()
        )
        if last_run is not None and last_run.failed:
            to_do.append(
                (
                    ngettext(
                        "%(n)d digest could not be sent in the last run",
                        "%(n)d digests could not be sent in the last run",
                        last_run.failed,
                    )
                    % {"n": last_run.failed},
                    reverse("admin:councillors_digestrun_change", args=[last_run.pk]),
                )
            )
    return to_do
