"""Files people upload: one check for every upload the portal takes.

Registry documents, tender documents and bid attachments all pass through
``validate_upload``: a size limit, a list of allowed types whose first bytes
must match the extension (so a renamed program is refused), then the virus
scanner named by the ``UPLOAD_SCANNER`` setting, if one is deployed. See
docs/uploads.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# What may be uploaded: PDF, Word, OpenDocument and images, up to 10 MB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_UPLOADS = {
    ".pdf": (b"%PDF",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def validate_upload(upload):
    """Refuse files over the size limit, of a type not on the list, or that the scanner refuses.

    The scanner (``settings.UPLOAD_SCANNER``, a dotted path to a callable taking
    the uploaded file) raises ``ValidationError`` for a file it finds infected;
    it is called last, on files that passed the cheaper checks.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file must be smaller than 10 MB"), code="too_big")
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    signatures = ALLOWED_UPLOADS.get(extension)
    head = upload.read(8)
    upload.seek(0)
    if signatures is None or not head.startswith(signatures):
        raise ValidationError(
            _("The file must be a PDF, Word document, OpenDocument file, PNG or JPEG"),
            code="wrong_type",
        )
    if settings.UPLOAD_SCANNER:
        try:
            import_string(settings.UPLOAD_SCANNER)(upload)
        finally:
            upload.seek(0)


def file_download(field_file, *, private=True):
    """A stored file as a download, named as stored; 404 if the file has gone.

    ``private`` files (anything behind an access check) are marked so that no
    shared cache or browser history keeps them.
    """
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1])
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
