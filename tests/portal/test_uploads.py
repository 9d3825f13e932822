"""One check for every upload: size, type by its first bytes, and the virus scanner hook."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import validate_upload

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def refuse_eicar(upload):
    """A stand-in for a scanner: refuses the antivirus industry's test string."""
    if EICAR in upload.read():
        raise ValidationError("The file contains a virus and was not saved")


def test_a_file_of_the_right_type_passes_and_is_rewound():
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.7 plan")
    validate_upload(upload)
    assert upload.read() == b"%PDF-1.7 plan"


@pytest.mark.parametrize("name", ["plan.exe", "plan", "plan.docx"])
def test_a_file_whose_bytes_do_not_match_an_allowed_type_is_refused(name):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, b"%PDF-1.7 plan"))
    assert error.value.code == "wrong_type"


def test_the_configured_scanner_refuses_an_infected_file(settings):
    settings.UPLOAD_SCANNER = "tests.portal.test_uploads.refuse_eicar"
    infected = SimpleUploadedFile("plan.pdf", b"%PDF-1.7 " + EICAR)
    with pytest.raises(ValidationError) as error:
        validate_upload(infected)
    assert error.value.messages == ["The file contains a virus and was not saved"]
    clean = SimpleUploadedFile("plan.pdf", b"%PDF-1.7 plan")
    validate_upload(clean)
    assert clean.read() == b"%PDF-1.7 plan"  # rewound after the scan
