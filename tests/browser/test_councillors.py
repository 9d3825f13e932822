"""A councillor's weekly digest in a real browser: reading it, timing it, passing it on;
and a site admin importing councillors from a CSV file.

``page`` is the councillor's computer and ``mobile_page`` their phone, where they
open the digest email's unsubscribe link without being signed in. The digest is
sent by the portal's own sending actions before the browser opens, so what the
pages show is what the email said. Every page either loads, error pages
included, is checked with axe-core (see conftest.py); so is the email itself,
which axe cannot reach inside the portal's sandboxed frame.
"""

import datetime
import re
import time

import pytest
from conftest import WCAG_22_AA_TAGS
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect
from test_journeys import menu, sign_in

from councillors import weeks
from councillors.actions import pending_batches, send_batch, start_run
from councillors.models import DigestPreference, Signposting
from organisations.models import Councillor
from tests.councillors.conftest import live_opportunity
from tests.factories import (
    PASSWORD,
    CouncillorFactory,
    OrganisationFactory,
    UserFactory,
    WardFactory,
)

EMAIL = "jane.doe@example.org"
IN_ASTON = "Youth club in Aston"
CITYWIDE = "Advice across the city"
IN_LADYWOOD = "Lunch club in Ladywood"
GROUP = "Aston Youth Trust"
GROUP_EMAIL = "hello@astonyouth.example"
NOTE = "Your Friday youth club would suit this: the deadline is in a few weeks."


def in_words(day):
    return f"{day.day} {day:%B %Y}"


def this_monday():
    """The Monday of this week in UK time: the week the digest below is sent for."""
    return weeks.monday_of(timezone.now())


@pytest.fixture
def councillor(transactional_db):
    """Cllr Jane Doe of Aston and Nechells, three live opportunities and three local groups."""
    wards = {
        name: WardFactory(name=name, slug=slugify(name))
        for name in ("Aston", "Ladywood", "Nechells")
    }
    councillor = CouncillorFactory(
        user__full_name="Jane Doe", user__email=EMAIL, wards=[wards["Aston"], wards["Nechells"]]
    )
    live_opportunity(IN_ASTON, wards=[wards["Aston"]], published_days_ago=2)
    live_opportunity(CITYWIDE, citywide=True, days_left=10)
    live_opportunity(IN_LADYWOOD, wards=[wards["Ladywood"]])
    OrganisationFactory(name=GROUP, ward=wards["Aston"], email=GROUP_EMAIL)
    OrganisationFactory(name="Ladywood Arts", ward=wards["Ladywood"], email="arts@ladywood.example")
    OrganisationFactory(name="Nechells Food Bank", email="food@nechells.example").wards_served.set(
        [wards["Nechells"]]
    )
    return councillor


@pytest.fixture
def digest_email(councillor, live_server, settings, mailoutbox):
    """This week's digest, sent to the councillor as the weekly job sends it."""
    settings.SITE_URL = live_server.url  # the email's links lead to the test's server
    run = start_run(
        now=timezone.now(), week=weeks.week_of(timezone.now()), only_email=EMAIL, enqueue=False
    )
    for batch in pending_batches(run):
        send_batch(run_id=run.pk, digest_ids=batch)
    (email,) = [message for message in mailoutbox if message.to == [EMAIL]]
    return email


