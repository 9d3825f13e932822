"""Reading a councillors CSV and checking it, line by line, before anything is written.

A site admin uploads a file with the columns ``name,email,wards,party``.
``read_csv`` turns its bytes into records, or raises ``CsvFileError`` with one
plain message for the whole file (wrong encoding, missing columns…).
``check`` compares each record with the wards, councillors and accounts in a
``Registry`` and says what importing it would do, or what is wrong with it.
``Preview.plan`` is what the admin was shown: the confirmation checks the
same records again and imports only if the plan is unchanged.

Everything here is pure except ``Registry.load``, the one read of the database.
"""

import codecs
import csv
import difflib
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from organisations.models import Councillor, Ward

COLUMNS = ("name", "email", "wards", "party")
WARD_SEPARATOR = ";"
MAX_FILE_BYTES = 1024 * 1024
NAME_MAX = Councillor._meta.get_field("full_name").max_length
EMAIL_MAX = Councillor._meta.get_field("email").max_length
PARTY_MAX = Councillor._meta.get_field("party").max_length
GSS_CODE = re.compile(r"^E05\d{6}$", re.IGNORECASE)

SAVE_AS_CSV = gettext_lazy("In Excel, choose File, Save As and ‘CSV UTF-8 (Comma delimited)’.")


class CsvFileError(ValueError):
    """The file as a whole cannot be read; ``str(error)`` says why in plain words."""


@dataclass(frozen=True)
class CsvRecord:
    """One line of the file (``line`` counts the header as 1), its cells by column."""

    line: int
    name: str
    email: str
    wards: str
    party: str


@dataclass(frozen=True)
class CsvFile:
    records: tuple[CsvRecord, ...]
    ignored_columns: tuple[str, ...] = ()
    encoding: str = "utf-8"  # or "windows-1252" for Excel's older CSV format

    def emails(self):
        return {record.email.strip().lower() for record in self.records if record.email.strip()}


