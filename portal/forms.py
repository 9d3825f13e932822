"""What every form in the portal shares."""

from crispy_forms_gds import helper
from crispy_forms_gds.layout import Size


class FormHelper(helper.FormHelper):
    """crispy-forms-gds's helper, with ``label_size`` and ``legend_size`` working
    on forms without a layout too.

    The GDS helper turns ``Size.SMALL`` into the ``govuk-label--s`` class only
    while rendering a layout; without one the bare "s" reached the template and
    labels lost their size.
    """

    def get_attributes(self, *args, **kwargs):
        attributes = super().get_attributes(*args, **kwargs)
        if self.label_size:
            attributes["label_size"] = Size.for_label(self.label_size)
        if self.legend_size:
            attributes["legend_size"] = Size.for_legend(self.legend_size)
        return attributes
