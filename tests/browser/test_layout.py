"""Layout that holds for every role: the navigation on one line, tables inside the screen.

Every page a test visits is also laid out at 320 and 375 pixels by the
``page`` fixture (see ``conftest.py``), so the pages here fail on overflow too.
"""

import pytest
from playwright.sync_api import expect
from test_journeys import ROLE_HOME_PAGES, sign_in

from home.demo import DEMO_PASSWORD

EVERY_ROLE = "commissioner@example.org"  # given every other role in the test

# The offsetTop of each entry: one distinct value when they share one line.
NAVIGATION_LINES = """() => new Set(
  [...document.querySelectorAll(".govuk-service-navigation__item")].map((item) => item.offsetTop)
).size"""


def give_every_role(user):
    """Add every role to someone who already publishes and answers for recommendations."""
    from accounts.actions import set_roles
    from organisations.actions import link_councillor
    from organisations.models import Ward

    set_roles(user=user, by=None, site_admin=True, scrutiny_officer=True, evaluator=True)
    link_councillor(user=user, wards=list(Ward.objects.filter(name="Ladywood")), party="")


def assert_navigation_is_one_line(page):
    entries = page.get_by_role("navigation", name="Menu").get_by_role("link")
    labels = entries.all_inner_texts()
    lines = page.evaluate(NAVIGATION_LINES)
    assert lines == 1, f"The navigation takes {lines} lines at 1280px: {labels}"


@pytest.mark.parametrize("email", [None, *ROLE_HOME_PAGES, "every role"])
def test_the_navigation_is_one_line_on_a_desktop_screen_for_every_role(page, demo_users, email):
    if email is None:
        page.visit("/")
    else:
        if email == "every role":
            give_every_role(demo_users[EVERY_ROLE])
            email = EVERY_ROLE
        sign_in(page, email, DEMO_PASSWORD)
    assert_navigation_is_one_line(page)
    # The longest label, bold while its page is current, must fit as well.
    menu = page.get_by_role("navigation", name="Menu")
    for link in menu.get_by_role("link").all()[1:]:
        href = link.get_attribute("href")
        if href.startswith("/admin/"):
            continue  # Django's admin site has its own header
        page.follow(link)
        expect(menu.locator("[aria-current=page]")).to_have_count(1)
        assert_navigation_is_one_line(page)


def test_someone_with_every_role_finds_each_of_their_pages_in_the_navigation(page, demo_users):
    give_every_role(demo_users[EVERY_ROLE])
    sign_in(page, EVERY_ROLE, DEMO_PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    for label, heading in [
        ("Publishing", "Your opportunities"),
        ("Digests", "Your weekly digests"),
        ("Dashboard", "Scrutiny dashboard"),
        ("Assessments", "Your assessments"),
    ]:
        page.follow(menu.get_by_role("link", name=label, exact=True))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(menu.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    account = page.get_by_role("navigation", name="Account")
    page.follow(account.get_by_role("link", name="Your account"))
    expect(account.get_by_role("link", name="Your account")).to_have_attribute(
        "aria-current", "page"
    )
    expect(account.get_by_role("link", name="Site admin")).to_be_visible()


def round_of(inquiry_number=0):
    from tracking.models import TrackingRound

    return TrackingRound.objects.select_related("inquiry").order_by("inquiry__slug", "number")[
        inquiry_number
    ]


@pytest.mark.parametrize(
    ("email", "path", "region"),
    [
        ("councillor@example.org", "/councillors/signposted/", "What you sent, newest first"),
        ("councillor@example.org", "/councillors/digest/", "Digests sent to you, newest first"),
        (
            "scrutiny@example.org",
            "/tracking/manage/",
            "Every inquiry and where its recommendations stand",
        ),
        ("scrutiny@example.org", "round", "Recommendations in this round"),
    ],
)
def test_wide_tables_scroll_in_their_own_region_on_a_phone(
    mobile_page, demo_users, email, path, region
):
    page = mobile_page
    sign_in(page, email, DEMO_PASSWORD)
    if path == "round":
        tracking_round = round_of()
        path = f"/tracking/{tracking_round.inquiry.slug}/rounds/{tracking_round.number}/"
    page.visit(path)  # which lays the page out at 320 and 375 pixels too
    scroller = page.get_by_role("region", name=region)
    expect(scroller).to_have_attribute("tabindex", "0")
    scroller.focus()
    expect(scroller).to_be_focused()


def test_the_report_breaks_no_word_in_two_on_the_narrowest_screen(mobile_page, demo_users):
    page = mobile_page
    page.set_viewport_size({"width": 320, "height": 740})
    tracking_round = round_of()
    page.visit(f"/tracking/{tracking_round.inquiry.slug}/rounds/{tracking_round.number}/report/")
    # A word laid out on two lines has two client rectangles.
    broken = page.evaluate(
        """() => {
          const broken = [];
          const main = document.querySelector("main");
          const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(/[A-Za-z]{4,}/g)) {
              const range = document.createRange();
              range.setStart(node, match.index);
              range.setEnd(node, match.index + match[0].length);
              const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
              if (tops.size > 1) broken.push(match[0]);
            }
          }
          return broken;
        }"""
    )
    assert "Appendix" not in broken, f"Words broken across lines at 320px: {broken}"