def decode(data):
    """``(text, encoding)`` for the bytes of an uploaded file.

    UTF-8 with or without a byte order mark; otherwise Windows-1252, which is
    what older Excel saves. Anything else raises ``CsvFileError``.
    """
    if not data.strip():
        raise CsvFileError(_("The selected file is empty"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvFileError(
            _("The selected file is saved as ‘Unicode text’, not CSV. %(how)s")
            % {"how": SAVE_AS_CSV}
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvFileError(
            _("The selected file is an Excel workbook, not a CSV. %(how)s") % {"how": SAVE_AS_CSV}
        )
    if b"\x00" in data:
        raise CsvFileError(_("The selected file must be a CSV"))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise CsvFileError(
            _("The selected file must be saved as UTF-8. %(how)s") % {"how": SAVE_AS_CSV}
        ) from None


def read_csv(data):
    """The records of a councillors CSV, or ``CsvFileError`` saying what is wrong with it.

    The first line names the columns, in any case and order; other columns are
    ignored and listed. Lines with nothing in them are skipped.
    """
    text, encoding = decode(data)
    # Strict: an unclosed quotation mark is an error, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, last_line = [], 0
    try:
        header = next(reader, [])
        names = [cell.strip().casefold() for cell in header]
        _check_header(header, names)
        index = {column: names.index(column) for column in COLUMNS}
        last_line = reader.line_num
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                column: cells[position] if position < len(cells) else ""
                for column, position in index.items()
            }
            records.append(CsvRecord(line=line, **values))
    except csv.Error:
        raise CsvFileError(
            _("Line %(line)d could not be read as CSV: check its quotation marks")
            % {"line": last_line + 1}
        ) from None
    if not records:
        raise CsvFileError(
            _("The file has no councillors in it: add one per line under the header")
        )
    ignored = tuple(
        cell.strip()
        for cell, name in zip(header, names, strict=True)
        if name and name not in COLUMNS
    )
    return CsvFile(records=tuple(records), ignored_columns=ignored, encoding=encoding)


def _check_header(header, names):
    expected = ",".join(COLUMNS)
    if len(header) == 1 and any(separator in header[0] for separator in (";", "\t")):
        raise CsvFileError(
            _("The columns must be separated by commas. The first line must be: %(expected)s")
            % {"expected": expected}
        )
    twice = [column for column in COLUMNS if names.count(column) > 1]
    if twice:
        raise CsvFileError(
            _("The column ‘%(column)s’ appears more than once in the first line")
            % {"column": twice[0]}
        )
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise CsvFileError(
            _("The file is missing the columns: %(missing)s. The first line must be: %(expected)s")
            % {"missing": ", ".join(missing), "expected": expected}
        )


# The registry, as the check sees it -------------------------------------------------


@dataclass(frozen=True)
class Existing:
    """A councillor already on the portal."""

    id: int
    name: str
    email: str
    party: str
    ward_codes: frozenset
    has_account: bool


@dataclass(frozen=True)
class Account:
    """A portal account whose email address appears in the file."""

    id: int
    confirmed: bool
    linked_to: str = ""  # the name of the councillor already linked to it, if any


@dataclass(frozen=True)
class Registry:
    wards: dict  # GSS code -> ward name
    councillors: tuple = ()
    accounts: dict = field(default_factory=dict)  # lower-case email -> Account

    @classmethod
    def load(cls, *, emails=()):
        """Every ward and councillor, and the accounts of ``emails`` (lower case)."""
        councillors = tuple(
            Existing(
                id=councillor.pk,
                name=councillor.full_name,
                email=councillor.email,
                party=councillor.party,
                ward_codes=frozenset(ward.gss_code for ward in councillor.wards.all()),
                has_account=councillor.user_id is not None,
            )
            for councillor in Councillor.objects.prefetch_related("wards")
        )
        users = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=list(emails))
            .select_related("councillor")
        )
        accounts = {
            user.email_lower: Account(
                id=user.pk,
                confirmed=user.has_confirmed_email,
                linked_to=getattr(getattr(user, "councillor", None), "full_name", ""),
            )
            for user in users
        }
        return cls(
            wards=dict(Ward.objects.values_list("gss_code", "name")),
            councillors=councillors,
            accounts=accounts,
        )


# Checking each line --------------------------------------------------------------


def ward_key(text):
    """A ward's name as matching sees it: any case, ‘&’ as ‘and’, spaces and apostrophes ignored."""
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"['’‘`]", "", text)
    return " ".join(re.sub(r"[-–]", " ", text).split())


def _words(text):
    return " ".join(text.split())


@dataclass(frozen=True)
class PlannedCouncillor:
    """What importing one line writes: a new councillor, or ``councillor_id`` updated."""

    line: int
    name: str
    email: str
    party: str
    ward_codes: tuple
    councillor_id: int | None = None
    link_user_id: int | None = None


@dataclass
class PreviewLine:
    record: CsvRecord
    name: str = ""
    email: str = ""
    party: str = ""
    wards: list = field(default_factory=list)  # (GSS code, name), in the file's order
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    existing: Existing | None = None
    link_user_id: int | None = None
    changes: list = field(default_factory=list)

    @property
    def line(self):
        return self.record.line

    @property
    def is_new(self):
        return not self.errors and self.existing is None

    @property
    def is_update(self):
        return not self.errors and self.existing is not None and bool(self.changes)

    @property
    def outcome(self):
        """``New councillor``, ``Update: …``, ``No change``, or empty for a line with errors."""
        if self.errors:
            return ""
        if self.existing is None:
            if self.link_user_id:
                return _("New councillor, linked to their portal account")
            return _("New councillor")
        if self.changes:
            return _("Update: %(changes)s") % {"changes": "; ".join(self.changes)}
        return _("No change")

    def planned(self):
        return PlannedCouncillor(
            line=self.line,
            name=self.name,
            email=self.email,
            party=self.party,
            ward_codes=tuple(code for code, _name in self.wards),
            councillor_id=self.existing.id if self.existing else None,
            link_user_id=self.link_user_id,
        )


