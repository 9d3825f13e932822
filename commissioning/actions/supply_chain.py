"""The supply chain (R04 b): a contract's lead supplier posts a subcontracting
opportunity for part of it, and organisations apply.

The opportunity is published at once through
``opportunities.actions.publish_subcontracting`` (the lead supplier is not a
publisher, so it cannot draft and publish as a commissioner does), listed with
the council's own opportunities and marked as a subcontracting opportunity. A
``Subcontract`` links it to the contract.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning.models import Subcontract, SubcontractApplication, SupplierRole
from commissioning.queries.contracts import is_lead_member
from opportunities.actions import publish_subcontracting
from opportunities.models import Procedure, Status
from portal.authorization import membership_role


def _check(contract, fields, now):
    errors = {}
    for name, message in (
        ("title", _("Enter a title")),
        ("summary", _("Enter a summary of the work")),
        ("contact_name", _("Enter the name of the person to contact")),
        ("contact_email", _("Enter the email address to contact")),
    ):
        if not str(fields.get(name) or "").strip():
            errors[name] = message
    low, high = fields.get("value_low"), fields.get("value_high")
    if low is not None and high is not None and high < low:
        errors["value_high"] = _("The top of the range must be at least its bottom")
    questions, bids = fields.get("clarification_deadline"), fields.get("submission_deadline")
    if questions and questions <= now:
        errors["clarification_deadline"] = _("The deadline for questions must be in the future")
    if bids and questions and bids <= questions:
        errors["submission_deadline"] = _(
            "The deadline for applications must be after the deadline for questions"
        )
    if timezone.localdate(now) > contract.last_day:
        errors["__all__"] = _("The contract has ended, so it cannot be subcontracted")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def post_subcontract(
    *,
    contract,
    by,
    title,
    summary,
    value_low,
    value_high,
    clarification_deadline,
    submission_deadline,
    contact_name,
    contact_email,
    description="",
    now=None,
):
    """Publish a subcontracting opportunity for part of ``contract`` and link it.

    Only members of the contract's lead supplier. The opportunity takes the
    contract's category and wards, a request-for-quotation procedure, and is
    marked suitable for small organisations. Returns the ``Subcontract``.
    """
    now = now or timezone.now()
    if not is_lead_member(by, contract):
        raise PermissionError("Only the contract's lead supplier posts subcontracting work.")
    fields = {
        "title": title.strip(),
        "summary": summary.strip(),
        "description": description.strip(),
        "value_low": value_low,
        "value_high": value_high,
        "clarification_deadline": clarification_deadline,
        "submission_deadline": submission_deadline,
        "contact_name": contact_name.strip(),
        "contact_email": contact_email.strip(),
    }
    _check(contract, fields, now)
    supplier = contract.suppliers.get(role=SupplierRole.LEAD).organisation
    opportunity = publish_subcontracting(
        publisher=supplier,
        by=by,
        now=now,
        category=contract.category,
        procedure=Procedure.QUOTATION,
        citywide=contract.citywide,
        wards=list(contract.wards.all()),
        suitable_for_small=True,
        contract_start=timezone.localdate(submission_deadline),
        **fields,
    )
    return Subcontract.objects.create(contract=contract, opportunity=opportunity, supplier=supplier)


@transaction.atomic
def apply_to_subcontract(*, subcontract, organisation, by, message, now=None):
    """``organisation`` applies to deliver part of the contract, with a message.

    Only a member of ``organisation``, which is not the contractor itself, while
    the opportunity is open; once per organisation (until it withdraws).
    """
    now = now or timezone.now()
    if membership_role(by, organisation) is None:
        raise PermissionError("Only a member of the organisation can apply for it.")
    if organisation.pk == subcontract.supplier_id:
        raise ValidationError(_("Your organisation posted this opportunity"))
    if subcontract.opportunity.status_at(now) != Status.OPEN:
        raise ValidationError(_("Applications have closed"))
    if not (message or "").strip():
        raise ValidationError({"message": _("Say what you would deliver and why")})
    try:
        with transaction.atomic():
            return SubcontractApplication.objects.create(
                subcontract=subcontract,
                organisation=organisation,
                message=message.strip(),
                applied_at=now,
                applied_by=by,
            )
    except IntegrityError:
        raise ValidationError(_("Your organisation has already applied")) from None


def applications_of(subcontract):
    """The current applications, oldest first, with each organisation loaded."""
    return subcontract.applications.filter(withdrawn_at__isnull=True).select_related("organisation")
