"""Forms commissioners use to set a tender's evaluation method.

Each form takes the ``tender``; once its method is locked (a bid has been
submitted) each also asks why the method is changing, which the actions
require. Field names match the names the actions give their errors, so an
action's ``ValidationError`` lands beside the field (``portal.forms.add_errors``).
"""

from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opportunities.models import Lot
from portal.forms import hint, layout_helper
from tenders import rules
from tenders.forms.fields import (
    PERCENT_HINT,
    PercentField,
    QuantityField,
    WholePercentField,
    plain,
)
from tenders.models import DEFAULT_DESCRIPTORS, CriterionGroup, PriceFormula, TieBreak


def _reason_field():
    return forms.CharField(
        label=_("Why is the method changing?"),
        help_text=_(
            "Every organisation with a bid will be emailed this, and it will be listed "
            "with the opportunity's amendments. You can enter up to 1,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": _("Say why the method is changing"),
            "max_length": _("The reason must be 1,000 characters or fewer"),
        },
    )


class MethodForm(forms.Form):
    """A form that changes part of ``tender``'s method; asks for a reason once it is locked."""

    submit_label = _("Save")

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.opportunity = tender.opportunity
        self.has_lots = bool(self.lots)
        if tender.locked_at:
            self.fields["reason"] = _reason_field()

    @property
    def lots(self):
        if not hasattr(self, "_lots"):
            self._lots = list(self.opportunity.lots.all())
        return self._lots

    def layout(self, *fields):
        reason = [Field.textarea("reason", rows=3)] if "reason" in self.fields else []
        self.helper = layout_helper(*fields, *reason, submit=self.submit_label)

    @property
    def reason(self):
        return self.cleaned_data.get("reason", "")


FORMULA_CHOICES = [
    Choice(
        PriceFormula.LOWEST_RATIO.value,
        _("Lowest price divided by the bid's price"),
        hint=_(
            "The lowest valid price gets the full weight of price. Every other bid gets the "
            "lowest price divided by its own price, times the weight: a price twice the "
            "lowest gets half the marks."
        ),
    ),
    Choice(
        PriceFormula.DEVIATION.value,
        _("Marks taken off for how far the bid is above the lowest price"),
        hint=_(
            "The lowest valid price gets the full weight of price. Every other bid loses "
            "marks in proportion to how far above the lowest it is: 10% above loses a tenth "
            "of the marks, and a price twice the lowest or more gets none."
        ),
    ),
]


class TenderSettingsForm(MethodForm):
    price_formula = forms.ChoiceField(
        label=_("How is price scored?"),
        choices=FORMULA_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how price is scored")},
    )
    abnormally_low_percent = WholePercentField(
        label=_("A price is abnormally low when it is under this percentage of the average price"),
        help_text=_(
            "The average of the valid prices for the same lot. An abnormally low price is "
            "flagged so you can ask the bidder to explain it; it is never rejected "
            "automatically. For example, 80 or 80%"
        ),
        min_value=1,
        max_value=100,
        error_messages={
            "required": _("Enter the percentage under which a price is abnormally low"),
            "invalid": _("Enter a whole percentage, like 80 or 80%"),
            "min_value": _("Enter a percentage between 1 and 100"),
            "max_value": _("Enter a percentage between 1 and 100"),
        },
    )
    full_cost_breakdown = forms.TypedChoiceField(
        label=_("Must bidders break each price down into its full costs?"),
        help_text=_(
            "Direct delivery, staff, volunteer expenses and a share of overheads, so a "
            "small organisation can show it has priced its real costs."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether bidders must break their prices down")},
    )
    tie_break = forms.ChoiceField(
        label=_("If two bids have the same total score"),
        choices=TieBreak.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how a tie is broken")},
    )
    max_lots_per_bidder = forms.IntegerField(
        label=_("Most lots one organisation may bid for (optional)"),
        help_text=_("Leave empty for no limit"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter a whole number of lots, like 2, or leave it empty"),
            "min_value": _("Enter 1 or more, or leave it empty for no limit"),
        },
    )
    max_lots_won = forms.IntegerField(
        label=_("Most lots one organisation may win (optional)"),
        help_text=_("Leave empty for no limit"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter a whole number of lots, like 2, or leave it empty"),
            "min_value": _("Enter 1 or more, or leave it empty for no limit"),
        },
    )

    submit_label = _("Save the rules")

    def __init__(self, *args, tender, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "price_formula": tender.price_formula,
                "abnormally_low_percent": tender.abnormally_low_percent,
                "full_cost_breakdown": "yes" if tender.full_cost_breakdown else "no",
                "tie_break": tender.tie_break,
                "max_lots_per_bidder": tender.max_lots_per_bidder,
                "max_lots_won": tender.max_lots_won,
            },
        )
        super().__init__(*args, tender=tender, **kwargs)
        lot_fields = []
        if self.has_lots:
            lot_fields = [
                Fieldset(
                    Field.text("max_lots_per_bidder", field_width=3),
                    Field.text("max_lots_won", field_width=3),
                    legend=_("Lots"),
                    legend_size=Size.MEDIUM,
                )
            ]
        else:
            del self.fields["max_lots_per_bidder"], self.fields["max_lots_won"]
        self.layout(
            Field.radios("price_formula", legend_size=Size.SMALL),
            Field.text("abnormally_low_percent", field_width=4),
            Field.radios("full_cost_breakdown", legend_size=Size.SMALL, inline=True),
            Field.radios("tie_break", legend_size=Size.SMALL),
            *lot_fields,
        )

    def action_fields(self):
        names = ["price_formula", "abnormally_low_percent", "full_cost_breakdown", "tie_break"]
        if self.has_lots:
            names += ["max_lots_per_bidder", "max_lots_won"]
        return {name: self.cleaned_data[name] for name in names}


