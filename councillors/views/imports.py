"""A site admin imports councillors from a CSV: upload it, check the preview, confirm.

The confirmation carries the checked records in a signed form field, never the
file again. It checks them once more against the registry and imports only if
the result is what the admin saw; otherwise it shows the new preview.
"""

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councillors import importing
from councillors.actions.importing import import_councillors as import_checked_councillors
from councillors.forms_import import CouncillorCsvForm
from organisations.models import Ward
from portal import csv
from portal.authorization import Permission, has_permission

SIGNING_SALT = "councillors.import.checked"
CHECK_MAX_AGE = 60 * 60  # seconds: after an hour the admin checks the file again


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_councillors(request):
    """Upload a file (step 1), see what it would do (step 2), import it (step 3)."""
    if not has_permission(request.user, Permission.ADMINISTER_SITE):
        raise Http404
    if request.method == "POST" and "checked" in request.POST:
        return _confirm(request)
    form = CouncillorCsvForm(
        data=request.POST if request.method == "POST" else None,
        files=request.FILES if request.method == "POST" else None,
    )
    if form.is_valid():
        csv_file = form.cleaned_data["csv_file"]
        return _preview_page(request, csv_file, _check(csv_file), file_name=form.file_name)
    return _upload_page(request, form)


def _check(csv_file):
    return importing.check(csv_file, importing.Registry.load(emails=csv_file.emails()))


def _confirm(request):
    try:
        csv_file, file_name, plan = _read_signed(request.POST["checked"], user=request.user)
    except signing.BadSignature as error:
        messages.error(
            request,
            _("%(reason)s, so nothing was imported. Upload the file again.") % {"reason": error},
        )
        return redirect("councillors:import")
    preview = _check(csv_file)
    if preview.plan() != plan:
        return _preview_page(request, csv_file, preview, file_name=file_name, changed=True)
    try:
        result = import_checked_councillors(rows=preview.rows(), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("councillors:import")
    messages.success(
        request,
        _(
            "Councillors imported from %(file)s: %(created)d new, %(updated)d updated, "
            "%(unchanged)d unchanged."
        )
        % {
            "file": file_name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return redirect("councillors:import")


def _preview_page(request, csv_file, preview, *, file_name, changed=False):
    checked = ""
    if not preview.errors:
        checked = signing.dumps(
            {
                "user": request.user.pk,
                "file": file_name,
                "records": [[r.line, r.name, r.email, r.wards, r.party] for r in csv_file.records],
                "ignored": list(csv_file.ignored_columns),
                "encoding": csv_file.encoding,
                "plan": preview.plan(),
            },
            salt=SIGNING_SALT,
            compress=True,
        )
    return render(
        request,
        "councillors/import_preview.html",
        {"preview": preview, "file_name": file_name, "checked": checked, "changed": changed},
    )


def _read_signed(token, *, user):
    """``(csv_file, file name, plan)`` from the signed field, or ``BadSignature`` saying why."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=CHECK_MAX_AGE)
    except signing.SignatureExpired:
        raise signing.BadSignature(_("The check of your file is more than an hour old")) from None
    except signing.BadSignature:
        raise signing.BadSignature(_("The check of your file has been changed")) from None
    if payload.get("user") != user.pk:
        raise signing.BadSignature(_("Someone else checked this file"))
    csv_file = importing.CsvFile(
        records=tuple(
            importing.CsvRecord(line=line, name=name, email=email, wards=wards, party=party)
            for line, name, email, wards, party in payload["records"]
        ),
        ignored_columns=tuple(payload["ignored"]),
        encoding=payload["encoding"],
    )
    return csv_file, payload["file"], payload["plan"]


def _upload_page(request, form):
    wards = list(Ward.objects.values_list("gss_code", "name"))
    example = _example_csv(wards)
    return render(
        request,
        "councillors/import.html",
        {
            "form": form,
            "heading": _("Import councillors"),
            "wards": wards,
            "example": example,
            "example_href": "data:text/csv;charset=utf-8," + quote(example),
        },
    )


def _example_csv(wards):
    """A small file using the portal's own wards (a name, a name, a code), to start from."""
    (_code, first), (_code, second), (third, _name) = (
        wards + [("E05011151", "Ladywood"), ("E05011155", "Nechells"), ("E05011121", "Aston")]
    )[:3]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows(
        [
            importing.COLUMNS,
            ["Sam Patel", "sam.patel@example.org", f"{first}; {second}", "Labour"],
            ["Alex Morgan", "", third, "Independent"],
        ]
    )
    return text.getvalue()
