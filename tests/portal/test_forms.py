from django.template import Context, Template
from django.test import RequestFactory

from accounts.forms import SignInForm


def test_labels_of_a_form_without_a_layout_get_the_govuk_size_class():
    form = SignInForm(request=RequestFactory().get("/"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert 'class="govuk-label govuk-label--s"' in html
    assert 'class="govuk-label s"' not in html
