"""The demo inquiries' words and dates, kept apart from the code that seeds them.

The Birmingham inquiry's recommendations are word for word from seed 000 and its
evidence from seed 001; the community transport inquiry is fictional.
"""

import datetime

from portal.formats import LONDON
from tracking.models import Category, TargetDate


def at(day, hour=10, minute=0):
    """An aware moment on ``day``, UK time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def month(year, number, label=""):
    """A target given as a month: due on its last day."""
    return {"label": label, "due_on": TargetDate.end_of_month(year, number), "month_only": True}


# --- Council Commissioning and Third Sector Organisations (seeds 000 and 001) ---------

COMMITTEE = "Partnerships, Contract Performance and Third Sector Overview and Scrutiny Committee"
CABINET_MEMBER = "Cabinet Member for Commissioning, Contracting and Improvement"

R01 = """\
In collaboration with third sector organisations (including any representative bodies) evaluate \
the existing City Council commissioning and related toolkits to ensure that a refreshed operating \
model:

- a) Recognises that suppliers can help inform the City Council about user priorities, market \
capabilities and delivery options;
- b) Ensures toolkits are implemented and applied consistently across the City Council;
- c) Has the principles of tackling poor performance and practice (supported by clear \
measurement of outcomes);
- d) Recognises and meets the requirements of the new Public Contracts Regulations 2015 with \
particular emphasis on improving access to opportunities for the third sector;
- e) Demonstrates commitment to joint learning and improvement based on good practice achieved \
over the years to underpin this work;
- f) Builds in opportunities for co-commissioning approaches with the third sector
- g) Enables and encourages robust proposals from consortia including third sector organisations;
- h) Ensures that any variation of composition of a consortium team should not vary from that \
which was procured without reasonable justification and due diligence; and
- i) Ensures that during the procurement process that checks proportionate to the perceived risk \
are made to see if an organisation is getting funding from another part of the City Council or \
from other organisations.

The focus of this report is the third sector. None of these recommendations need to be exclusive \
to the third sector, but no evidence gathering was carried out with small and medium enterprises \
(SMEs)."""

R02 = """\
The City Council to improve communications and relationships with the third sector in a variety \
of ways:

- a) That all commissioners review how they manage relationships with third sector organisations \
to include a commitment to work with them at the earliest planning stage of both commissioning and \
decommissioning through greater use of trusted sources (which could be from the Third Sector \
Assembly) - in line with the City Council's toolkit;
- b) To improve communication with the third sector on commissioning and procurement \
opportunities and explore further use of social media and other City Council communication \
channels. This should include making better use of *Find it in Birmingham* or any successor portal \
and in publishing outcomes of procurement exercises – following consultation about the content and \
where would be accessible with the third sector; and
- c) To improve communication to councillors (e.g. on a monthly or bimonthly basis) to allow them \
to signpost third sector organisations."""

R03 = """\
In reviewing and growing the use of the Birmingham Business Charter for Social Responsibility \
(BBC4SR) to ensure that organisations of all sizes are able to sign up to it and to:

- a) Give consideration to the social value that third sector organisations already deliver to \
reflect the particular value of third sector organisations more clearly;
- b) Explore with Birmingham Voluntary Services Council (BVSC) how the third sector can become \
recipients of BBC4SR, such as with a portal bringing together needs and offers;
- c) Consult the third sector as part of the review of the Charter; and
- d) Utilise councillors' knowledge of local organisations. Councillors should also encourage \
local organisations to subscribe to *Find It In Birmingham* (FIIB) and the BBC4SR."""

R04 = """\
To

- a) Review what should be the enabling role of the *Future Council* in supporting the third \
sector.
- b) Explore opportunities for ensuring smaller third sector organisations are equipped to be \
part of the supply chain."""

R05 = """\
Progress towards achievement of these recommendations is reported to the Partnership, Contract \
Performance and Third Sector Overview and Scrutiny Committee in October 2015. The Committee will \
schedule regular progress reports until all agreed recommendations are implemented."""