def councillor_reads_the_digest_list(page):
    sign_in(page, EMAIL, PASSWORD)
    expect(page.get_by_text("Signed in as Jane Doe")).to_be_visible()
    page.follow(menu(page).get_by_role("link", name="Digests"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your weekly digests")
    table = page.get_by_role("table", name="Digests sent to you, newest first")
    (row,) = table.get_by_role("row").filter(has_text=in_words(this_monday())).all()
    expect(row.get_by_role("cell").nth(1)).to_have_text("3")


def councillor_moves_the_digest_to_thursday_evening(page):
    page.follow(page.get_by_role("link", name="Choose when you get the digest, or turn it off"))
    expect(page.get_by_role("heading", level=1)).to_have_text("When you get the weekly digest")
    expect(page.get_by_role("main")).to_contain_text(
        "You get the digest every Monday at 7am (UK time)."
    )
    expect(page.get_by_label("Yes, send me the weekly digest")).to_be_checked()
    expect(page.get_by_label("Monday")).to_be_checked()

    # An hour that does not exist: the error summary takes focus and leads to the field.
    page.get_by_label("Thursday").check()
    time = page.get_by_label("What time?")
    time.fill("25:00")
    page.submit("Save")
    expect(page.playwright_page).to_have_title(re.compile(r"^Error: When you get the weekly"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    message = "Enter a time between 00:00 and 23:59, like 07:00 or 18:30"
    expect(summary.get_by_role("link")).to_have_text([message])
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name=message)).to_be_focused()
    page.keyboard.press("Enter")
    expect(time).to_be_focused()
    expect(time).to_have_value("25:00")
    expect(time).to_have_attribute("aria-describedby", re.compile(r"error"))
    expect(page.get_by_label("Thursday")).to_be_checked()
    assert not DigestPreference.objects.exists()

    # This week's digest has gone, so the next is next week's Thursday.
    time.fill("6:30pm")
    page.submit("Save")
    next_thursday = this_monday() + datetime.timedelta(days=10)
    expected = f"Thursday {in_words(next_thursday)} at 6:30pm"
    expect(page.get_by_role("alert")).to_contain_text(f"Saved. Your next digest: {expected}.")
    main = page.get_by_role("main")
    expect(main).to_contain_text("You get the digest every Thursday at 6:30pm (UK time).")
    expect(main.locator(".govuk-inset-text")).to_have_text(f"Your next digest: {expected}")
    expect(page.get_by_label("What time?")).to_have_value("18:30")
    preference = DigestPreference.objects.get()
    assert (preference.weekday, preference.send_at) == (3, datetime.time(18, 30))


def frame_height(page, *, until):
    """The digest frame's height once ``until(height)`` holds (the page's script sets it
    on load and resize); fails after five seconds. Polled from here: the portal's
    Content-Security-Policy refuses Playwright's ``wait_for_function``."""
    deadline = time.monotonic() + 5
    while True:
        height = page.evaluate("document.getElementById('digest-frame').offsetHeight")
        if until(height):
            return height
        assert time.monotonic() < deadline, f"The digest frame stayed {height}px tall"
        page.wait_for_timeout(50)


def councillor_reads_this_weeks_digest_and_downloads_it(page):
    page.follow(page.get_by_role("link", name="Read your past digests"))
    week_beginning = in_words(this_monday())
    page.follow(
        page.get_by_role("link", name=f"Read the digest for the week beginning {week_beginning}")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Week beginning {week_beginning}")
    expect(page.get_by_role("main")).to_contain_text("with 3 opportunities")

    email = page.frame_locator(
        f"iframe[title='The digest email for the week beginning {week_beginning}']"
    )
    expect(email.get_by_role("heading", level=1)).to_have_text("Opportunities open this week")
    expect(email.get_by_text("Dear Councillor Jane Doe,")).to_be_visible()
    expect(email.get_by_role("heading", level=2)).to_have_text(
        [
            "In your wards",
            "Across the whole city",
            "Other opportunities, by service",
            "Coming soon in your wards",
            "Needs in your wards",
            "New organisations in your wards",
        ]
    )
    # The frame is as tall as the email, also after the window narrows and widens again.
    fitted = frame_height(page, until=lambda height: height > 800)
    viewport = page.viewport_size
    page.set_viewport_size({"width": 375, "height": viewport["height"]})
    frame_height(page, until=lambda height: height > fitted)
    page.set_viewport_size(viewport)
    frame_height(page, until=lambda height: abs(height - fitted) < 2)
    for title in (IN_ASTON, CITYWIDE, IN_LADYWOOD):
        expect(email.get_by_role("link", name=title)).to_be_visible()
    expect(email.get_by_text("New this week")).to_have_count(1)
    expect(email.get_by_text("Closes within 14 days")).to_have_count(1)
    expect(email.get_by_role("link", name=GROUP)).to_be_visible()
    expect(email.get_by_role("link", name="Nechells Food Bank")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"digest-{weeks.week_of(timezone.now())}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The email's links open in the whole window, not in the frame.
    page.follow(email.get_by_role("link", name=IN_ASTON))
    expect(page.get_by_role("heading", level=1)).to_have_text(IN_ASTON)


def councillor_tells_a_local_group(page, mailoutbox):
    opportunity_page = page.url
    page.follow(page.get_by_role("link", name="Tell a local group about this"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell a local organisation about this opportunity"
    )
    choice = page.get_by_label("Which organisation do you want to tell?")
    expect(choice.locator("optgroup").first).to_have_attribute("label", "In your wards")
    expect(choice.locator("optgroup[label='In your wards'] option")).to_have_text(
        [GROUP, "Nechells Food Bank"]
    )
    expect(choice.locator("optgroup[label='Other organisations'] option")).to_contain_text(
        ["Ladywood Arts"]
    )
    choice.select_option(label=GROUP)
    page.get_by_label("Your note (optional)").fill(NOTE)
    page.submit("Send")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Opportunities you have sent to organisations"
    )
    expect(page.get_by_role("alert")).to_contain_text(f"Sent to {GROUP}. We emailed their contact.")
    (row,) = page.get_by_role("table", name="What you sent, newest first").locator("tbody tr").all()
    expect(row.get_by_role("cell")).to_have_text(
        [re.compile(r"on \w+day"), IN_ASTON, GROUP, NOTE, "1"]
    )
    (sent,) = [message for message in mailoutbox if message.to == [GROUP_EMAIL]]
    assert sent.subject.startswith(f"Councillor Jane Doe thinks you may want to bid: {IN_ASTON}")
    assert NOTE in sent.body
    assert sent.reply_to == [EMAIL]
    assert opportunity_page in sent.body  # the link to read it

    # The same again the same day is refused, and nothing more is sent.
    page.follow(row.get_by_role("link", name=IN_ASTON))
    page.follow(page.get_by_role("link", name="Tell a local group about this"))
    page.get_by_label("Which organisation do you want to tell?").select_option(label=GROUP)
    page.submit("Send")
    expect(page.playwright_page).to_have_title(re.compile(r"^Error: Tell a local organisation"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text([f"You sent this to {GROUP} today"])
    assert Signposting.objects.count() == 1
    assert len([message for message in mailoutbox if message.to == [GROUP_EMAIL]]) == 1


def test_a_councillor_reads_the_digest_moves_it_to_thursday_and_tells_a_local_group(
    page, councillor, digest_email, mailoutbox
):
    # 1. From the navigation to the list of digests sent to them.
    councillor_reads_the_digest_list(page)
    # 2. Another day and time, after a time that does not exist.
    councillor_moves_the_digest_to_thursday_evening(page)
    # 3. This week's digest as it was sent, as a PDF, and its link to an opportunity.
    councillor_reads_this_weeks_digest_and_downloads_it(page)
    # 4. From that opportunity to a local group's inbox, once a day.
    councillor_tells_a_local_group(page, mailoutbox)


def the_email_as_a_phone_shows_it(page, axe, html):
    """The digest's HTML part on its own, at the page's width: axe cannot look inside the
    portal's frame (it runs no scripts), so the email is checked here, as mail apps show it.
    Returns axe's violations, how far it overflows the screen and what it tried to fetch."""
    email = page.context.new_page()
    fetched = []
    email.on("request", lambda request: fetched.append(request.url))
    email.set_content(html)
    results = axe.run(
        email,
        options={
            "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS},
            "resultTypes": ["violations"],
        },
    )
    overflow = email.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    email.close()
    return [violation["id"] for violation in results.response["violations"]], overflow, fetched


def test_a_councillor_unsubscribes_on_their_phone_and_a_tampered_link_changes_nothing(
    mobile_page, axe, councillor, digest_email
):
    page = mobile_page
    (html, _type), *_others = digest_email.alternatives
    assert the_email_as_a_phone_shows_it(page, axe, html) == ([], 0, [])

    link = re.fullmatch(r"<(.+)>", digest_email.extra_headers["List-Unsubscribe"])[1]
    assert link in digest_email.body
    assert link.startswith(page.base_url + "/councillors/digest/unsubscribe/")

    # A link altered by a character: refused, both when opened and as a mail program's POST.
    tampered = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    page.visit(tampered, status=400)
    expect(page.get_by_role("heading", level=1)).to_have_text("This unsubscribe link is not valid")
    expect(page.get_by_role("main")).to_contain_text("We have changed nothing")
    one_click = page.request.post(tampered, form={"List-Unsubscribe": "One-Click"})
    assert one_click.status == 400
    assert not DigestPreference.objects.exists()

    page.visit(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe from the weekly digest")
    expect(page.get_by_role("main")).to_contain_text("Councillor Jane Doe, you will get no more")
    page.submit("Unsubscribe")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    preference = Councillor.objects.get(email=EMAIL).digest_preference
    assert not preference.enabled and preference.unsubscribed_at is not None

    page.visit(link)
    expect(page.get_by_role("main")).to_contain_text("You are already unsubscribed")
    expect(page.get_by_role("button", name="Unsubscribe")).to_have_count(0)

    # Signing in from the link, the preferences say so too.
    page.follow(page.get_by_role("link", name="Choose the day and time of your digest instead"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.submit("Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("When you get the weekly digest")
    expect(page.get_by_role("main")).to_contain_text("You do not get the weekly digest.")
    expect(page.get_by_label("No", exact=True)).to_be_checked()


def test_a_site_admin_imports_councillors_fixing_the_errors_the_preview_shows(page, tmp_path):
    for name in ("Aston", "Ladywood", "Nechells"):
        WardFactory(name=name, slug=slugify(name))
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    sign_in(page, admin.email, PASSWORD)
    page.visit("/councillors/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import councillors")

    with_errors = tmp_path / "councillors.csv"
    with_errors.write_text(
        "name,email,wards,party\n"
        "Amina Rahman,amina.rahman@example.org,Aston;Nechells,Labour\n"
        "Bob Smith,not-an-email,Astonn,Conservative\n"
    )
    page.get_by_label("Upload a CSV file").set_input_files(with_errors)
    page.submit("Check the file")
    expect(page.playwright_page).to_have_title(re.compile("^Error: Check what the import will do"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Line 3: ward ‘Astonn’ not found — did you mean Aston?")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)

    page.follow(page.get_by_role("button", name="Upload a corrected file"))
    with_errors.write_text(
        "name,email,wards,party\n"
        "Amina Rahman,amina.rahman@example.org,Aston;Nechells,Labour\n"
        "Bob Smith,bob.smith@example.org,Aston,Conservative\n"
    )
    page.get_by_label("Upload a CSV file").set_input_files(with_errors)
    page.submit("Check the file")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what the import will do")
    assert not Councillor.objects.exists()  # nothing until confirmed

    page.submit("Import 2 councillors")
    expect(page.get_by_role("main")).to_contain_text(
        "Councillors imported from councillors.csv: 2 new, 0 updated, 0 unchanged."
    )
    amina = Councillor.objects.get(email="amina.rahman@example.org")
    assert sorted(ward.name for ward in amina.wards.all()) == ["Aston", "Nechells"]
