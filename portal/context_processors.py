from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.authorization import Permission, has_permission


def portal(request):
    """Branding and the role-dependent navigation, for every template."""
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "COUNCIL_BRAND_COLOUR": settings.COUNCIL_BRAND_COLOUR,
        "COUNCIL_URL": settings.COUNCIL_URL,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "PHASE": settings.PHASE,
        "navigation": navigation_for(request),
    }


def navigation_for(request):
    """Navigation entries for the current user; an entry appears with its pages."""
    user = getattr(request, "user", None)
    items = [
        (_("Home"), reverse("home")),
        (_("Opportunities"), reverse("opportunities:search")),
        (_("Organisations"), reverse("organisations:directory")),
        (_("Scrutiny tracking"), reverse("tracking:list")),
    ]
    if user is not None and user.is_authenticated:
        if has_permission(user, Permission.PUBLISH_OPPORTUNITIES):
            items.append((_("Your opportunities"), reverse("opportunities:manage")))
        if has_permission(user, Permission.MANAGE_SCRUTINY):
            items.append((_("Scrutiny dashboard"), reverse("tracking:dashboard")))
        if has_permission(user, Permission.SIGNPOST_OPPORTUNITIES):
            # Signposting pages are the councillor's too, under /councillors/.
            items.append((_("Your digest"), reverse("councillors:digests"), "/councillors/"))
        if user.scrutiny_recommendations.exists():
            items.append((_("Your assessments"), reverse("tracking:my_assessments")))
        items.append((_("Your account"), reverse("accounts:profile")))
        if has_permission(user, Permission.ADMINISTER_SITE):
            items.append((_("Site admin"), reverse("admin:index")))
    else:
        items.append((_("Sign in"), reverse("accounts:login")))
        items.append((_("Create an account"), reverse("accounts:register")))
    # The entry whose address (or section, where it names one) is the longest start of
    # this page's is the current one: /opportunities/manage/ is "Your opportunities",
    # not "Opportunities".
    entries = [(label, url, section[0] if section else url) for label, url, *section in items]
    path = getattr(request, "path", "")
    current = max(
        (
            section
            for _label, _url, section in entries
            if path == section or (section != "/" and path.startswith(section))
        ),
        key=len,
        default=None,
    )
    return [
        {"label": label, "url": url, "active": section == current}
        for label, url, section in entries
    ]