# The evidence of seed 001, split by round: what it marks "Update – Sept 2016"
# went with the second round, the rest with the first. The exception is R04 b),
# a list of events from November 2015 to March 2016 that cannot have been
# submitted by the first round's deadline in October 2015: it goes with the
# second round, whose "Achieved (late)" rests on it. In R01 i) the report's
# table headings (extracted as "FunderMMMM …") are written out on one line.

R01_EVIDENCE_2015 = """\
a) The commissioning team has consulted with BVSC regarding the “Introduction to Commissioning” \
toolkit; the feedback was that it is very useful and provided a good framework for conversations \
between Corporate Procurement Services, the Commissioning Centres of Excellence and the Third \
Sector through the Third Sector Assembly networks.

It was agreed that in considering the various commissioning options it would be good to see if \
“commissioning conversations” with key providers about changes to service delivery could form part \
of these. This could be achieved via Service Provider Networks (the Assembly Networks might also be \
used)

Following this consultation the ‘Introduction to Commissioning’ toolkit is now being updated to \
reflect BVSC’s comments and will then be initially discussed with the Third Sector Assembly and \
their respective category Champions for Housing and Regeneration and Health and Social Care.

b) Training programmes continue to be implemented across the Council to ensure awareness of \
current best practice and consistency of application.

c) Tackling poor performance and practice is covered separately in the contract management \
toolkit.

d) The council complies with the requirements to publish contract opportunities over £25k on \
Contracts Finder, whilst still publicising all opportunities over £10k on FIIB. We have gone beyond \
requirements of PCR 15 which has set turnover at no more than 2 times value. We have not defaulted \
to this & sometimes go below this level.

e) The toolkit is continually being improved/developed to capture best practice. See (a).

f) The toolkit builds this in as co-production and is managed through market engagement at the \
commissioning stage. E.g. projects where co-commissioning exists includes shared funding such as \
Big Lottery and the Think Family / Action for Children.

Examples of this collaboration include with the University of Birmingham, Solihull MBC and the \
Third Sector to deliver Sexual Health advice and separately with the Health Service & the Third \
Sector to provide School Health advisory services.

g) The Commissioning toolkit includes market consultation and shaping to deliver the services. \
Consortia can be in various forms, some are lead providers, whilst others are partner providers. A \
recent example being the Legal Entitlement Services.

h) The services terms of contract item 6.1.2 states “the Services shall be performed by personnel \
previously approved by the Council and as may be listed in PART 6 of the FIRST SCHEDULE to this \
Agreement. The Provider shall neither remove nor replace any approved personnel without the prior \
written consent of the Council which consent shall not be unreasonably withheld or delayed.” This \
is mirrored in item 3.7.2 of the Consultancy Terms of Agreement.

i) The following wording is included:

- The current Third Sector Grant Funding Framework & Toolkit - Appendix 1: Grant funding \
Application Form item 3.1 states “Are you receiving or budgeting to receive any other \
contributions towards the cost of the project (e.g. user charges and donations from other sources) \
from the council or any other organisation?”
- The current Conditions of Grant Aid includes the item A8.2: “If the Grant Recipient receives \
more than one grant from the Council, each grant must be individually identified in the Grant \
Recipient’s accounts.”
- The proposed small grants application for <£1k includes the question in Section C: “Please \
give details of other organisations supporting your project and indicate whether any funding has \
already been committed by these organisations.”
- The proposed Commissioning Application Form - Small Grants (£1k-£10k) will require the \
applicant to state any other expected or confirmed grant cash income and its source. (NB this is a \
refresh of the current application form <£5k and the same question is included there also.)
- The proposed Conditions of Grant for £1k to £10k includes the clause 5.3.4 – “If the Grant \
Recipient receives more than one grant from the Council, each grant must be individually \
identified in the Grant Recipient’s accounts.”
- The quotation document and tender document templates now include a question that states “The \
[Quotation Provider/Tenderer] must inform the Council if they are receiving funding to undertake \
similar or related activities to that defined in this procurement exercise. Please provide details \
with your [quotation/Tender] in the table below. Funder … Funding Activities … Date … Period of \
Funding …”

This can be followed up by the procuring officer as required to ensure there is no duplication."""

