"""The organisation registry in a real browser: registering, inviting, searching.

Every page is checked with axe-core, for console errors and for requests to
other hosts by the ``page`` fixture (see conftest.py); ``colleague_page`` is a
second person's browser, on a phone, checked the same way.
"""

import re

from playwright.sync_api import expect
from test_journeys import link_in, sign_in

from home.demo import DEMO_PASSWORD
from organisations.models import Organisation


def emails_to(mailoutbox, address, subject):
    return [m for m in mailoutbox if m.to == [address] and m.subject.startswith(subject)]


def create_account(page, mailoutbox, *, full_name, email, password):
    """Register, confirm the address by the emailed link, and sign in."""
    page.visit("/accounts/register/")
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Create a password").fill(password)
    page.get_by_label("Confirm your password").fill(password)
    page.submit("Create account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    (confirmation,) = emails_to(mailoutbox, email, "Confirm your email address")
    page.visit(link_in(confirmation))
    expect(page.get_by_role("alert")).to_contain_text("Your email address is confirmed")
    sign_in(page, email, password)
    expect(page.get_by_text(f"Signed in as {full_name}")).to_be_visible()


def test_new_user_registers_an_organisation_fixes_its_charity_number_and_invites_a_colleague(
    page, colleague_page, demo_users, mailoutbox
):
    create_account(
        page,
        mailoutbox,
        full_name="Grace Adeyemi",
        email="grace@kingsnortonlarder.org.uk",
        password="larder-shelves-full-2026",
    )
    page.follow(page.get_by_role("link", name="Register your organisation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an organisation")

    page.get_by_label("Name of the organisation").fill("Kings Norton Community Larder")
    page.get_by_label("Legal form").select_option(label="Registered charity")
    page.get_by_label("What your organisation does").fill(
        "A weekly food larder and advice drop-in for families in Kings Norton."
    )
    page.get_by_label("Charity Commission number").fill("12AB")
    page.get_by_label("Postcode").fill("b38 8sx")
    page.submit("Save")

    expect(page.playwright_page).to_have_title(re.compile(r"^Error: Register an organisation"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter a Charity Commission number in the correct format, like 1123456"]
    )
    charity_number = page.get_by_label("Charity Commission number")
    expect(charity_number).to_have_value("12AB")
    expect(charity_number).to_have_attribute("aria-describedby", re.compile(r"error"))
    expect(page.get_by_label("Name of the organisation")).to_have_value(
        "Kings Norton Community Larder"
    )
    expect(page.get_by_label("Legal form")).to_have_value("registered_charity")
    expect(page.get_by_label("What your organisation does")).to_have_value(
        "A weekly food larder and advice drop-in for families in Kings Norton."
    )
    expect(page.get_by_label("Postcode")).to_have_value("b38 8sx")
    assert not Organisation.objects.filter(name="Kings Norton Community Larder").exists()

    summary.get_by_role("link").click()
    expect(charity_number).to_be_focused()
    charity_number.fill("1123456")
    page.submit("Save")

    expect(page.playwright_page).to_have_title(re.compile(r"^Kings Norton Community Larder – "))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kings Norton Community Larder")
    expect(page.get_by_role("alert")).to_contain_text(
        "Kings Norton Community Larder is in the registry."
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text("Org-id: GB-CHC-1123456")
    expect(main).to_contain_text("B38 8SX")  # the postcode, as Royal Mail writes it
    profile_url = page.url

    page.follow(page.get_by_role("link", name="Manage members"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    page.get_by_label("Email address").fill("olu@kingsnortonlarder.org.uk")
    page.submit("Send invitation")
    expect(page.get_by_role("alert")).to_contain_text(
        "We have sent an invitation to olu@kingsnortonlarder.org.uk."
    )
    expect(page.get_by_role("main")).to_contain_text("olu@kingsnortonlarder.org.uk (member)")
    (invitation,) = emails_to(
        mailoutbox, "olu@kingsnortonlarder.org.uk", "Join Kings Norton Community Larder"
    )
    assert "Grace Adeyemi has invited you to join Kings Norton Community Larder" in invitation.body
    invitation_link = link_in(invitation)

    colleague = colleague_page
    create_account(
        colleague,
        mailoutbox,
        full_name="Olu Bankole",
        email="olu@kingsnortonlarder.org.uk",
        password="volunteer-rota-sundays-9",
    )
    colleague.visit(invitation_link)
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    expect(colleague.get_by_role("main")).to_contain_text(
        "You are signed in as olu@kingsnortonlarder.org.uk"
    )
    colleague.submit("Accept and join")
    assert colleague.url == profile_url
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Kings Norton Community Larder")
    expect(colleague.get_by_role("alert")).to_contain_text(
        "You have joined Kings Norton Community Larder."
    )

    page.visit(page.url)  # the administrator looks at the members page again
    members = page.get_by_role("table")
    expect(members.locator("caption")).to_have_text("2 people")
    expect(members.get_by_role("row").filter(has_text="Grace Adeyemi")).to_contain_text(
        "Administrator"
    )
    expect(members.get_by_role("row").filter(has_text="Olu Bankole")).to_contain_text("Member")
    expect(page.get_by_role("heading", name="Invitations not yet accepted")).to_have_count(0)


def test_visitor_searches_the_directory_filters_to_partners_and_opens_a_profile(page, demo_users):
    page.visit("/organisations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an organisation")
    page.get_by_label("Search by name or description").fill("Ladywood")
    page.get_by_label("Open to partnering").check()
    page.submit("Apply filters")

    assert "q=Ladywood" in page.url and "partnering=on" in page.url
    expect(page.get_by_label("Search by name or description")).to_have_value("Ladywood")
    expect(page.get_by_label("Open to partnering")).to_be_checked()
    expect(page.get_by_role("heading", name="2 organisations")).to_be_visible()
    results = page.get_by_role("list", name="2 organisations")
    expect(results.get_by_role("heading", level=3)).to_have_text(
        ["Ladywood Lunch Club", "West Midlands Homeless Partnership"]
    )
    for result in results.locator(":scope > li").all():
        expect(result.get_by_text("Open to partnering")).to_be_visible()
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()

    page.follow(results.get_by_role("link", name="West Midlands Homeless Partnership"))
    expect(page.get_by_role("heading", level=1)).to_have_text("West Midlands Homeless Partnership")
    expect(page.get_by_role("list", name="At a glance")).to_contain_text("Open to partnering")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Experience leading consortia")
    expect(main).to_contain_text("GB-CHC-1001234")
    expect(page.get_by_role("link", name="Manage members")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)


def test_registering_a_charity_number_already_in_the_registry_is_refused_with_a_link_to_it(
    page, demo_users
):
    sign_in(page, "member@example.org", DEMO_PASSWORD)
    page.follow(page.get_by_role("link", name="Register another organisation"))
    page.get_by_label("Name of the organisation").fill("Aston Young Voices CIO")
    page.get_by_label("Legal form").select_option(label="Charitable incorporated organisation")
    page.get_by_label("Charity Commission number").fill("1184321")
    page.submit("Save")

    expect(page.playwright_page).to_have_title(re.compile(r"^Error: Register an organisation"))
    refusal = "GB-CHC-1184321 is already registered — ask its administrator to invite you"
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text([refusal])
    expect(page.locator("#id_charity_number-error, .govuk-error-message")).to_contain_text(
        [refusal]
    )
    expect(page.get_by_label("Charity Commission number")).to_have_value("1184321")
    assert not Organisation.objects.filter(name="Aston Young Voices CIO").exists()

    page.follow(page.get_by_role("link", name="See the public page for Aston Young Voices"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aston Young Voices")
    expect(page.get_by_role("main")).to_contain_text("GB-CHC-1184321")
