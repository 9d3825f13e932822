from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_safe


def page(template_name):
    """A view for a static information page (accessibility, privacy, cookies)."""

    @require_safe
    def view(request):
        return render(request, template_name)

    return view


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # The styled page needs the database (for the signed-in user); if that is
    # what failed, fall back to a page that needs nothing.
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:
        return HttpResponseServerError(loader.render_to_string("errors/500_plain.html"))


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)