@dataclass
class Preview:
    lines: list
    ignored_columns: tuple = ()
    encoding: str = "utf-8"

    def _count(self, test):
        return sum(1 for line in self.lines if test(line))

    @property
    def new(self):
        return self._count(lambda line: line.is_new)

    @property
    def updated(self):
        return self._count(lambda line: line.is_update)

    @property
    def unchanged(self):
        return self._count(lambda line: not line.errors and not line.is_new and not line.is_update)

    @property
    def errors(self):
        """Every error, as ``(line, message)``: one line may have several."""
        return [(line.line, message) for line in self.lines for message in line.errors]

    @property
    def warnings(self):
        return [(line.line, message) for line in self.lines for message in line.warnings]

    @property
    def changes(self):
        return self.new + self.updated

    def rows(self):
        """Every line as a ``PlannedCouncillor``, for ``import_councillors``."""
        if self.errors:
            raise ValueError("A preview with errors cannot be imported.")
        return [line.planned() for line in self.lines]

    def plan(self):
        """What the admin was shown, comparable with a later check of the same file."""
        return [
            [line.line, line.existing.id if line.existing else None, line.link_user_id]
            + [line.outcome, *line.errors, *line.warnings]
            for line in self.lines
        ]


def check(csv_file, registry):
    """Say for each record of ``csv_file`` what importing it would do, or what is wrong.

    Existing councillors are matched by email address (any case), or else by
    their exact name among councillors without an email address. Errors stop
    the import; warnings (no email address, no wards, an account that cannot
    be linked) do not.
    """
    wards = _WardIndex(registry.wards)
    seen_emails, seen_names, matched = {}, {}, {}
    lines = []
    for record in csv_file.records:
        line = PreviewLine(record=record)
        _read_values(line, wards)
        if line.email:
            earlier = seen_emails.setdefault(line.email.lower(), line.line)
            if earlier != line.line:
                line.errors.append(_("the same email address as line %(line)d") % {"line": earlier})
        elif line.name:
            earlier = seen_names.setdefault(line.name.casefold(), line.line)
            if earlier != line.line:
                line.errors.append(
                    _("the same name as line %(line)d, and neither has an email address")
                    % {"line": earlier}
                )
        if not line.errors:
            _match(line, registry, matched)
        if not line.errors:
            _describe(line, registry)
        lines.append(line)
    return Preview(
        lines=lines, ignored_columns=csv_file.ignored_columns, encoding=csv_file.encoding
    )


def _read_values(line, wards):
    record = line.record
    line.name = _words(record.name)
    line.email = record.email.strip()
    line.party = _words(record.party)
    if not line.name:
        line.errors.append(_("name is missing"))
    elif len(line.name) > NAME_MAX:
        line.errors.append(_("name is longer than %(max)d characters") % {"max": NAME_MAX})
    if line.email:
        try:
            validate_email(line.email)
            if len(line.email) > EMAIL_MAX:
                raise ValidationError("too long")
        except ValidationError:
            line.errors.append(
                _("email ‘%(email)s’ is not a valid email address") % {"email": line.email}
            )
    else:
        line.warnings.append(_("No email address: they will not get the digest"))
    if len(line.party) > PARTY_MAX:
        line.errors.append(_("party is longer than %(max)d characters") % {"max": PARTY_MAX})
    for text in record.wards.split(WARD_SEPARATOR):
        text = _words(text)
        ward, problem = wards.find(text) if text else (None, None)
        if problem:
            line.errors.append(problem)
        elif ward and ward not in line.wards:
            line.wards.append(ward)
    if not record.wards.strip(" ;"):
        line.warnings.append(
            _("No wards: their digest will not put their wards’ opportunities first")
        )


