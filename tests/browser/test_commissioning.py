"""The commissioning cycle in a real browser, across roles (issue 18).

A commissioner (``page``, a desktop) starts a project, writes its needs
assessment, is told why it cannot move to "do" yet, adds an outcome and moves it
analyse → plan → do. They run a market day with one place: a member of
Ladywood Lunch Club takes the place, a member of Aston Advice Collective
(``colleague_page``, a phone) lands on the waiting list and is told so; the
commissioner sees both on the attendee list and records what the event changed.
The commissioner adds a pipeline item for the project, which Aston follows;
linking it to the opportunity it became emails Aston's member once, and the
15-minute job sends nothing more. Aston bids and wins (through the tender
actions, as the tenders' own browser tests have driven those pages); the
contract is made by the task tenders enqueue by name. The commissioner adds a
KPI, Aston's member submits a return, the commissioner rates the period and
Aston's member reads the rating and comment. Finally a visitor opens /spend/
(tests/browser/test_spend.py reads its charts and tables).

Every page is checked with axe-core and at 320 and 375 pixels wide (conftest.py).
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import sign_in

from commissioning.actions.pipeline import tell_followers
from commissioning.models import Contract, PipelineFollow, Project, Registration
from organisations.models import MembershipRole
from tenders import actions as tenders
from tests.commissioning.awarded import award
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
    WardFactory,
)
from tests.tenders.conftest import complete, open_opportunity

TITLE = "Lunch clubs for older people in Ladywood"
NEEDS = "Two in five people over 75 in Ladywood say they often feel lonely."
OUTCOME = "Fewer older people in Ladywood say they feel lonely"
EVENT = "Lunch clubs market day"
CHANGED = "Providers asked for three-year contracts, so the project plans for three years."
PLAN = "Lunch clubs and befriending, Ladywood"
COMMENT = "A strong first month: keep the Tuesday club going."


@pytest.fixture
def cast(transactional_db, settings, tmp_path):
    """The commissioner, and a member each of two organisations (A and B)."""
    settings.MEDIA_ROOT = tmp_path
    # The journey moves the clock on by weeks: sessions must outlive it.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 365
    WardFactory(name="Ladywood", slug="ladywood")
    ServiceCategoryFactory(name="Older people", slug="older-people")
    commissioner = MembershipFactory(
        organisation=PublisherFactory(name="Adult Social Care Commissioning"),
        role=MembershipRole.MEMBER,
        user__full_name="Rachel Okafor",
    ).user
    members = {}
    for key, name, person in (
        ("a", "Ladywood Lunch Club", "Priya Shah"),
        ("b", "Aston Advice Collective", "Tom Walker"),
    ):
        members[key] = MembershipFactory(
            organisation=OrganisationFactory(name=name),
            role=MembershipRole.ADMIN,
            user=UserFactory(full_name=person),
        ).user
    return commissioner, members["a"], members["b"]


def signs_out(page):
    """Sign out, on a desktop or a phone (where the menu starts closed)."""
    page.submit("Sign out")
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def heading(page):
    return page.get_by_role("heading", level=1)


def main(page):
    return page.get_by_role("main")


def starts_a_project_and_moves_it_to_do(page, commissioner):
    sign_in(page, commissioner.email, PASSWORD)
    page.visit("/projects/")
    page.follow(page.get_by_role("link", name="Start a project"))
    expect(heading(page)).to_have_text("Start a commissioning project")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("Lunch clubs where older people meet and eat together.")
    page.get_by_label("Category").select_option(label="Older people")
    page.get_by_label("Budget (optional)").fill("£120,000")
    page.get_by_label("Ladywood").check()
    page.submit("Save")
    expect(heading(page)).to_have_text(TITLE)
    project = Project.objects.get(title=TITLE)
    expect(main(page)).to_contain_text("Before the project can move to plan it needs:")

    page.follow(page.get_by_role("link", name="Write the needs assessment"))
    page.get_by_label("Needs assessment").fill(NEEDS)
    page.submit("Save")
    expect(main(page)).to_contain_text(NEEDS)
    page.follow(page.get_by_role("link", name="Move to plan"))
    page.get_by_label("Note (optional)").fill("The evidence is in.")
    page.submit("Move to plan")
    expect(main(page)).to_contain_text("The project is now in plan.")

    # Without an outcome the move to "do" is refused, and the page says why.
    expect(page.get_by_role("link", name="Move to do")).to_have_count(0)
    page.visit(f"/projects/{project.reference}/move/")
    expect(main(page)).to_contain_text("The project cannot move on yet. It needs:")
    expect(main(page)).to_contain_text("At least one outcome")
    page.follow(page.get_by_role("link", name="Back to the project").last)
    page.follow(page.get_by_role("link", name="Add an outcome"))
    page.get_by_label("Outcome").fill(OUTCOME)
    page.submit("Add the outcome")
    page.follow(page.get_by_role("link", name="Move to do"))
    page.submit("Move to do")
    expect(main(page)).to_contain_text("The project is now in do.")
    moves = page.get_by_role("table", name="How the project has moved")
    expect(moves).to_contain_text("Analyse → Plan")
    expect(moves).to_contain_text("Plan → Do")
    project.refresh_from_db()
    assert project.phase == "do"
    return project


def runs_a_market_day(page, phone, project, member_a, member_b, time_machine):
    starts = timezone.localdate() + timedelta(days=7)
    page.follow(page.get_by_role("link", name="Plan an engagement event for this project"))
    page.get_by_label("Market day").check()
    page.get_by_label("Title").fill(EVENT)
    page.get_by_label("What it is for").fill("Meet us and tell us what older people need.")
    expect(page.get_by_label("Project (optional)")).to_have_value(str(project.pk))
    page.get_by_label("Start: date").fill(f"{starts:%d/%m/%Y}")
    page.get_by_label("Start: time (UK time)").fill("10:00")
    page.get_by_label("End: date").fill(f"{starts:%d/%m/%Y}")
    page.get_by_label("End: time (UK time)").fill("12:30")
    page.get_by_label("Venue and address").fill("Ladywood Community Centre, B16 8ET")
    page.get_by_label("Places").fill("1")
    page.submit("Save the event")
    expect(heading(page)).to_have_text(EVENT)
    expect(main(page)).to_contain_text("1 place left of 1")
    event_path = page.url.removeprefix(page.base_url)

    # Organisation A's member takes the one place.
    sign_in(phone, member_a.email, PASSWORD)
    phone.visit(event_path)
    phone.follow(phone.get_by_role("link", name="Register an attendee"))
    expect(heading(phone)).to_have_text("Register an attendee")
    phone.get_by_label("Attendee's name").fill("Priya Shah")
    phone.get_by_label("Attendee's email address").fill("priya@ladywood.example.org")
    phone.submit("Register")
    expect(main(phone)).to_contain_text("Priya Shah has a place.")
    signs_out(phone)

    # Organisation B's member is told on screen that they are on the waiting list.
    sign_in(phone, member_b.email, PASSWORD)
    phone.visit(event_path)
    phone.follow(phone.get_by_role("link", name="Join the waiting list"))
    expect(heading(phone)).to_have_text("Join the waiting list")
    expect(main(phone)).to_contain_text("The event is full.")
    phone.get_by_label("Attendee's name").fill("Tom Walker")
    phone.get_by_label("Attendee's email address").fill("tom@aston.example.org")
    phone.submit("Register")
    expect(main(phone)).to_contain_text("The event is full, so Tom Walker is on the waiting list.")
    expect(main(phone)).to_contain_text("Waiting list")
    assert sorted(mail.outbox[-1].to + mail.outbox[-2].to) == [
        "priya@ladywood.example.org",
        "tom@aston.example.org",
    ]

    page.visit(event_path)
    page.follow(page.get_by_role("link", name="Attendees and waiting list"))
    expect(main(page)).to_contain_text("1 of 1 places taken; 1 on the waiting list.")
    expect(page.get_by_role("table", name="With a place")).to_contain_text("Priya Shah")
    expect(page.get_by_role("table", name=re.compile("^Waiting list"))).to_contain_text(
        "Tom Walker"
    )
    assert Registration.objects.filter(place_confirmed_at__isnull=True).count() == 1

    # The day after the event, the commissioner records what it changed.
    time_machine.move_to(
        timezone.make_aware(datetime.combine(starts + timedelta(days=1), time(9))), tick=True
    )
    page.visit(event_path)
    page.follow(page.get_by_role("link", name="Record what the event changed"))
    page.get_by_label("What did the event change?").fill(CHANGED)
    page.submit("Save")
    expect(main(page)).to_contain_text(CHANGED)
    page.follow(page.get_by_role("link", name=project.title))
    expect(main(page)).to_contain_text(CHANGED)


def plans_a_procurement_that_a_follower_hears_of(page, phone, project, commissioner, member_b):
    page.visit("/pipeline/")
    page.follow(page.get_by_role("link", name="Add a planned procurement"))
    page.get_by_label("Title").fill(PLAN)
    page.get_by_label("Summary in plain English").fill("Lunch clubs twice a week, and visits.")
    page.get_by_label("Category").select_option(label="Older people")
    page.get_by_label("Estimated value (£)").fill("120000")
    page.get_by_label("Commissioning project it comes from (optional)").select_option(
        label=project.title
    )
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_label("January to March").check()
    page.get_by_label("Ladywood").check()
    page.get_by_label("Contact name").fill("Rachel Okafor")
    page.get_by_label("Contact email").fill(commissioner.email)
    page.submit("Add to the pipeline")
    expect(heading(page)).to_have_text(PLAN)
    item_path = page.url.removeprefix(page.base_url)

    # Organisation B's member (still signed in on the phone) follows the plan.
    phone.visit("/pipeline/")
    phone.follow(phone.get_by_role("link", name=PLAN))
    phone.submit("Follow this plan")
    expect(main(phone)).to_contain_text("Aston Advice Collective follows this plan.")
    assert PipelineFollow.objects.count() == 1

    # The plan became an opportunity (published through the opportunity pages,
    # which their own tests drive); the commissioner links the two.
    opportunity = open_opportunity(
        project.publisher, lots=1, title=PLAN, category=project.category, citywide=False
    )
    opportunity.wards.set(project.wards.all())
    mail.outbox.clear()
    page.visit(item_path)
    page.get_by_label("The opportunity it became").select_option(
        label=f"{opportunity.reference}: {PLAN}"
    )
    page.submit("Link the opportunity")
    expect(main(page)).to_contain_text(f"is linked to {opportunity.reference}")
    [alert] = mail.outbox
    assert alert.to == [member_b.email]
    assert opportunity.reference in alert.body
    assert tell_followers() == 0  # the 15-minute job: nobody is told twice
    assert len(mail.outbox) == 1
    phone.visit(item_path)
    phone.follow(phone.get_by_role("link", name="Read the opportunity, follow it or bid"))
    expect(heading(phone)).to_contain_text(PLAN)
    return opportunity


def awards_the_contract(opportunity, commissioner, member_b, time_machine):
    """Aston bids and wins, through the tender actions; the contract is then made by the
    task tenders enqueue by name once the award is confirmed."""
    tender = tenders.create_tender(opportunity=opportunity, by=commissioner)
    organisation = member_b.memberships.get().organisation
    bid = tenders.start_bid(tender=tender, organisation=organisation, by=member_b)
    complete(bid, member_b, price=Decimal("118000"))
    tenders.submit(bid=bid, by=member_b)
    time_machine.move_to(opportunity.submission_deadline + timedelta(minutes=5), tick=True)
    tenders.open_box(tender=tender, by=commissioner)
    award(tender, opportunity.lots.get(), [bid], commissioner, time_machine, moderated=False)
    contract = Contract.objects.get(opportunity=opportunity)
    assert contract.suppliers.get().organisation == organisation
    return contract


def rates_a_kpi_return(page, phone, contract, member_b, time_machine):
    page.visit(f"/contracts/{contract.reference}/performance/")
    expect(main(page)).to_contain_text("No KPIs are set yet.")
    page.follow(page.get_by_role("link", name="Add a KPI"))
    expect(page.get_by_text(f"{contract.reference} · {PLAN}")).to_be_visible()
    page.get_by_label("Indicator").fill("Older people at a lunch club each week")
    page.get_by_label("Target").fill("40")
    page.get_by_label("Unit").fill("people")
    page.get_by_label("Monthly").check()
    page.submit("Add the KPI")
    expect(main(page)).to_contain_text("The KPI is added")

    # A month on, the supplier's member sends the first month's figure.
    time_machine.move_to(
        timezone.make_aware(datetime.combine(contract.starts_on, time(9))) + timedelta(days=33),
        tick=True,
    )
    phone.visit(f"/contracts/{contract.reference}/performance/")
    phone.follow(phone.get_by_role("link", name="Submit returns"))
    phone.get_by_label("Figure (people)").first.fill("43")
    phone.get_by_label("Commentary (optional)").first.fill("The Tuesday club is full.")
    phone.submit("Save returns")
    expect(main(phone)).to_contain_text("Your returns are saved")
    expect(main(phone)).to_contain_text("43 people")

    mail.outbox.clear()
    page.visit(f"/contracts/{contract.reference}/performance/")
    expect(main(page)).to_contain_text("43 people")
    page.follow(page.get_by_role("link", name="Rate a period"))
    page.get_by_label("Good").check()
    page.get_by_label("Comment for the supplier").fill(COMMENT)
    page.submit("Save the rating")
    expect(main(page)).to_contain_text("The rating is saved and the supplier is told")
    assert [email.to for email in mail.outbox] == [[member_b.email]]

    phone.visit(f"/contracts/{contract.reference}/performance/")
    ratings = phone.get_by_role("table", name="Ratings")
    expect(ratings).to_contain_text("Good")
    expect(ratings).to_contain_text(COMMENT)


def test_a_commissioning_cycle_from_project_to_rated_contract(
    page, colleague_page, cast, mailoutbox, time_machine
):
    commissioner, member_a, member_b = cast
    project = starts_a_project_and_moves_it_to_do(page, commissioner)
    runs_a_market_day(page, colleague_page, project, member_a, member_b, time_machine)
    opportunity = plans_a_procurement_that_a_follower_hears_of(
        page, colleague_page, project, commissioner, member_b
    )
    contract = awards_the_contract(opportunity, commissioner, member_b, time_machine)
    rates_a_kpi_return(page, colleague_page, contract, member_b, time_machine)

    # The project page lists what came of it.
    page.visit(project.get_absolute_url())
    expect(main(page)).to_contain_text(PLAN)
    signs_out(page)

    # A visitor reads the spend page (test_spend.py reads its charts and tables).
    page.visit("/spend/")
    expect(heading(page)).to_have_text(re.compile("spend", re.IGNORECASE))
    expect(main(page)).to_contain_text("£118,000")
