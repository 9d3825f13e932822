"""Demo data: a login for every role. Each app adds its own realistic data."""

from accounts.actions import ensure_user, set_roles
from commissioning import (
    demo_contracts,
    demo_decommissioning,
    demo_pipeline,
    demo_projects,
    demo_social_value,
)
from commissioning.models import Contract, ContractKind
from councillors import demo as councillors_demo
from exchange import demo as exchange_demo
from opendata import bulk as opendata_bulk
from opportunities import demo as opportunities_demo
from organisations import demo as registry_demo
from organisations.actions import import_wards, link_councillor
from organisations.models import Ward
from tenders import demo as tenders_demo
from tenders import demo_evaluation
from tracking import demo as tracking_demo

DEMO_PASSWORD = "demo-portal-2026"

# (email, full name, role in words)
DEMO_USERS = [
    ("admin@example.org", "Sam Okafor", "Site admin"),
    ("councillor@example.org", "Priya Sandhu", "Councillor (Ladywood, Nechells)"),
    ("scrutiny@example.org", "Helen Whitfield", "Scrutiny officer"),
    ("evaluator@example.org", "Daniel Brooks", "Evaluator"),
    (
        "commissioner@example.org",
        "Joanne Pryce",
        "Commissioner (Birmingham City Council – Adults and Social Care)",
    ),
    ("member@example.org", "Aisha Rahman", "Organisation administrator (Ladywood Lunch Club)"),
]

# Registers the demo organisations nobody else owns; cannot sign in.
REGISTRY_DEMO_USER = ("registry-demo@example.org", "Demo registry")


def seed():
    """Create the demo wards and users; running it twice changes nothing."""
    import_wards()
    users = {
        email: ensure_user(email=email, full_name=name, password=DEMO_PASSWORD)
        for email, name, _role in DEMO_USERS
    }
    set_roles(user=users["admin@example.org"], by=None, site_admin=True)
    set_roles(user=users["scrutiny@example.org"], by=None, scrutiny_officer=True)
    set_roles(user=users["evaluator@example.org"], by=None, evaluator=True)
    councillor = link_councillor(
        user=users["councillor@example.org"],
        wards=list(Ward.objects.filter(name__in=["Ladywood", "Nechells"])),
        party="Independent",
    )
    email, name = REGISTRY_DEMO_USER
    registry_user = ensure_user(email=email, full_name=name, password=None)
    organisations = registry_demo.seed(
        by=registry_user,
        site_admin=users["admin@example.org"],
        owners={
            "Ladywood Lunch Club": users["member@example.org"],
            "Birmingham City Council – Adults and Social Care": users["commissioner@example.org"],
        },
    )
    opportunities = opportunities_demo.seed(
        publisher=organisations["Birmingham City Council – Adults and Social Care"],
        by=users["commissioner@example.org"],
    )
    publisher = organisations["Birmingham City Council – Adults and Social Care"]
    commissioner = users["commissioner@example.org"]
    projects = demo_projects.seed(
        publisher=publisher,
        commissioner=commissioner,
        organisations=[
            organisations[name]
            for name in (
                "Handsworth Carers Network",
                "Scottish Carers Trust (Midlands branch)",
                "Erdington Mental Health Forum",
                "Ladywood Lunch Club",
                "Hall Green Asian Elders",
                "Sparkbrook Women's Centre",
            )
        ],
    )
    demo_pipeline.seed(
        publisher=publisher,
        commissioner=commissioner,
        projects=projects,
        opportunity=opportunities["Befriending for older people living alone"],
    )
    tenders_demo.seed(
        opportunities=opportunities,
        organisations=organisations,
        commissioner=users["commissioner@example.org"],
        member=users["member@example.org"],
        registry_user=registry_user,
    )
    demo_evaluation.seed(
        opportunities=opportunities,
        organisations=organisations,
        commissioner=users["commissioner@example.org"],
        chair=users["evaluator@example.org"],
        member=users["member@example.org"],
        bidder=registry_user,
    )
    contracts = demo_contracts.seed(commissioner=commissioner)
    demo_social_value.seed(contracts=Contract.objects.all())
    demo_decommissioning.seed(
        contract=next(c for c in contracts if c.kind == ContractKind.SERVICE_LEVEL_AGREEMENT),
        commissioner=commissioner,
    )
    exchange_demo.seed(
        publisher=publisher,
        commissioner=commissioner,
        registry_user=registry_user,
        owners={"Ladywood Lunch Club": users["member@example.org"]},
    )
    tracking_demo.seed(
        officer=users["scrutiny@example.org"], responsible=users["commissioner@example.org"]
    )
    councillors_demo.seed(councillor=councillor, site_admin=users["admin@example.org"])
    # Last, so the bulk download holds every release the seed made.
    opendata_bulk.make_bulk_file()
    return users
