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
        "account_navigation": account_navigation_for(request),
    }


def navigation_for(request):
    """Navigation entries for the current user; an entry appears with its pages.

    The service's sections come first, each followed by the pages a role has in
    it, with labels short enough that every combination of roles fits one line
    at desktop widths. The account's own links are in ``account_navigation_for``.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated

    def allowed(permission):
        return signed_in and has_permission(user, permission)

    items = [(_("Home"), reverse("home")), (_("Opportunities"), reverse("opportunities:search"))]
    if allowed(Permission.PUBLISH_OPPORTUNITIES):
        items.append((_("Publishing"), reverse("opportunities:manage")))
    if allowed(Permission.SIGNPOST_OPPORTUNITIES):
        # Signposting pages are the councillor's too, under /councillors/.
        items.append((_("Digests"), reverse("councillors:digests"), "/councillors/"))
    items.append((_("Organisations"), reverse("organisations:directory")))
    items.append((_("Scrutiny"), reverse("tracking:list")))
    if allowed(Permission.MANAGE_SCRUTINY):
        items.append((_("Dashboard"), reverse("tracking:dashboard")))
    if signed_in and user.scrutiny_recommendations.exists():
        items.append((_("Assessments"), reverse("tracking:my_assessments")))
    if not signed_in:
        items.append((_("Sign in"), reverse("accounts:login")))
        items.append((_("Create an account"), reverse("accounts:register")))
    return _marked_current(items, getattr(request, "path", ""))


def account_navigation_for(request):
    """The signed-in person's own links, shown beside their name in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [(_("Your account"), reverse("accounts:profile"))]
    if has_permission(user, Permission.ADMINISTER_SITE):
        items.append((_("Site admin"), reverse("admin:index")))
    return _marked_current(items, getattr(request, "path", ""))


def _marked_current(items, path):
    """Entries as dicts, the current one ``active``.

    The entry whose address (or section, where it names one) is the longest
    start of this page's is the current one: /opportunities/manage/ is
    "Publishing", not "Opportunities".
    """
    entries = [(label, url, section[0] if section else url) for label, url, *section in items]
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
