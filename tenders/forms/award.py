"""Forms of the award page: the decision for one lot, and withdrawing a decision.

They only read what is typed; ``tenders.actions.award`` checks the winners, the
reason and the standstill against the results and the law, and the views show
its refusals beside the fields.
"""

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.forms import layout_helper
from tenders import standstill
from tenders.templatetags.tender_method import number


def _bid_label(row, criteria):
    name = f"{row.bid.organisation.name} ({row.bid.reference})"
    if row.has_failed:
        failed = ", ".join(str(criteria[key].number) for key in row.failed)
        return _("%(bid)s: failed, scored under the minimum on question %(questions)s") % {
            "bid": name,
            "questions": failed,
        }
    return _("Ranked %(rank)s: %(bid)s, %(total)s points, price £%(price)s") % {
        "rank": row.rank,
        "bid": name,
        "total": row.total,
        "price": number(row.price),
    }


class AwardForm(forms.Form):
    """The winners of one lot, the reason and the standstill; the proposed winners ticked."""

    winners = forms.MultipleChoiceField(
        label=_("Winning bids"),
        help_text=_("Choose every bid that wins this lot"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose winning bids from the list")},
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        help_text=_("Sent to every bidder with their assessment summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )
    standstill_working_days = forms.IntegerField(
        label=_("Standstill in working days"),
        help_text=_(
            "At least 8 working days (Procurement Act 2023, section 51), counted from the "
            "day the notice is sent; weekends and bank holidays do not count"
        ),
        initial=standstill.MINIMUM_WORKING_DAYS,
        error_messages={
            "required": _("Enter the standstill in working days, like 8"),
            "invalid": _("Enter the standstill as a whole number of working days, like 8"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, lot, lot_key, rows, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["winners"].choices = [
            (str(row.bid.pk), _bid_label(row, criteria)) for row in rows
        ]
        self.fields["winners"].initial = [str(row.bid.pk) for row in rows if row.proposed]
        self.helper = layout_helper(
            HTML(format_html('<input type="hidden" name="lot" value="{}">', lot_key)),
            Field("winners"),
            Field.textarea("reason", rows=4),
            Field.text("standstill_working_days", field_width=2),
            # Each lot's button names its lot: several are on one page.
            submit=_("Send the notice of intention to award %(lot)s")
            % {"lot": _("lot %(number)s") % {"number": lot.number} if lot else _("the contract")},
        )
        self.helper.legend_size = Size.SMALL

    def winning_bids(self):
        chosen = set(self.cleaned_data["winners"])
        return [row.bid for row in self.rows if str(row.bid.pk) in chosen]


class WithdrawDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the decision withdrawn?"),
        help_text=_("Every bidder assessed for the lot is emailed this"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": _("Give the reason for withdrawing the decision")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.textarea("reason", rows=5), submit=_("Withdraw the decision")
        )
