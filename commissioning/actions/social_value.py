"""Social value returns: a supplier reports what it delivered against a pledge, with the
postcodes of the people who benefited or were employed and how many at each.

A return is a batch of lines. Good lines are saved; a bad line (not a postcode,
a postcode outside Birmingham's wards, no quantity) is handed back with its own
message so the person can correct it and add it to the same return. A full
postcode is never stored: each line keeps the ward and the postcode district,
and lines of one return in the same ward and district are added together.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning import postcodes, spend
from commissioning.models import ContractSupplier, SocialValueLine, SocialValueReturn
from opportunities.actions.publishing import is_commissioner

# More lines than this in one go are refused: a return is typed or pasted by a person.
MAX_LINES = 1000
MAX_QUANTITY = Decimal("1000000000")
# "B15 2TT, 3", "B15 2TT 3", "B15 2TT; 3" or a tab pasted from a spreadsheet.
_LINE = re.compile(r"^(?P<postcode>.*?)[\s,;]+(?P<quantity>[^\s,;]+)$")


@dataclass
class RejectedLine:
    """A line that was not saved: its number in what was typed, the text, and why."""

    number: int
    text: str
    message: str


@dataclass
class LinesResult:
    """What happened to a batch: the return (None if nothing could be saved), the
    lines saved and those refused."""

    social_value_return: SocialValueReturn | None
    saved: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)

    @property
    def rejected_text(self):
        """The refused lines as typed, one a line, to put back in the form."""
        return "\n".join(line.text for line in self.rejected)


def is_supplier_member(user, contract):
    """True when ``user`` belongs to an organisation delivering ``contract`` now."""
    if not user.is_authenticated:
        return False
    return ContractSupplier.objects.filter(
        contract=contract, left_on__isnull=True, organisation__memberships__user=user
    ).exists()


def may_read_social_value(user, contract):
    """Supplier members and the publisher's commissioners read a contract's social value."""
    return is_supplier_member(user, contract) or is_commissioner(user, contract.publisher)


def _quantity(text):
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite():
        raise ValidationError(_("‘%(text)s’ is not a number") % {"text": text})
    if quantity <= 0:
        raise ValidationError(_("How many must be more than 0"))
    if quantity >= MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.01")):
        raise ValidationError(_("Give how many as a number like 3 or 2.5"))
    return quantity


def parse_line(text):
    """``(normalised postcode, quantity)`` from a line like ``B15 2TT, 3``.

    Raises ``ValidationError`` with a message about that line. Does not look the
    postcode up.
    """
    text = text.strip()
    try:
        postcode = postcodes.normalise(text)
    except postcodes.PostcodeError:
        pass
    else:
        raise ValidationError(
            _("Give how many after the postcode, like %(example)s") % {"example": f"{postcode}, 3"}
        )
    match = _LINE.match(text)
    if match is None:
        postcodes.normalise(text)  # raises: "‘…’ is not a postcode"
    return postcodes.normalise(match["postcode"]), _quantity(match["quantity"])


def _lines_of(lines):
    if isinstance(lines, str):
        lines = lines.splitlines()
    return [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]


def _sorted_lines(lines):
    """``(good, rejected)``: good are ``(ward, district, quantity)`` with one ward lookup."""
    numbered = _lines_of(lines)
    if not numbered:
        raise ValidationError({"lines": _("Enter at least one postcode and how many")})
    if len(numbered) > MAX_LINES:
        raise ValidationError(
            {"lines": _("Enter at most %(max)s lines at a time") % {"max": MAX_LINES}}
        )
    parsed, rejected = [], []
    for number, text in numbered:
        try:
            parsed.append((number, text, *parse_line(text)))
        except ValidationError as error:
            rejected.append(RejectedLine(number, text, error.messages[0]))
    wards = postcodes.wards_for({postcode for _n, _t, postcode, _q in parsed})
    good = []
    for number, text, postcode, quantity in parsed:
        if postcode in wards:
            good.append((wards[postcode], postcodes.district(postcode), quantity))
        else:
            try:
                postcodes.ward_for(postcode)
            except ValidationError as error:
                rejected.append(RejectedLine(number, text, error.messages[0]))
    rejected.sort(key=lambda line: line.number)
    return good, rejected


def _save_lines(social_value_return, good):
    """Add ``good`` lines to the return, adding quantities in the same ward and district."""
    totals = {}
    for ward, district, quantity in good:
        totals[(ward.pk, district)] = totals.get((ward.pk, district), 0) + quantity
    for (ward_id, district), quantity in totals.items():
        updated = SocialValueLine.objects.filter(
            social_value_return=social_value_return, ward_id=ward_id, postcode_district=district
        ).update(quantity=F("quantity") + quantity)
        if not updated:
            SocialValueLine.objects.create(
                social_value_return=social_value_return,
                ward_id=ward_id,
                postcode_district=district,
                quantity=quantity,
            )


def _check_period(contract, period_start, period_end, today):
    errors = {}
    if period_start > today:
        errors["period_start"] = _("The period cannot start after today")
    elif period_start > contract.last_day:
        errors["period_start"] = _("The period must start before the contract ended")
    if period_end < period_start:
        errors["period_end"] = _("The end of the period must be on or after its start")
    elif period_end < contract.starts_on:
        errors["period_end"] = _("The period must end after the contract started")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_social_value_return(
    *, pledge, by, period_start, period_end, lines, description="", today=None
):
    """Record what a supplier delivered against ``pledge`` over a period, line by line.

    ``lines`` is the text typed (one ``postcode, quantity`` a line) or a list of
    such lines. Only a current member of one of the contract's suppliers may
    submit (``PermissionError``). A period that starts after ``today`` or does
    not overlap the contract, or no lines at all, raise ``ValidationError``.
    Otherwise the good lines are saved with a new return and the bad ones come
    back in ``LinesResult.rejected``; when no line is good nothing is saved.
    """
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    contract = pledge.contract
    if not is_supplier_member(by, contract):
        raise PermissionError("Only the contract's suppliers can report social value.")
    _check_period(contract, period_start, period_end, today or timezone.localdate())
    good, rejected = _sorted_lines(lines)
    if not good:
        return LinesResult(None, 0, rejected)
    social_value_return = SocialValueReturn.objects.create(
        pledge=pledge,
        period_start=period_start,
        period_end=period_end,
        description=description,
        submitted_at=timezone.now(),
        submitted_by=by,
    )
    _save_lines(social_value_return, good)
    return LinesResult(social_value_return, len(good), rejected)


@transaction.atomic
def add_social_value_lines(*, social_value_return, by, lines):
    """Add lines to a return already made (the corrected lines of a batch, or more).

    Same rules as ``submit_social_value_return`` for who and for the lines.
    """
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    if not is_supplier_member(by, social_value_return.pledge.contract):
        raise PermissionError("Only the contract's suppliers can report social value.")
    good, rejected = _sorted_lines(lines)
    _save_lines(social_value_return, good)
    return LinesResult(social_value_return, len(good), rejected)


@transaction.atomic
def add_delivered_in_ward(*, pledge, ward, quantity, delivered_on, description, by):
    """Record ``quantity`` delivered against ``pledge`` in ``ward`` on one day, confirmed
    by whoever received it (the social value exchange calls this when a recipient
    confirms help given under an offer tied to the pledge). No postcode is known, so
    the line's district is empty. The caller has checked who may do this."""
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    social_value_return = SocialValueReturn.objects.create(
        pledge=pledge,
        period_start=delivered_on,
        period_end=delivered_on,
        description=description,
        submitted_at=timezone.now(),
        submitted_by=by,
    )
    SocialValueLine.objects.create(
        social_value_return=social_value_return,
        ward=ward,
        postcode_district="",
        quantity=quantity,
    )
    return social_value_return