R01_EVIDENCE_2016 = """\
c) Contracts state service providers’ obligations in delivering the service, KPIs being measured, \
contract review processes, payment processes, financial measures that can be applied if there is a \
service failure/performance issue, grounds for payment reductions or termination etc."""

R02_EVIDENCE_2015 = """\
a) The Commissioning toolkit requires that commissioners engage at the earliest planning stage. \
See updated commitment in R02 part a). Recent examples would be – HIV, Sickle Cell, in terms of \
determining the most appropriate funding stream. The approach was agreed with providers and \
developed the pathway – better outcomes, better journey for the customer, providers working \
together etc.

Another example during the 2015/16 budget consultation – providers of Legal Entitlement Advice \
Services came forward challenging the proposed decommissioning of the service. As a result a large \
element of the budget was re-instated in 2015/16 with the view to it being halved for a new \
delivery model in January 2016. This ‘extension’ was done on the basis of the Third Sector coming \
together with the council to develop a new delivery model from January. The Third Sector led on an \
advice strategy paper and the council then reviewed its commissioning approach to see how it could \
get from the current position to one which moved closer to the approach in the strategy. There \
have been further meetings with the advice sector with discussion on both the strategy and the \
commissioning approach.

b) The Council now advertises all opportunities over £25K onto Contracts Finder (as well as FIIB) \
in compliance with the Procurement Contract Regulations 2015. Social media is used by Ice Blue to \
promote events and opportunities. We’re currently discussing opportunities to improve the FIIB \
website with Ice Blue, however this won’t extend to publishing outcomes as this is made available \
on the Council’s website.

c) Weekly activity reports to summarise the current opportunities are now set up and will shortly \
be issued to Councillors."""

R02_EVIDENCE_2016 = """\
a) Nigel Kletz and Angela Probert met with third sector champions and the outputs from those \
meetings are being incorporated into ongoing work including review of the commissioning strategy.

c) A weekly email is issued by Corporate Procurement to all BCC Councillors with a list of all \
live procurement opportunities posted on Finditinbirmingham. This includes that of the council, \
our supply chain and other public sector organisations and Councillors are asked to make local \
businesses aware of any relevant procurement opportunities open to them."""

R03_EVIDENCE_2015 = """\
a) Social Value is assessed as part of a tender evaluation and takes account of the tenderer’s \
proposals. The delivery of Social value has to be relevant and proportionate to the contract.

b) The ‘Partners in Communities’ principle within the Birmingham Business Charter includes \
supporting community organisation and projects. There are examples of action plans that include \
such commitments.

c) The consultation is delayed to consider measures that may enhance the effectiveness of the \
Charter and reduce complexity thus improving resource efficiency.

d) Promoted the use of FIIB and the BBC4SR at the Councillors’ Marketplace. Also see R02c."""

R03_EVIDENCE_2016 = """\
c) Consultation with Third Sector organisations took place on 19 August through a workshop held at \
BVSC, the consultation survey has been widely promoted and runs until 30 September.

<https://www.birminghambeheard.org.uk/economy/9768a656/consultation/intro/view>"""

R04_EVIDENCE_2015 = """\
a) The Future Council Outward Looking Partnerships work has yet to arrive at any recommendations \
regarding this.

c) In 2014/15 financial year £27.5M was spent with the Third Sector. In the first 6 months of \
15/16 the spend was £16.2M."""

R04_EVIDENCE_2016 = """\
a) Engagement with the third sector is ongoing and examples include The Birmingham Business \
Charter for Social Responsibility, The ICT&D Strategy, the Workforce Strategy and the \
Commissioning strategy.

b) The following support this point:

- a. Breakfast meetings are held monthly:
    - i. Nov 15: a HS2 supply chain special
    - ii. Dec 15: “meet the buyer” with Carillion
    - iii. Jan 16: Budget presentation.
    - iv. Feb 16: Willmott Dixon “meet the buyer” for building the new college for high speed \
rail engineers.
    - v. March 16: Kier “meet the buyer” event for Housing growth.
    - vi. Previously 3 other Charter events were organised with Localise West Midlands with \
approximately 35 Third Sector organisations attending.

Breakfast meetings continue to be organised and communicated and are very well attended."""

