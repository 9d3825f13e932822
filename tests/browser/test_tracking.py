"""Scrutiny tracking in a real browser: from an inquiry to the committee's progress report.

``page`` is the scrutiny officer's browser and ``colleague_page`` the phone of the
person who answers for the recommendations. Every page either of them loads,
error pages included, is checked with axe-core (see conftest.py).
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import menu, sign_in

from tests.factories import PASSWORD, UserFactory
from tests.tracking.conftest import make_inquiry, open_next_round
from tracking import pdf
from tracking.models import Assessment, Category, ProgressReport, TargetDate

TITLE = "Parks and Open Spaces"
SLUG = "parks-and-open-spaces"
COMMITTEE = "Sustainability and Transport Overview and Scrutiny Committee"
R01_TEXT = (
    "That the Cabinet Member for Environment:\n\n"
    "- a) Recognises the value of volunteer Friends of Parks groups\n"
    "- b) Publishes a maintenance standard for every park"
)
R02_TEXT = "That the Cabinet Member for Environment reports on play area repairs."
EVIDENCE_R01 = "- Friends of Parks forum met in March\n- Draft maintenance standard written"
EVIDENCE_R02 = "Repairs are done in 14 of 20 play areas."
COMMENT = "The committee wants the remaining six play areas listed at the next round."


def typed(day):
    """A date as a person types it into the portal's date fields."""
    return day.strftime("%d/%m/%Y")


def in_words(day):
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Dates:
    """The journey's dates, counted from today so that the rules hold on any day."""

    approved: datetime.date
    r01_completed: datetime.date  # a year ahead: R01 may be "6 In progress"
    r02_target: datetime.date  # two months ago, written as a month: R02 may not be
    deadline: datetime.date
    meeting: datetime.date
    executive_anticipates: datetime.date
    committee_anticipates: datetime.date

    @classmethod
    def from_today(cls):
        today = timezone.localdate()
        two_months_ago = today - datetime.timedelta(days=60)
        meeting = today + datetime.timedelta(days=70)
        return cls(
            approved=today - datetime.timedelta(days=200),
            r01_completed=today + datetime.timedelta(days=365),
            r02_target=TargetDate.end_of_month(two_months_ago.year, two_months_ago.month),
            deadline=today + datetime.timedelta(days=42),
            meeting=meeting,
            executive_anticipates=meeting + datetime.timedelta(days=90),
            committee_anticipates=meeting + datetime.timedelta(days=120),
        )


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    """The scrutiny officer and the executive member's officer who answers for the work.

    The PDF is stored under ``tmp_path``; a fresh local cache keeps this run apart
    from anything an earlier run left in Redis.
    """
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tracking-browser-test",
        }
    }
    officer = UserFactory(
        is_scrutiny_officer=True,
        full_name="Helen Whitfield",
        email="helen.whitfield@example.org",
    )
    responsible = UserFactory(full_name="Joanne Pryce", email="joanne.pryce@example.org")
    return officer, responsible


