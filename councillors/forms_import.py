"""The site admin's upload of a councillors CSV."""

from crispy_forms_gds.layout import Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from councillors.importing import MAX_FILE_BYTES, CsvFileError, read_csv
from portal.forms import FormHelper


class CouncillorCsvForm(forms.Form):
    """One CSV file; once valid, ``cleaned_data["csv_file"]`` is its ``CsvFile``."""

    csv_file = forms.FileField(
        label=_("Upload a CSV file"),
        help_text=_(
            "In Excel, save it as ‘CSV UTF-8 (Comma delimited)’. The file must be smaller "
            "than 1 MB."
        ),
        error_messages={
            "required": _("Select a CSV file"),
            "empty": _("The selected file is empty"),
            "invalid": _("Select a CSV file"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_name = ""
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.MEDIUM
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        self.file_name = upload.name
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("The selected file must be a CSV"), code="not_csv")
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The selected file must be smaller than 1 MB"), code="too_big")
        try:
            return read_csv(upload.read())
        except CsvFileError as error:
            raise ValidationError(str(error), code="unreadable") from None