# INFERRED: seed 001 gives no first-round evidence for R05; this says what the
# first round itself was.
R05_EVIDENCE_2015 = """\
This first progress report is presented to the Partnerships, Contract Performance and Third \
Sector Overview and Scrutiny Committee on 27 October 2015."""

R05_EVIDENCE_2016 = """\
Progress is now being tracked by the Corporate Resources Overview and Scrutiny Committee, this \
report was presented to this committee on 27 October 2015 and this update is now submitted for \
the committee’s consideration."""

BIRMINGHAM = {
    "inquiry": {
        "title": "Council Commissioning and Third Sector Organisations",
        "slug": "council-commissioning-third-sector",
        "committee_name": COMMITTEE,
        "lead_member": "Councillor Narinder Kaur Kooner",
        "lead_officer": "Benita Wishart",
        "approved_on": datetime.date(2015, 4, 14),
        "summary": (
            "Councillors heard from third sector organisations, especially smaller ones, that they "
            "often found out about the City Council's commissioning opportunities too late, "
            "sometimes only once the work had been bought. The committee found excellent practice "
            "in places but not repeated across the council, and recommended a refreshed "
            "commissioning model made with the sector, better communication with organisations "
            "and councillors, wider use of the Birmingham Business Charter for Social "
            "Responsibility, and support for smaller organisations to join supply chains."
        ),
    },
    "created_at": at(datetime.date(2015, 4, 20)),
    "recommendations": [
        (
            "R01",
            R01,
            "Cabinet Member for Commissioning, Contracting & Improvement\n"
            "in consultation with the Third Sector Assembly",
            [month(2015, 10, "Interim evaluation report"), month(2016, 1, "Completed")],
        ),
        (
            "R02",
            R02,
            "Cabinet Member for Commissioning, Contracting & Improvement\n"
            "in partnership with Executive Members for Local Services\n"
            "and consultation with the Third Sector Assembly",
            [month(2015, 10, "Interim report"), month(2016, 4, "Completed")],
        ),
        (
            "R03",
            R03,
            f"{CABINET_MEMBER}\nIn consultation with the Third Sector Assembly",
            [month(2015, 10)],
        ),
        ("R04", R04, CABINET_MEMBER, [month(2015, 10)]),
        ("R05", R05, CABINET_MEMBER, [month(2015, 10), month(2016, 1), month(2016, 9)]),
    ],
    "rounds": [
        {
            "committee_name": COMMITTEE,
            "report_of": CABINET_MEMBER,
            "meeting_on": datetime.date(2015, 10, 27),
            "submission_deadline": at(datetime.date(2015, 10, 6), 17),
            "opened_at": at(datetime.date(2015, 9, 1)),
            "submitted_at": at(datetime.date(2015, 10, 5), 15),
            # INFERRED: seed 001 says progress was first tracked on 27 October 2015
            # and tracks all five again in September 2016, so none was concluded:
            # every target was still ahead at that meeting, hence "In progress".
            "submissions": {
                reference: {"category": Category.IN_PROGRESS, "evidence": evidence}
                for reference, evidence in [
                    ("R01", R01_EVIDENCE_2015),
                    ("R02", R02_EVIDENCE_2015),
                    ("R03", R03_EVIDENCE_2015),
                    ("R04", R04_EVIDENCE_2015),
                    ("R05", R05_EVIDENCE_2015),
                ]
            },
            "decided_at": at(datetime.date(2015, 10, 27), 16),
            "decisions": {
                reference: {"category": Category.IN_PROGRESS}
                for reference in ("R01", "R02", "R03", "R04", "R05")
            },
        },
        {
            "committee_name": "Corporate Resources Overview and Scrutiny Committee",
            "report_of": "Cabinet Member for Value for Money and Efficiency",
            "meeting_on": datetime.date(2016, 9, 26),
            "submission_deadline": at(datetime.date(2016, 9, 5), 17),
            "opened_at": at(datetime.date(2016, 8, 1)),
            "submitted_at": at(datetime.date(2016, 9, 2), 15),
            # The Cabinet Member's assessments of seed 001. No date achieved is
            # given, as the report gives none. The committee's view is not
            # recorded: the report asks members for it.
            "submissions": {
                reference: {"category": category, "evidence": evidence}
                for reference, category, evidence in [
                    ("R01", Category.ACHIEVED, R01_EVIDENCE_2016),
                    ("R02", Category.ACHIEVED, R02_EVIDENCE_2016),
                    ("R03", Category.ACHIEVED_LATE, R03_EVIDENCE_2016),
                    ("R04", Category.ACHIEVED_LATE, R04_EVIDENCE_2016),
                    ("R05", Category.ACHIEVED, R05_EVIDENCE_2016),
                ]
            },
        },
    ],
}


