"""Pages where organisations describe themselves and manage their people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from organisations import actions
from organisations.forms import InvitationForm, OrganisationForm
from organisations.models import Membership, MembershipRole, Organisation
from organisations.queries import invitation_from_link, memberships_of
from portal.authorization import Permission, get_object_or_404_for

ACTING_FOR = "acting_for_organisation"


def acting_organisation(request, memberships=None):
    """The organisation the user acts for: the one chosen this session if they
    still belong to it, else the first of ``memberships`` (by default all of
    theirs, by name). ``None`` for visitors and people with none."""
    if not request.user.is_authenticated:
        return None
    if memberships is None:
        memberships = memberships_of(request.user)
    organisations = [membership.organisation for membership in memberships]
    chosen = request.session.get(ACTING_FOR)
    return next(
        (o for o in organisations if o.pk == chosen), organisations[0] if organisations else None
    )


def _organisation_for(request, permission, slug):
    return get_object_or_404_for(request.user, permission, Organisation, slug=slug)


def _save_identifiers(form, organisation, by):
    """Bring the organisation's numbers in line with the form; False if one is taken."""
    wanted = dict(form.identifier_values())
    for identifier in organisation.identifiers.all():
        if identifier.scheme not in wanted:
            actions.remove_identifier(identifier=identifier, by=by)
    for scheme, value in wanted.items():
        try:
            actions.set_identifier(organisation=organisation, scheme=scheme, value=value, by=by)
        except actions.IdentifierTaken as taken:
            _refuse_taken(form, taken)
            return False
    return True


def _refuse_taken(form, taken):
    form.add_error(
        form.field_for(taken.identifier.scheme),
        _("%(org_id)s is already registered — ask its administrator to invite you")
        % {"org_id": taken.identifier.org_id},
    )
    form.taken_organisation = taken.organisation


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.register_organisation(
                by=request.user, identifiers=form.identifier_values(), **form.details()
            )
        except actions.IdentifierTaken as taken:
            _refuse_taken(form, taken)
        else:
            request.session[ACTING_FOR] = organisation.pk
            messages.success(request, _("%(name)s is in the registry.") % {"name": organisation})
            return redirect("organisations:profile", slug=organisation.slug)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "heading": _("Register an organisation")},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, slug):
    organisation = _organisation_for(request, Permission.EDIT_ORGANISATION, slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        actions.update_organisation(organisation=organisation, by=request.user, **form.details())
        if _save_identifiers(form, organisation, request.user):
            messages.success(request, _("Your changes have been saved."))
            return redirect("organisations:profile", slug=organisation.slug)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation, "heading": _("Edit %s") % organisation},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request, slug):
    organisation = _organisation_for(request, Permission.MANAGE_MEMBERS, slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_member(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except actions.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("We have sent an invitation to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisations:members", slug=organisation.slug)
    memberships = list(organisation.memberships.select_related("user").order_by("user__full_name"))
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "form": form,
            "memberships": memberships,
            "admin_count": sum(m.is_admin for m in memberships),
            "pending": organisation.invitations.filter(
                accepted_at__isnull=True, withdrawn_at__isnull=True
            ),
            "MembershipRole": MembershipRole,
        },
    )


def _membership_for(request, slug, pk):
    organisation = _organisation_for(request, Permission.MANAGE_MEMBERS, slug)
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=organisation
    )


@login_required
@require_POST
def change_role(request, slug, pk):
    membership = _membership_for(request, slug, pk)
    role = request.POST.get("role")
    if role not in MembershipRole.values:
        messages.error(request, _("Choose administrator or member."))
    else:
        try:
            actions.change_member_role(membership=membership, role=role, by=request.user)
        except actions.LastAdministrator:
            messages.error(request, _("The organisation needs at least one administrator."))
        else:
            messages.success(
                request, _("%(name)s's role has been changed.") % {"name": membership.user}
            )
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def remove(request, slug, pk):
    membership = _membership_for(request, slug, pk)
    try:
        actions.remove_member(membership=membership, by=request.user)
    except actions.LastAdministrator:
        messages.error(request, _("The organisation needs at least one administrator."))
    else:
        messages.success(request, _("%(name)s has been removed.") % {"name": membership.user})
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def leave(request, slug):
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"),
        organisation__slug=slug,
        user=request.user,
    )
    try:
        actions.remove_member(membership=membership, by=request.user)
    except actions.LastAdministrator:
        messages.error(
            request,
            _("You are the only administrator. Make someone else an administrator first."),
        )
        return redirect("organisations:profile", slug=slug)
    if request.session.get(ACTING_FOR) == membership.organisation_id:
        del request.session[ACTING_FOR]
    messages.success(request, _("You have left %(name)s.") % {"name": membership.organisation})
    return redirect("home")


@login_required
@require_POST
def act_for(request, slug):
    """Choose which of the user's organisations they are acting for."""
    membership = get_object_or_404(Membership, organisation__slug=slug, user=request.user)
    request.session[ACTING_FOR] = membership.organisation_id
    messages.success(
        request, _("You are now acting for %(name)s.") % {"name": membership.organisation}
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "home"
    return redirect(next_url or "home")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request, token):
    invitation = invitation_from_link(token)
    if invitation is None:
        # Says nothing of whom or what the link was for.
        return render(
            request,
            "organisations/invitation_failed.html",
            {
                "reason": _(
                    "This invitation link does not work. It may have expired, "
                    "been used already or been withdrawn."
                )
            },
            status=404,
        )
    if not request.user.is_authenticated:
        # Say what to do rather than bounce: they may not have an account yet.
        return render(request, "organisations/accept_invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = actions.accept_invitation(token=token, user=request.user)
        except actions.InvitationError as error:
            return render(
                request, "organisations/invitation_failed.html", {"reason": str(error)}, status=400
            )
        request.session[ACTING_FOR] = membership.organisation_id
        messages.success(
            request, _("You have joined %(name)s.") % {"name": membership.organisation}
        )
        return redirect("organisations:profile", slug=membership.organisation.slug)
    return render(request, "organisations/accept_invitation.html", {"invitation": invitation})


@login_required
@require_http_methods(["GET", "HEAD"])
def history(request, slug):
    """The audit trail: profile edits, identifiers, verification, members and publishing rights."""
    organisation = _organisation_for(request, Permission.VIEW_ORGANISATION_AUDIT, slug)
    events = organisation.audit_events.select_related("actor")[:500]
    return render(
        request, "organisations/history.html", {"organisation": organisation, "events": events}
    )