def officer_creates_the_inquiry_and_opens_round_one(page, dates, officer, responsible, mailoutbox):
    sign_in(page, officer.email, PASSWORD)
    page.follow(menu(page).get_by_role("link", name="Dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrutiny dashboard")
    page.follow(page.get_by_role("button", name="Add an inquiry"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an inquiry")

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Short name for the web address").fill(SLUG)
    page.get_by_label("Committee that held the inquiry").fill(COMMITTEE)
    page.get_by_label("Member who led the review").fill("Councillor Jane Doe")
    page.get_by_label("Lead officer for the review").fill("Rose Kiely")
    page.get_by_label("Date approved at full council").fill(typed(dates.approved))
    officer_select = page.get_by_label("Scrutiny officer")
    expect(officer_select).to_have_value(str(officer.pk))  # the person adding it, by default
    officer_select.select_option(label="Helen Whitfield")
    page.submit("Add inquiry")

    expect(page.get_by_role("alert")).to_contain_text("Inquiry added. Now add its recommendations.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a recommendation")

    # R01 is due a year from now, so "6 In progress" is allowed for it.
    completed = dates.r01_completed
    expect(page.get_by_label("Reference")).to_have_value("R01")
    page.get_by_label("Recommendation", exact=True).fill(R01_TEXT)
    page.get_by_label("Responsibility", exact=True).fill("Cabinet Member for Environment")
    page.get_by_label("Email addresses of the people who answer for it").fill(responsible.email)
    page.get_by_label("Target dates").fill(
        f"Interim report – {dates.meeting:%B %Y}\nCompleted – {completed:%B %Y}"
    )
    page.submit("Add recommendation")
    expect(page.get_by_role("alert")).to_contain_text("R01 added.")

    # R02's target has passed, so it can no longer be "6 In progress".
    expect(page.get_by_label("Reference")).to_have_value("R02")
    page.get_by_label("Recommendation", exact=True).fill(R02_TEXT)
    page.get_by_label("Responsibility", exact=True).fill("Cabinet Member for Environment")
    page.get_by_label("Email addresses of the people who answer for it").fill(responsible.email)
    page.get_by_label("Target dates").fill(f"Completed – {dates.r02_target:%B %Y}")
    page.submit("Add recommendation")
    expect(page.get_by_role("alert")).to_contain_text("R02 added.")

    page.follow(page.get_by_role("link", name="Back", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    r01 = page.get_by_role("region", name="R01")
    expect(r01.get_by_role("listitem")).to_have_text(
        [
            "a) Recognises the value of volunteer Friends of Parks groups",
            "b) Publishes a maintenance standard for every park",
        ]
    )
    expect(r01).to_contain_text(f"Completed – {completed:%B %Y}")

    page.follow(page.get_by_role("link", name="Open the next tracking round"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a tracking round")
    expect(page.get_by_label("Committee it reports to")).to_have_value(COMMITTEE)
    page.get_by_label("Report of").fill("Cabinet Member for Environment")
    page.get_by_label("Date of the committee meeting").fill(typed(dates.meeting))
    page.get_by_label("Deadline for assessments: date").fill(typed(dates.deadline))
    page.get_by_label("Deadline for assessments: time (UK time)").fill("17:00")
    page.submit("Open the round")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tracking round 1")
    expect(page.get_by_role("alert")).to_contain_text(
        "Round 1 is open. The people responsible have been emailed."
    )
    expect(page.get_by_role("main")).to_contain_text(
        f"5pm on {dates.deadline:%A} {in_words(dates.deadline)}"
    )
    rows = page.get_by_role("table", name="Recommendations in this round").get_by_role("row")
    expect(rows.filter(has_text="R01")).to_contain_text("Not submitted")
    expect(rows.filter(has_text="R02")).to_contain_text("Not submitted")
    (email,) = [m for m in mailoutbox if m.to == [responsible.email]]
    assert "R01" in email.body and "R02" in email.body


def responsible_person_submits_both_assessments(phone, dates, responsible):
    sign_in(phone, responsible.email, PASSWORD)
    phone.follow(menu(phone).get_by_role("link", name="Assessments"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your assessments")
    table = phone.get_by_role("table", name=re.compile(rf"^{TITLE}, round 1"))
    expect(table.get_by_role("row").filter(has_text="R01")).to_contain_text("To do")

    phone.follow(phone.get_by_role("link", name="Submit assessment for R01"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Assess R01")
    phone.get_by_label("6 – In progress").check()
    phone.get_by_label("Evidence of progress").fill(EVIDENCE_R01)
    phone.submit("Submit assessment")
    expect(phone.get_by_role("alert")).to_contain_text("Your assessment of R01 is submitted.")
    expect(table.get_by_role("row").filter(has_text="R01")).to_contain_text("6 – In progress")

    phone.follow(phone.get_by_role("link", name="Submit assessment for R02"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Assess R02")
    # A date achieved, typed in any form the box takes, picks the category it
    # implies: on or before the target 1, after it 2.
    achieved = phone.get_by_label("Date achieved")
    late = dates.r02_target + datetime.timedelta(days=1)
    for day, separator, category in [
        (dates.r02_target, "-", "1 – Achieved (fully)"),
        (late, " ", "2 – Achieved (late)"),
    ]:
        achieved.fill(separator.join(str(part) for part in (day.day, day.month, day.year)))
        achieved.press("Tab")
        expect(phone.get_by_label(category)).to_be_checked()
    achieved.fill("")
    phone.get_by_label("6 – In progress").check()
    phone.get_by_label("Evidence of progress").fill(EVIDENCE_R02)
    phone.submit("Submit assessment")
    expect(phone.playwright_page).to_have_title(re.compile(r"^Error: Assess R02"))
    summary = phone.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "In progress is only for a recommendation whose target date has not passed: "
            f"the target was {in_words(dates.r02_target)}"
        ]
    )

    # 3 needs an anticipated completion date; the form keeps what was typed.
    phone.get_by_label("3 – Not achieved (progress made)").check()
    expect(phone.get_by_label("Evidence of progress")).to_have_value(EVIDENCE_R02)
    phone.submit("Submit assessment")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter an anticipated completion date: category Not achieved (progress made) needs one"]
    )
    anticipated = phone.get_by_label("Anticipated completion date")
    expect(anticipated).to_have_attribute("aria-describedby", re.compile(r"error"))
    expect(phone.get_by_label("3 – Not achieved (progress made)")).to_be_checked()
    assert not Assessment.objects.get(recommendation__reference="R02").is_submitted

    anticipated.fill(typed(dates.executive_anticipates))
    phone.submit("Submit assessment")
    expect(phone.get_by_role("alert")).to_contain_text("Your assessment of R02 is submitted.")
    expect(table.get_by_role("row").filter(has_text="R02")).to_contain_text(
        "3 – Not achieved (progress made)"
    )


def officer_records_the_committees_decisions(page, dates):
    page.follow(menu(page).get_by_role("link", name="Dashboard"))
    coming_up = page.get_by_role(
        "table", name="Tracking rounds whose committee meeting has not happened yet"
    ).get_by_role("row", name=re.compile(TITLE))
    expect(coming_up.get_by_role("cell")).to_have_text(
        [
            f"{TITLE}, round 1",
            re.compile(in_words(dates.meeting)),
            re.compile("5pm"),
            "2 / 2",
            "0 / 2",
        ]
    )
    page.follow(coming_up.get_by_role("link", name=f"{TITLE}, round 1"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tracking round 1")
    rows = page.get_by_role("table", name="Recommendations in this round").get_by_role("row")
    expect(rows.filter(has_text="R01")).to_contain_text("6 – In progress")
    expect(rows.filter(has_text="R02")).to_contain_text("3 – Not achieved (progress made)")

    page.follow(page.get_by_role("link", name="Record decision on R01"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record the committee's decision on R01"
    )
    expect(page.get_by_role("main")).to_contain_text(
        "The executive's assessment is 6 – In progress."
    )
    decision = page.get_by_label("6 – In progress")
    expect(decision).to_be_checked()  # the executive's, until the officer changes it
    page.submit("Record decision")
    expect(page.get_by_role("alert")).to_contain_text(
        "The committee's decision on R01 is recorded."
    )

    page.follow(page.get_by_role("link", name="Record decision on R02"))
    expect(page.get_by_label("3 – Not achieved (progress made)")).to_be_checked()
    anticipated = page.get_by_label("Anticipated completion date")
    expect(anticipated).to_have_value(typed(dates.executive_anticipates))
    anticipated.fill(typed(dates.committee_anticipates))
    page.get_by_label("The committee's comment (optional)").fill(COMMENT)
    page.submit("Record decision")
    expect(page.get_by_role("alert")).to_contain_text(
        "The committee's decision on R02 is recorded."
    )
    expect(rows.filter(has_text="R01").get_by_role("cell").last).to_contain_text("6 – In progress")
    expect(rows.filter(has_text="R02").get_by_role("cell").last).to_contain_text(
        "3 – Not achieved (progress made)"
    )
    decided = {a.recommendation.reference: a for a in Assessment.objects.all()}
    assert decided["R01"].decided_category == Category.IN_PROGRESS
    assert decided["R02"].decided_category == Category.PROGRESS_MADE
    assert decided["R02"].decision_anticipated_on == dates.committee_anticipates
    assert decided["R02"].decision_comment == COMMENT


def officer_downloads_the_pdf_and_reads_the_report(page, dates):
    # Chromium shows a PDF in its own viewer, which axe cannot check and which
    # offers no download event: fetch the link with the officer's cookies instead.
    link = page.get_by_role("link", name="Download it as a PDF")
    response = page.request.get(page.url_for(link.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{SLUG}-round-1.pdf"'
    assert response.body().startswith(b"%PDF-")

    page.follow(page.get_by_role("link", name="Read the progress report"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(rf"Progress report on implementation:\s+{TITLE}")
    )
    tracked = page.locator("#appendix-2").get_by_role("table")
    expect(tracked).to_have_count(2)
    r01, r02 = tracked.nth(0), tracked.nth(1)
    expect(r01).to_contain_text("a) Recognises the value of volunteer Friends of Parks groups")
    expect(r01).to_contain_text("Draft maintenance standard written")
    expect(r01.locator(".report-category")).to_have_text(["6 – In progress", "6 – In progress"])
    expect(r02.locator(".report-category")).to_have_text(
        ["3 – Not achieved (progress made)", "3 – Not achieved (progress made)"]
    )
    expect(r02).to_contain_text(f"Anticipated completion: {in_words(dates.committee_anticipates)}")
    expect(r02).to_contain_text(COMMENT)
    expect(r02).to_contain_text(EVIDENCE_R02)


def test_an_officer_tracks_an_inquiry_the_executive_assesses_and_the_committee_decides(
    page, colleague_page, people, mailoutbox
):
    officer, responsible = people
    dates = Dates.from_today()
    # 1. The officer records the inquiry and its recommendations and opens round 1.
    officer_creates_the_inquiry_and_opens_round_one(page, dates, officer, responsible, mailoutbox)
    # 2. The person who answers for them submits both, breaking two rules on the way.
    responsible_person_submits_both_assessments(colleague_page, dates, responsible)
    # 3. The officer records the committee's decisions from the round page.
    officer_records_the_committees_decisions(page, dates)
    # 4. The progress report, as a PDF and as a web page.
    officer_downloads_the_pdf_and_reads_the_report(page, dates)


def test_a_pdf_that_could_not_be_made_is_explained_and_an_officer_tries_again(
    page, people, monkeypatch
):
    officer, responsible = people
    inquiry = make_inquiry(by=officer, responsible=responsible, slug=SLUG)
    tracking_round = open_next_round(inquiry, by=officer)
    renders = []

    def fail(_round):
        renders.append(_round.pk)
        raise MemoryError("out of memory")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    pdf_url = f"/tracking/{SLUG}/rounds/1/report.pdf"
    page.visit(pdf_url)  # a reader: told it could not be made, and where to read it
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF could not be made")
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    page.follow(page.get_by_role("link", name="Read the report on the web instead"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress report")

    sign_in(page, officer.email, PASSWORD)
    page.visit(pdf_url)
    page.get_by_text("What went wrong").click()
    expect(page.get_by_role("main")).to_contain_text("MemoryError: out of memory")
    assert renders == [tracking_round.pk]  # reading again asked for nothing more

    page.submit("Try again")  # it fails again, once

    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF could not be made")
    assert renders == [tracking_round.pk, tracking_round.pk]
    assert ProgressReport.objects.get(round=tracking_round).failed_at is not None
