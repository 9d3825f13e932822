import pytest

from portal.markdown import render


def test_markdown_becomes_govuk_styled_html():
    html = render("Intro with **bold** and *emphasis*.\n\n- one\n- two\n\n1. first\n2. second")
    assert (
        '<p class="govuk-body">Intro with <strong>bold</strong> and <em>emphasis</em>.</p>' in html
    )
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html


def test_headings_start_at_h3_because_they_sit_under_the_pages_description_heading():
    html = render("# Scope\n\n## Outcomes\n\n### Detail\n\n###### Small\n\n<h1>Raw</h1>")
    assert not any(f"<h{n}" in html for n in (1, 2, 5, 6))
    assert '<h3 class="govuk-heading-s">Scope</h3>' in html
    assert '<h3 class="govuk-heading-s">Outcomes</h3>' in html
    assert '<h4 class="govuk-heading-s">Detail</h4>' in html
    assert '<h4 class="govuk-heading-s">Small</h4>' in html
    assert '<h3 class="govuk-heading-s">Raw</h3>' in html


def test_links_keep_web_and_mailto_addresses_and_open_safely():
    html = render("[Spec](https://example.org/spec) and [email](mailto:team@example.org)")
    assert 'href="https://example.org/spec"' in html
    assert 'href="mailto:team@example.org"' in html
    assert html.count('rel="noopener noreferrer"') == 2


def test_tables_are_kept():
    html = render("| Lot | Value |\n|---|---|\n| 1 | £10,000 |")
    assert '<table class="govuk-table">' in html
    assert '<td class="govuk-table__cell">£10,000</td>' in html


@pytest.mark.parametrize(
    "nasty",
    [
        "<script>alert('x')</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        '<iframe src="https://evil.example"></iframe>',
        '<p onclick="alert(1)" style="background:url(javascript:alert(1))">hi</p>',
        '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
        "<style>body{display:none}</style>",
        '<form action="https://evil.example"><input name="password"></form>',
        "<object data=x></object><embed src=x>",
        '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
        "<!--<script>alert(1)</script>-->",
    ],
)
def test_nothing_that_can_run_code_survives(nasty):
    html = str(render(f"Before\n\n{nasty}\n\nAfter")).lower()
    for forbidden in (
        "<script",
        "javascript:",
        "vbscript:",
        "data:",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "<iframe",
        "<style",
        "style=",
        "<img",
        "<svg",
        "<form",
        "<input",
        "<object",
        "<embed",
        "alert(1)</script",
    ):
        assert forbidden not in html


def test_script_content_is_removed_not_shown_as_text():
    html = render("Before\n\n<script>alert('x')</script>\n\nAfter")
    assert "alert" not in html
    assert "Before" in html
    assert "After" in html


def test_relative_links_are_dropped():
    assert "href" not in render("[admin](/admin/)")


def test_attributes_cannot_override_the_classes():
    html = render('<p class="govuk-visually-hidden">hidden?</p>')
    assert "govuk-visually-hidden" not in html


def test_empty_text_renders_nothing():
    assert render("") == ""
    assert render("   \n") == ""
    assert render(None) == ""
