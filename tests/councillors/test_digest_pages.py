"""Past digests in the portal: the list, one digest as it was sent, and its PDF."""

import datetime
from datetime import UTC

import pytest
from django.urls import reverse

from councillors import pdf
from councillors.models import Digest
from portal.pdf import refuse_remote
from tests.factories import CouncillorFactory

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 11, 23, 7, 2, tzinfo=UTC)  # Monday of 2026-W48, 7:02am in London
SNAPSHOT = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Opportunities open this week</title>
<style>.note { color: #505a5f; }</style></head>
<body style="margin:0;background-color:#f3f2f1;">
<h1 style="font-size:28px;">Opportunities open this week</h1>
<p class="note">Dear Councillor {name},</p>
<p><a href="https://portal.example.org/opportunities/BCC-2026-0001/">Youth club in Aston</a></p>
<p>Fish &amp; chips &lt;b&gt;not bold&lt;/b&gt;</p>
</body></html>"""


def sent_digest(councillor, week="2026-W48", *, sent_at=SENT, count=3):
    return Digest.objects.create(
        councillor=councillor,
        week=week,
        sent_at=sent_at,
        subject="3 opportunities open this week",
        text="Dear Councillor",
        html=SNAPSHOT.replace("{name}", councillor.full_name),
        opportunity_count=count,
    )


@pytest.fixture
def own_digest(councillor):
    return sent_digest(councillor.user.councillor)


def pages(week="2026-W48"):
    return [
        reverse("councillors:digests"),
        reverse("councillors:digest", args=[week]),
        reverse("councillors:digest_pdf", args=[week]),
    ]


# --- Who may see them ------------------------------------------------------------------------


def test_a_visitor_is_asked_to_sign_in(visitor):
    sent_digest(CouncillorFactory())
    for path in pages():
        response = visitor.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["member", "site_admin", "commissioner"])
def test_anyone_but_a_councillor_gets_404(persona, request):
    sent_digest(CouncillorFactory())
    client = request.getfixturevalue(persona)
    for path in pages():
        assert client.get(path).status_code == 404, path


def test_a_councillor_reads_their_own(councillor, own_digest):
    for path in pages():
        assert councillor.get(path).status_code == 200, path


def test_another_councillors_digest_is_404(councillor):
    sent_digest(CouncillorFactory(), week="2026-W47")
    for path in pages("2026-W47")[1:]:
        assert councillor.get(path).status_code == 404, path


@pytest.mark.parametrize("week", ["2026-W49", "2026-W99", "week-48", "2026-W48x"])
def test_an_unknown_or_malformed_week_is_404(councillor, own_digest, week):
    for path in pages(week)[1:]:
        assert councillor.get(path).status_code == 404, path


def test_a_digest_claimed_but_not_sent_is_not_shown(councillor):
    sent_digest(councillor.user.councillor, sent_at=None)
    assert "We have not sent you a digest yet" in councillor.get(pages()[0]).text
    for path in pages()[1:]:
        assert councillor.get(path).status_code == 404, path


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_only_their_own_sent_digests_newest_first(councillor):
    own = councillor.user.councillor
    sent_digest(own, "2026-W46", sent_at=SENT - datetime.timedelta(weeks=2), count=5)
    sent_digest(own, "2026-W48", count=3)
    sent_digest(own, "2026-W47", sent_at=SENT - datetime.timedelta(weeks=1), count=4)
    sent_digest(own, "2026-W49", sent_at=None)
    sent_digest(CouncillorFactory(), "2026-W45", sent_at=SENT - datetime.timedelta(weeks=3))
    text = councillor.get(reverse("councillors:digests")).text
    weeks = ["23 November 2026", "16 November 2026", "9 November 2026"]
    positions = [text.index(f'<th scope="row" class="govuk-table__header">{w}</th>') for w in weeks]
    assert positions == sorted(positions)
    assert "2 November 2026" not in text  # the other councillor's
    assert "30 November 2026" not in text  # claimed, never sent
    assert "7:02am on Monday 23 November 2026" in text
    assert reverse("councillors:digest", args=["2026-W47"]) in text
    assert reverse("councillors:preferences") in text
    assert reverse("councillors:signposting_log") in text


@pytest.mark.parametrize(("persona", "shown"), [("councillor", True), ("member", False)])
def test_councillors_find_the_digest_in_the_navigation(persona, shown, request):
    client = request.getfixturevalue(persona)
    link = f'href="{reverse("councillors:digests")}"'
    assert (link in client.get(reverse("home")).text) is shown


@pytest.mark.parametrize("page", ["councillors:digests", "councillors:signposting_log"])
def test_the_digest_is_the_current_navigation_entry_on_councillors_pages(councillor, page):
    navigation = councillor.get(reverse(page)).context["navigation"]
    assert [entry["label"] for entry in navigation if entry["active"]] == ["Digests"]


# --- One digest --------------------------------------------------------------------------------


def test_the_digest_is_shown_as_sent_in_a_titled_sandboxed_frame(councillor, own_digest):
    response = councillor.get(reverse("councillors:digest", args=["2026-W48"]))
    text = response.text
    assert "Week beginning 23 November 2026" in text
    assert "Sent at 7:02am on Monday 23 November 2026, with 3 opportunities" in text
    assert 'title="The digest email for the week beginning 23 November 2026"' in text
    assert 'sandbox="allow-same-origin allow-top-navigation-by-user-activation' in text
    # The snapshot goes into srcdoc escaped once: the browser unescapes it to the stored HTML,
    # whose own escaped text stays text.
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in text
    assert "Fish &amp;amp; chips &amp;lt;b&amp;gt;not bold&amp;lt;/b&amp;gt;" in text
    assert "&lt;base target=&quot;_top&quot;&gt;" in text  # links leave the frame
    assert reverse("councillors:digest_pdf", args=["2026-W48"]) in text


def test_the_frame_may_use_the_emails_styles_and_nothing_else(councillor, own_digest):
    response = councillor.get(reverse("councillors:digest", args=["2026-W48"]))
    policy = response["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in policy
    nonce = response.wsgi_request.csp_nonce
    assert f"&lt;style nonce=&quot;{nonce}&quot;&gt;" in response.text
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    # Other pages keep the portal's policy.
    other = councillor.get(reverse("councillors:digests"))["Content-Security-Policy"]
    assert "style-src-attr" not in other


def test_framing_adds_a_base_and_nonces_only_to_real_tags():
    from councillors.views.digests import framed

    html = framed("<html><head><title>t</title><style>p{}</style></head><body>x</body></html>", "N")
    assert html.startswith('<html><head><base target="_top"><title>')
    assert '<style nonce="N">p{}</style>' in html
    assert framed("<p>&lt;style&gt;</p>", "N") == '<base target="_top"><p>&lt;style&gt;</p>'


# --- The PDF -----------------------------------------------------------------------------------


def test_the_pdf_is_the_stored_digest_as_an_attachment(councillor, own_digest):
    response = councillor.get(reverse("councillors:digest_pdf", args=["2026-W48"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="digest-2026-W48.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_fetches_nothing_but_inline_data(councillor, monkeypatch):
    import weasyprint.urls

    opened, real_urlopen = [], weasyprint.urls.urlopen

    def spy(request, **kwargs):
        url = getattr(request, "full_url", request)
        if url.startswith("data:"):
            return real_urlopen(request, **kwargs)
        opened.append(url)
        raise OSError("no network in tests")

    monkeypatch.setattr(weasyprint.urls, "urlopen", spy)
    digest = sent_digest(councillor.user.councillor)
    digest.html = (
        '<html><body><img src="http://example.org/tracker.png" alt="">'
        '<img src="file:///etc/hostname" alt="">'
        '<link rel="stylesheet" href="https://example.org/s.css">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">'
        "<p>Hello</p></body></html>"
    )
    assert pdf.render_pdf(digest).startswith(b"%PDF-")
    assert opened == []
    with pytest.raises(ValueError):
        refuse_remote("http://example.org/x.png")
    with pytest.raises(ValueError):
        refuse_remote("file:///etc/hostname")


# --- The home page's "To do" -------------------------------------------------------------


def _banner(client):
    text = client.get("/").text
    return text.split('id="to-do-title"')[1].split("</ul>")[0] if 'id="to-do-title"' in text else ""


def test_this_weeks_digest_is_first_on_the_councillors_home_page(councillor, time_machine):
    time_machine.move_to(SENT + datetime.timedelta(hours=3), tick=False)
    assert _banner(councillor) == ""  # nothing sent this week yet
    sent_digest(councillor.user.councillor, count=12)
    banner = _banner(councillor)
    assert "This week&#x27;s digest: 12 live opportunities to signpost" in banner
    assert 'href="/councillors/digest/2026-W48/"' in banner
    # Last week's digest is not something to do this week.
    time_machine.move_to(SENT + datetime.timedelta(days=7), tick=False)
    assert _banner(councillor) == ""


def test_a_councillor_with_the_digest_off_is_told_where_to_switch_it_on(councillor):
    from councillors.models import DigestPreference

    DigestPreference.objects.create(councillor=councillor.user.councillor, enabled=False)
    banner = _banner(councillor)
    assert "Your weekly digest is switched off" in banner
    assert 'href="/councillors/digest/preferences/"' in banner


def test_a_site_admin_sees_digests_the_last_run_could_not_send(site_admin):
    from councillors.models import DigestRun

    week = datetime.timedelta(days=7)
    DigestRun.objects.create(
        week="2026-W47", started_at=SENT - week, finished_at=SENT - week, failed=5
    )
    run = DigestRun.objects.create(week="2026-W48", started_at=SENT, finished_at=SENT, failed=2)
    banner = _banner(site_admin)
    assert "2 digests could not be sent in the last run" in banner  # not the older run's 5
    assert f"/admin/councillors/digestrun/{run.pk}/change/" in banner
    DigestRun.objects.create(week="2026-W49", started_at=SENT + week, finished_at=SENT + week)
    assert _banner(site_admin) == ""
