"""The publication rules an opportunity's value and dates trigger, in plain English.

Thresholds come from ``settings.PROCUREMENT_THRESHOLDS`` (pounds, including
VAT) and nowhere else. The rules are shown on the opportunity's page, not just
checked, so bidders can see why it was advertised where it was.

The portal does not send notices to Find a Tender: until it produces them, a
rule that needs one says the commissioner must publish it there, and tells the
commissioner what to publish (``commissioner_must``).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from opportunities.models import Procedure

VAT_RATE = Decimal("0.20")


# The central digital platform for Procurement Act 2023 notices.
FIND_A_TENDER_URL = "https://www.find-tender.service.gov.uk/"


@dataclass(frozen=True)
class PublicationRule:
    code: str
    title: str
    explanation: str
    # What the publishing commissioner must do about it themselves ("" for nothing).
    commissioner_must: str = ""
    find_a_tender_url = FIND_A_TENDER_URL

    @property
    def find_a_tender(self):
        """True when the commissioner must publish a notice on Find a Tender."""
        return bool(self.commissioner_must)


def _find_a_tender_instruction(notice):
    return _(
        "You must publish a %(notice)s for this opportunity on Find a Tender yourself: "
        "this portal does not send notices there."
    ) % {"notice": notice}


def value_including_vat(opportunity):
    """The top of the estimated range, with VAT added if it was given without."""
    value = opportunity.value_high
    return value if opportunity.value_includes_vat else value * (1 + VAT_RATE)


def publication_rules(opportunity):
    """The rules that apply to this opportunity, most basic first."""
    thresholds = settings.PROCUREMENT_THRESHOLDS
    value = value_including_vat(opportunity)
    rules = []
    if value >= thresholds["portal"]:
        rules.append(
            PublicationRule(
                "portal",
                _("Advertised on this portal"),
                _("Every opportunity worth £%(amount)s or more is advertised here.")
                % {"amount": f"{thresholds['portal']:,}"},
            )
        )
    light_touch = opportunity.procedure == Procedure.LIGHT_TOUCH
    above = thresholds["light_touch" if light_touch else "services"]
    if value >= above:
        rules.append(
            PublicationRule(
                "above_threshold",
                _("Above the procurement threshold"),
                _(
                    "Worth £%(amount)s or more including VAT%(kind)s, so it follows the full "
                    "Procurement Act 2023 process and the commissioner must also publish a "
                    "tender notice on Find a Tender."
                )
                % {
                    "amount": f"{above:,}",
                    "kind": _(" for light-touch social services") if light_touch else "",
                },
                _find_a_tender_instruction(_("tender notice")),
            )
        )
    elif value >= thresholds["notifiable"]:
        rules.append(
            PublicationRule(
                "notifiable",
                _("Notifiable below-threshold contract"),
                _(
                    "Worth £%(amount)s or more including VAT, so the commissioner must also "
                    "publish a below-threshold tender notice on Find a Tender. No "
                    "pre-qualification questionnaire is asked for."
                )
                % {"amount": f"{thresholds['notifiable']:,}"},
                _find_a_tender_instruction(_("below-threshold tender notice")),
            )
        )
    return rules


def minimum_window():
    return timedelta(days=settings.COMPACT_MINIMUM_WINDOW_DAYS)


def window_is_short(*, opens_at, submission_deadline):
    """True when bidders get less than the Compact's 12 weeks."""
    return submission_deadline - opens_at < minimum_window()
