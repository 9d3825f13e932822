"""The main journeys through the portal, in a real browser, checked with axe-core.

Each page these tests load is checked for WCAG 2.2 A/AA violations, console
errors and requests to other hosts by the ``page`` fixture (see conftest.py).
"""

import re

import pytest
from playwright.sync_api import expect

from home.demo import DEMO_PASSWORD

LINK = re.compile(r"https?://\S+")


def sign_in(page, email, password):
    """Sign in through the form, as a person would: from the menu on the home page."""
    page.visit("/")
    menu_toggle = page.get_by_role("button", name="Menu")
    if menu_toggle.is_visible():  # on a phone the menu starts closed
        menu_toggle.click()
    page.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.submit("Sign in")


def menu(page):
    """The navigation, opened first on a phone, where it starts closed."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    return page.get_by_role("navigation", name="Menu")


def sign_out(page):
    page.submit("Sign out")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def link_in(email):
    """The one link in an email's body."""
    (link,) = LINK.findall(email.body)
    return link


def test_visitor_reads_the_home_page_and_the_information_pages(page):
    page.visit("/")
    expect(page.playwright_page).to_have_title("Commissioning portal – Birmingham City Council")
    expect(page.get_by_role("heading", level=1)).to_have_text("Commissioning portal")
    expect(page.get_by_role("button", name="Create an account")).to_be_visible()

    footer = page.get_by_role("contentinfo")
    for link, heading in [
        ("Accessibility statement", "Accessibility statement for the commissioning portal"),
        ("Privacy notice", "Privacy notice"),
        ("Cookies", "Cookies"),
    ]:
        page.follow(footer.get_by_role("link", name=link))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.playwright_page).to_have_title(
            f"{link} – Commissioning portal – Birmingham City Council"
        )


def test_visitor_sees_a_helpful_page_for_an_address_that_does_not_exist(page):
    page.visit("/no-such-page/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.playwright_page).to_have_title(re.compile(r"^Page not found"))


ROLE_HOME_PAGES = {
    "admin@example.org": ("Sam", "Site admin", "Go to site administration"),
    "councillor@example.org": ("Priya", "Councillor", "Your wards:"),
    "scrutiny@example.org": ("Helen", "Scrutiny officer", "overview and scrutiny committee"),
    "evaluator@example.org": ("Daniel", "Evaluator", "evaluation panel"),
    "commissioner@example.org": ("Joanne", "Commissioner", "You commission services for"),
    "member@example.org": (
        "Aisha",
        "Organisation member",
        "You are acting for Ladywood Lunch Club",
    ),
}


@pytest.mark.parametrize("email", ROLE_HOME_PAGES)
def test_each_demo_role_signs_in_sees_a_home_page_for_their_role_and_signs_out(
    page, demo_users, email
):
    first_name, role, text = ROLE_HOME_PAGES[email]
    sign_in(page, email, DEMO_PASSWORD)

    assert page.url == page.url_for("/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=f"Welcome, {first_name}")).to_be_visible()
    expect(main).to_contain_text(text)
    if role:
        expect(main.get_by_role("heading", level=3, name=role)).to_be_visible()
    expect(page.get_by_text(f"Signed in as {demo_users[email].full_name}")).to_be_visible()
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name="Your account")).to_be_visible()
    admin_link = account.get_by_role("link", name="Site admin")
    expect(admin_link).to_have_count(1 if email == "admin@example.org" else 0)
    if email == "councillor@example.org":
        wards = main.get_by_text("Your wards:")
        for ward in ("Ladywood", "Nechells"):
            link = wards.get_by_role("link", name=ward)
            expect(link).to_have_attribute("href", f"/wards/{ward.lower()}/")

    sign_out(page)


def test_new_person_registers_corrects_mistakes_confirms_their_email_and_signs_in(
    page, demo_users, mailoutbox
):
    page.visit("/accounts/register/")
    page.get_by_label("Email address").fill("jo.bloggs@example.org")
    page.get_by_label("Create a password").fill("a-sturdy-passphrase-2026")
    page.get_by_label("Confirm your password").fill("a-different-passphrase")
    page.submit("Create account")

    expect(page.playwright_page).to_have_title(re.compile(r"^Error: Create an account"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter your full name", "The passwords do not match"]
    )
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()
    summary.get_by_role("link", name="The passwords do not match").click()
    expect(page.get_by_label("Confirm your password")).to_be_focused()
    expect(page.locator("#id_full_name-error, .govuk-error-message").first).to_be_visible()
    assert mailoutbox == []

    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Create a password").fill("a-sturdy-passphrase-2026")
    page.get_by_label("Confirm your password").fill("a-sturdy-passphrase-2026")
    page.submit("Create account")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("main")).to_contain_text("jo.bloggs@example.org")
    (email,) = mailoutbox
    assert email.to == ["jo.bloggs@example.org"]
    assert email.subject.startswith("Confirm your email address")

    page.visit(link_in(email))
    assert page.url == page.url_for("/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("Your email address is confirmed")

    page.get_by_label("Email address").fill("jo.bloggs@example.org")
    page.get_by_label("Password", exact=True).fill("a-sturdy-passphrase-2026")
    page.submit("Sign in")
    expect(page.get_by_role("heading", name="Welcome, Jo")).to_be_visible()
    expect(page.get_by_text("Signed in as Jo Bloggs")).to_be_visible()


def test_member_resets_a_forgotten_password_through_the_emailed_link(page, demo_users, mailoutbox):
    page.visit("/accounts/login/")
    page.follow(page.get_by_role("link", name="Forgotten your password?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email address").fill("member@example.org")
    page.submit("Send reset link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    (email,) = mailoutbox
    assert email.to == ["member@example.org"]
    page.visit(link_in(email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill("brand-new-passphrase-77")
    page.get_by_label("Confirm new password").fill("brand-new-passphrase-77")
    page.submit("Save password")

    assert page.url == page.url_for("/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed")
    page.get_by_label("Email address").fill("member@example.org")
    page.get_by_label("Password", exact=True).fill("brand-new-passphrase-77")
    page.submit("Sign in")
    expect(page.get_by_role("heading", name="Welcome, Aisha")).to_be_visible()


def test_the_skip_link_is_the_first_thing_tab_reaches_and_moves_focus_to_the_content(page):
    page.visit("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.screenshot_now()  # the skip link, shown while it has focus

    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    # The next Tab continues from the content, not from the top of the page.
    page.keyboard.press("Tab")
    focused_inside_main = page.evaluate(
        "document.getElementById('main-content').contains(document.activeElement)"
    )
    assert focused_inside_main


@pytest.mark.parametrize("path", ["/", "/accounts/login/"], ids=["home", "sign-in"])
def test_pages_fit_a_phone_screen_and_the_menu_opens(mobile_page, path):
    page = mobile_page
    page.visit(path)  # which also lays the page out at 320 and 375 pixels (conftest)

    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_be_visible()
    menu = page.locator("#navigation")
    expect(menu).to_be_hidden()
    menu_button.click()
    expect(menu.get_by_role("link", name="Home")).to_be_visible()
    page.screenshot_now()  # the menu, open


def test_signed_in_home_page_fits_a_phone_screen(mobile_page, demo_users):
    page = mobile_page
    sign_in(page, "councillor@example.org", DEMO_PASSWORD)  # each page checked for overflow
    expect(page.get_by_text("Signed in as Priya Sandhu")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