class _WardIndex:
    def __init__(self, wards):
        self.by_code = {code.upper(): (code, name) for code, name in wards.items()}
        self.by_key = {ward_key(name): (code, name) for code, name in wards.items()}

    def find(self, text):
        """``((code, name), None)`` for a ward's name or GSS code, else ``(None, problem)``."""
        if GSS_CODE.match(text):
            ward = self.by_code.get(text.upper())
            if ward:
                return ward, None
            return None, _("ward code ‘%(code)s’ not found") % {"code": text}
        ward = self.by_key.get(ward_key(text))
        if ward:
            return ward, None
        if "," in text and all(ward_key(part) in self.by_key for part in text.split(",")):
            return None, _("ward ‘%(text)s’ not found: separate wards with semicolons (;)") % {
                "text": text
            }
        key = ward_key(text)
        # A ward renamed or merged keeps its old name inside the new one: ‘Soho’ is
        # now ‘Soho & Jewellery Quarter’.
        close = [other for other in self.by_key if f" {key} " in f" {other} "][:2]
        close = close or difflib.get_close_matches(key, self.by_key, n=2, cutoff=0.75)
        if close:
            return None, _("ward ‘%(text)s’ not found — did you mean %(ward)s?") % {
                "text": text,
                "ward": _(" or ").join(self.by_key[key][1] for key in close),
            }
        return None, _("ward ‘%(text)s’ not found") % {"text": text}


def _match(line, registry, matched):
    """Find the existing councillor a line updates, if any."""
    if line.email:
        same = [c for c in registry.councillors if c.email.lower() == line.email.lower()]
        if len(same) > 1:
            line.errors.append(
                _("%(count)d councillors already have this email address: fix them in the admin")
                % {"count": len(same)}
            )
            return
        if same:
            line.existing = same[0]
    if line.existing is None:
        same = [
            c
            for c in registry.councillors
            if not c.email and _words(c.name).casefold() == line.name.casefold()
        ]
        if len(same) > 1:
            line.errors.append(
                _(
                    "%(count)d councillors without an email address are already called "
                    "‘%(name)s’: fix them in the admin"
                )
                % {"count": len(same), "name": line.name}
            )
            return
        line.existing = same[0] if same else None
    if line.existing is None and not line.email:
        for other in registry.councillors:
            if other.email and _words(other.name).casefold() == line.name.casefold():
                line.errors.append(
                    _("Cllr %(name)s already has the email address %(email)s: add it to this line")
                    % {"name": other.name, "email": other.email}
                )
                return
    if line.existing is not None:
        earlier = matched.setdefault(line.existing.id, line.line)
        if earlier != line.line:
            line.errors.append(
                _("this is the same councillor as line %(line)d") % {"line": earlier}
            )
            line.existing = None


def _describe(line, registry):
    """List what an update changes and decide whether to link a portal account."""
    existing, none = line.existing, _("none")
    account = registry.accounts.get(line.email.lower()) if line.email else None
    if account and not (existing and existing.has_account):
        if account.linked_to:
            line.warnings.append(
                _("The portal account for %(email)s is already linked to Cllr %(name)s")
                % {"email": line.email, "name": account.linked_to}
            )
        elif not account.confirmed:
            line.warnings.append(
                _(
                    "The portal account for %(email)s has not confirmed its email address, "
                    "so it will not be linked"
                )
                % {"email": line.email}
            )
        else:
            line.link_user_id = account.id
    if existing is None:
        return
    if line.name != existing.name:
        line.changes.append(
            _("name %(new)s (was %(old)s)") % {"new": line.name, "old": existing.name}
        )
    if line.email.lower() != existing.email.lower():
        line.changes.append(
            _("email %(new)s (was %(old)s)") % {"new": line.email, "old": existing.email or none}
        )
    if line.party != existing.party:
        line.changes.append(
            _("party %(new)s (was %(old)s)")
            % {"new": line.party or none, "old": existing.party or none}
        )
    if {code for code, _name in line.wards} != existing.ward_codes:
        old = sorted(registry.wards.get(code, code) for code in existing.ward_codes)
        line.changes.append(
            _("wards %(new)s (were %(old)s)")
            % {
                "new": ", ".join(name for _code, name in line.wards) or none,
                "old": ", ".join(old) or none,
            }
        )
    if line.link_user_id:
        line.changes.append(_("linked to their portal account"))