class WeightsForm(MethodForm):
    """Every question's weight and the price weight, on one page, so weight can be moved."""

    submit_label = _("Save the weights")

    def __init__(self, *args, tender, criteria, **kwargs):
        super().__init__(*args, tender=tender, **kwargs)
        self.criteria = criteria
        names = []
        for criterion in criteria:
            name = f"weight_{criterion.pk}"
            self.fields[name] = PercentField(
                label=_("Question %(number)s (%(group)s): %(question)s")
                % {
                    "number": criterion.number,
                    "group": criterion.get_group_display().lower(),
                    "question": criterion.question,
                },
                what=_("the weight of question %(number)s") % {"number": criterion.number},
                initial=plain(criterion.weight),
                help_text="",
                min_value=Decimal("0.01"),
                error_messages={
                    "min_value": _("The weight of question %(number)s must be more than 0%%")
                    % {"number": criterion.number}
                },
            )
            names.append(Field.text(name, field_width=4))
        self.fields["price_weight"] = PercentField(
            label=_("Price"),
            what=_("the weight of price"),
            help_text=hint(_("0 if price is not scored"), PERCENT_HINT),
            initial=plain(tender.price_weight),
            error_messages={
                "required": _("Enter the weight of price, or 0 if price is not scored")
            },
        )
        self.layout(*names, Field.text("price_weight", field_width=4))

    def clean(self):
        # The action checks the total too; checked here as well so it is reported with
        # a missing reason instead of after it.
        cleaned = super().clean()
        values = [cleaned.get(f"weight_{c.pk}") for c in self.criteria]
        values.append(cleaned.get("price_weight"))
        if None not in values and sum(values, Decimal(0)) != rules.TOTAL_WEIGHT:
            self.add_error(
                "price_weight",
                _("The weights add up to %(total)s%%; they must add up to 100%%")
                % {"total": plain(sum(values, Decimal(0)))},
            )
        return cleaned

    def weights(self):
        return {c: self.cleaned_data[f"weight_{c.pk}"] for c in self.criteria}


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CriterionForm(MethodForm):
    group = forms.ChoiceField(
        label=_("Which group is the question in?"),
        choices=CriterionGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the group the question is in")},
    )
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Enter the question"),
            "max_length": _("The question must be 2,000 characters or fewer"),
        },
    )
    guidance = forms.CharField(
        label=_("Guidance for bidders (optional)"),
        help_text=_("What a good answer covers. Published with the question."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        error_messages={"max_length": _("The guidance must be 5,000 characters or fewer")},
    )
    word_limit = forms.IntegerField(
        label=_("Word limit"),
        min_value=1,
        max_value=20000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the word limit"),
            "invalid": _("Enter the word limit as a whole number, like 500"),
            "min_value": _("The word limit must be 1 or more"),
            "max_value": _("The word limit must be 20,000 or fewer"),
        },
    )
    weight = PercentField(
        label=_("Weight"),
        what=_("the weight"),
        error_messages={"min_value": _("The weight must be more than 0%")},
        help_text=_(
            "Its share of the total score, like 20 or 20%. Together with the other questions "
            "and price the weights must add up to 100%; you can move weight between them on "
            "the weights page."
        ),
        min_value=Decimal("0.01"),
    )
    descriptors = forms.CharField(
        label=_("Scoring scale"),
        help_text=_(
            "One descriptor per line. The first line describes a mark of 0, the second a "
            "mark of 1, and so on: six lines make a scale from 0 to 5."
        ),
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": _("Enter the scoring scale, one descriptor per line")},
    )
    minimum_score = forms.IntegerField(
        label=_("Minimum score (optional)"),
        help_text=_(
            "A bid scoring below this on this question fails, whatever its other scores. "
            "Leave empty for no minimum."
        ),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the minimum score as a whole number, like 2, or leave it empty"),
            "min_value": _("The minimum score must be 0 or more"),
        },
    )
    per_lot = forms.BooleanField(
        label=_("Bidders answer this question separately for each lot they bid for"),
        required=False,
    )

    def __init__(self, *args, tender, criterion=None, **kwargs):
        self.criterion = criterion
        if criterion is None:
            initial = {"descriptors": "\n".join(DEFAULT_DESCRIPTORS), "word_limit": 500}
        else:
            initial = {
                "group": criterion.group,
                "question": criterion.question,
                "guidance": criterion.guidance,
                "word_limit": criterion.word_limit,
                "descriptors": "\n".join(str(d) for d in criterion.descriptors),
                "minimum_score": criterion.minimum_score,
                "per_lot": criterion.per_lot,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, tender=tender, **kwargs)
        self.submit_label = _("Add the question") if criterion is None else _("Save the question")
        if criterion is not None:
            del self.fields["weight"]
        if not self.has_lots:
            del self.fields["per_lot"]
        self.layout(
            Field.radios("group", legend_size=Size.SMALL, inline=True),
            Field.textarea("question", rows=3),
            Field.textarea("guidance", rows=4),
            Field.text("word_limit", field_width=5),
            *([Field.text("weight", field_width=4)] if criterion is None else []),
            Field.textarea("descriptors", rows=7),
            Field.text("minimum_score", field_width=3),
            *([Field.checkbox("per_lot", small=True)] if self.has_lots else []),
        )

    def clean_descriptors(self):
        lines = _lines(self.cleaned_data["descriptors"])
        if len(lines) < 2:
            raise ValidationError(
                _("The scale needs at least two marks: enter one descriptor per line")
            )
        return lines

    def action_fields(self):
        names = ["group", "question", "guidance", "word_limit", "descriptors", "minimum_score"]
        names += [name for name in ("weight", "per_lot") if name in self.fields]
        return {name: self.cleaned_data[name] for name in names}