# --- Community Transport for Older People (fictional) --------------------------------


def _weekday_on_or_after(day, weekday):
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _year_month(day):
    return day.year, day.month


def _working_day_on_or_before(day):
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def community_transport(today):
    """A fictional inquiry dated from ``today``: its first round met about seven months ago,
    its second meets in about three weeks and its deadline passed a few days ago."""
    days = datetime.timedelta
    approved_on = today - days(300)
    first_meeting = _weekday_on_or_after(today - days(214), 1)  # committees meet on Tuesdays
    first_deadline = at(first_meeting - days(21), 17)
    second_meeting = _weekday_on_or_after(today + days(21), 1)
    if (second_meeting.month, second_meeting.day) >= (12, 20) or (
        second_meeting.month == 1 and second_meeting.day < 6
    ):
        # Committees do not meet over Christmas and New Year.
        second_meeting = _weekday_on_or_after(
            datetime.date(second_meeting.year + (second_meeting.month == 12), 1, 6), 1
        )
    second_deadline = at(_working_day_on_or_before(today - days(3)), 17)
    later = today + days(60)
    return {
        "inquiry": {
            "title": "Community Transport for Older People",
            "slug": "community-transport-older-people",
            "committee_name": "Health and Social Care Overview and Scrutiny Committee",
            "lead_member": "Councillor Mariam Hussain",
            "lead_officer": "Laura Whitcombe",
            "approved_on": approved_on,
            "summary": (
                "How older people without a car get to GP appointments, day centres and the "
                "shops, and the part played by Ring and Ride, community minibus schemes and "
                "volunteer car schemes run by the third sector. The committee found services "
                "that people value but that are hard to find out about, unevenly spread across "
                "the city and funded from year to year. (A fictional inquiry for the demo.)"
            ),
        },
        "created_at": at(approved_on + days(3)),
        "recommendations": [
            (
                "R01",
                "Publish a single guide to community transport in the city – Ring and Ride, "
                "community minibus schemes, volunteer car schemes and the concessionary travel "
                "pass – in print and online, and make sure every GP surgery, library and "
                "neighbourhood office has copies.",
                "Cabinet Member for Health and Social Care\n"
                "in consultation with Birmingham Voluntary Service Council",
                [month(*_year_month(approved_on + days(90)))],
            ),
            (
                "R02",
                "Commission a pilot of community minibus services run by third sector transport "
                "operators:\n\n"
                "- a) in the three wards with the poorest bus links to health and day services;\n"
                "- b) with volunteer drivers trained to the Minibus Driver Awareness Scheme "
                "standard; and\n"
                "- c) with the views of the older people who use it gathered and reported to "
                "this Committee.",
                "Cabinet Member for Health and Social Care",
                [month(*_year_month(approved_on + days(45)), "Pilot running")],
            ),
            (
                "R03",
                "Ask Transport for West Midlands to let concessionary travel passes be used on "
                "community transport for journeys to health appointments.",
                "Cabinet Member for Transport and Environment",
                [month(*_year_month(approved_on + days(90)))],
            ),
            (
                "R04",
                "Make sure every social care assessment of an older person asks how they will "
                "get to the services in their care plan, and record unmet transport need so that "
                "commissioners can plan for it.",
                "Cabinet Member for Health and Social Care",
                [month(*_year_month(approved_on + days(30)))],
            ),
            (
                "R05",
                "Progress towards achievement of these recommendations is reported to the Health "
                f"and Social Care Overview and Scrutiny Committee in {first_meeting:%B %Y}. The "
                "Committee will schedule regular progress reports until all agreed "
                "recommendations are implemented.",
                "Cabinet Member for Health and Social Care",
                [month(*_year_month(first_meeting)), month(*_year_month(later), "Final report")],
            ),
        ],
        "rounds": [
            {
                "committee_name": "Health and Social Care Overview and Scrutiny Committee",
                "report_of": "Cabinet Member for Health and Social Care",
                "meeting_on": first_meeting,
                "submission_deadline": first_deadline,
                "opened_at": first_deadline - days(35),
                "submitted_at": first_deadline - days(1, hours=2),
                "submissions": {
                    "R01": {
                        "category": Category.ACHIEVED,
                        "achieved_on": approved_on + days(45),
                        "evidence": "The guide “Getting about in later life” is on the "
                        "council’s website and 20,000 copies were printed. They went to every GP "
                        "surgery, library and neighbourhood office in the city, and Age UK "
                        "Birmingham hands them out at its information points.",
                    },
                    "R02": {
                        "category": Category.PROGRESS_MADE,
                        "anticipated_on": later,
                        "evidence": "a) Kingstanding, Shard End and Bromford and Hodge Hill were "
                        "chosen. Services in Kingstanding and Shard End were awarded to two "
                        "community transport charities; the third waits for a "
                        "wheelchair-accessible minibus.\n\n"
                        "b) Twelve volunteer drivers have completed their training.",
                    },
                    "R03": {
                        "category": Category.OBSTACLE,
                        "evidence": "Transport for West Midlands replied that the concessionary "
                        "travel scheme covers local bus services only, and that extending it to "
                        "community transport would need the Combined Authority to change the "
                        "scheme and fund it. The Cabinet Member has asked for this to be "
                        "considered in the next local transport plan.",
                    },
                    "R04": {
                        "category": Category.PROGRESS_MADE,
                        "anticipated_on": first_meeting + days(60),
                        "evidence": "The question is on the assessment form used by the hospital "
                        "discharge team. Training for the community assessment teams is being "
                        "arranged.",
                    },
                    "R05": {
                        "category": Category.IN_PROGRESS,
                        "evidence": "This is the first progress report to the Committee.",
                    },
                },
                "decided_at": at(first_meeting, 16),
                "decisions": {
                    "R01": {"category": Category.ACHIEVED},
                    "R02": {"category": Category.PROGRESS_MADE, "anticipated_on": later},
                    "R03": {
                        "category": Category.OBSTACLE,
                        "comment": "Members asked the Cabinet Member to keep pressing the "
                        "Combined Authority.",
                    },
                    "R04": {
                        "category": Category.INSUFFICIENT_PROGRESS,
                        "anticipated_on": today + days(30),
                        "comment": "Members were not satisfied: only one team asks the question, "
                        "and nobody yet records unmet need.",
                    },
                    "R05": {"category": Category.IN_PROGRESS},
                },
            },
            {
                "committee_name": "Health and Social Care Overview and Scrutiny Committee",
                "report_of": "Cabinet Member for Health and Social Care",
                "meeting_on": second_meeting,
                "submission_deadline": second_deadline,
                "opened_at": second_deadline - days(35),
                "submitted_at": second_deadline - days(1, hours=3),
                # R04 is left unsubmitted: late, for the dashboard and the late notice.
                "submissions": {
                    "R02": {
                        "category": Category.PROGRESS_MADE,
                        "anticipated_on": today + days(120),
                        "evidence": "a) The Kingstanding and Shard End services made 2,140 "
                        "journeys in their first six months. The minibus for Bromford and Hodge "
                        "Hill has been ordered; its service starts when it arrives.\n\n"
                        "c) A survey of riders is under way and will be reported to the "
                        "Committee.",
                    },
                    "R05": {
                        "category": Category.IN_PROGRESS,
                        "evidence": "This is the second progress report. The Committee will be "
                        "asked to schedule a further report for each recommendation it does not "
                        "conclude.",
                    },
                },
            },
        ],
    }