class PriceLineForm(MethodForm):
    lot = forms.ModelChoiceField(
        label=_("Lot"),
        queryset=Lot.objects.none(),
        empty_label=_("Select a lot"),
        error_messages={"required": _("Select the lot the line prices")},
    )
    description = forms.CharField(
        label=_("What is priced"),
        help_text=_("For example, ‘Support sessions’ or ‘Total price for year 1’"),
        max_length=300,
        error_messages={
            "required": _("Enter what is priced"),
            "max_length": _("What is priced must be 300 characters or fewer"),
        },
    )
    quantity = QuantityField(
        label=_("Quantity"),
        help_text=_("How many units bidders price, like 1 or 1,200"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "required": _("Enter the quantity"),
            "invalid": _("Enter the quantity as a number, like 1 or 1,200"),
            "min_value": _("The quantity must be more than 0"),
            "max_decimal_places": _("Use at most two decimal places for the quantity"),
            "max_digits": _("The quantity is too large"),
            "max_whole_digits": _("The quantity is too large"),
        },
    )
    unit = forms.CharField(
        label=_("Unit (optional)"),
        help_text=_("For example, ‘session’, ‘place’ or ‘year’"),
        max_length=50,
        required=False,
        error_messages={"max_length": _("The unit must be 50 characters or fewer")},
    )

    def __init__(self, *args, tender, line=None, **kwargs):
        if line is not None:
            kwargs.setdefault(
                "initial",
                {
                    "lot": line.lot_id,
                    "description": line.description,
                    "quantity": plain(line.quantity),
                    "unit": line.unit,
                },
            )
        super().__init__(*args, tender=tender, **kwargs)
        self.submit_label = _("Add the line") if line is None else _("Save the line")
        if self.has_lots:
            self.fields["lot"].queryset = self.opportunity.lots.all()
        else:
            del self.fields["lot"]
        self.layout(
            *([Field.select("lot")] if self.has_lots else []),
            Field.text("description", field_width=Fluid.TWO_THIRDS),
            Field.text("quantity", field_width=10),
            Field.text("unit", field_width=10),
        )

    def action_fields(self):
        data = {name: self.cleaned_data[name] for name in ("description", "quantity", "unit")}
        data["lot"] = self.cleaned_data.get("lot")
        return data


class RemoveForm(MethodForm):
    """Confirms a removal; asks for the reason once the method is locked."""

    def __init__(self, *args, tender, submit, **kwargs):
        super().__init__(*args, tender=tender, **kwargs)
        reason = [Field.textarea("reason", rows=3)] if "reason" in self.fields else []
        self.helper = layout_helper(*reason, submit=submit)
        self.helper.layout.fields[-1] = Submit("submit", submit, css_class="govuk-button--warning")
