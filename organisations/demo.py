"""Demo registry: 40+ fictional organisations of every size and legal form.

Names, numbers and people are invented; wards are Birmingham's real ones.
Running ``seed`` twice changes nothing: organisations are matched by name.
"""

from datetime import date

from django.utils.text import slugify

from organisations import actions
from organisations.identifiers import Scheme
from organisations.models import (
    BeneficiaryGroup,
    CharterPrinciple,
    IncomeBand,
    LegalForm,
    Organisation,
    ServiceCategory,
    Ward,
)

SERVICE_CATEGORIES = [
    "Adult social care",
    "Advice and advocacy",
    "Arts, culture and heritage",
    "Carers' support",
    "Children and families",
    "Community development",
    "Disability services",
    "Domestic abuse",
    "Drug and alcohol services",
    "Employment and skills",
    "Environment and green spaces",
    "Food and poverty",
    "Health and wellbeing",
    "Housing and homelessness",
    "Learning disabilities",
    "Mental health",
    "Older people's services",
    "Refugees and asylum seekers",
    "Sport and physical activity",
    "Youth services",
]

BENEFICIARY_GROUPS = [
    "Older people",
    "Children and young people",
    "Families",
    "Carers",
    "Disabled people",
    "People with learning disabilities",
    "People with mental health needs",
    "Refugees and asylum seekers",
    "Black, Asian and minority ethnic communities",
    "LGBT+ people",
    "Women and girls",
    "People who are homeless",
    "Veterans",
    "People on low incomes",
]

# name, legal form, income band, paid staff, volunteers, identifiers, ward, categories
# fmt: off
ORGANISATIONS = [
    ('Ladywood Lunch Club', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 14, [], 'Ladywood', ["Older people's services", 'Food and poverty']),
    ('Nechells Community Food Co-op', LegalForm.COOPERATIVE, IncomeBand.FROM_10K, 2, 25, [(Scheme.MPR, '31234R')], 'Nechells', ['Food and poverty']),
    ('Aston Young Voices', LegalForm.CIO, IncomeBand.FROM_10K, 3, 12, [(Scheme.CHC, '1184321')], 'Aston', ['Youth services']),
    ('Handsworth Carers Network', LegalForm.REGISTERED_CHARITY, IncomeBand.FROM_100K, 8, 30, [(Scheme.CHC, '1093456')], 'Handsworth', ["Carers' support"]),
    ("Sparkbrook Women's Centre", LegalForm.CHARITABLE_COMPANY, IncomeBand.FROM_100K, 14, 40, [(Scheme.CHC, '1102938'), (Scheme.COH, '04987654')], 'Sparkbrook & Balsall Heath East', ['Domestic abuse', 'Advice and advocacy']),
    ('Small Heath Advice Project', LegalForm.CIO, IncomeBand.FROM_100K, 6, 18, [(Scheme.CHC, '1167890')], 'Small Heath', ['Advice and advocacy']),
    ("Kingstanding Men's Shed", LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 9, [], 'Kingstanding', ['Health and wellbeing']),
    ('Erdington Mental Health Forum', LegalForm.CIO, IncomeBand.FROM_10K, 1, 22, [(Scheme.CHC, '1178001')], 'Erdington', ['Mental health']),
    ('Balsall Heath Arts Collective', LegalForm.CIC, IncomeBand.FROM_10K, 2, 6, [(Scheme.COH, '11223344')], 'Balsall Heath West', ['Arts, culture and heritage']),
    ('Selly Oak Green Spaces Trust', LegalForm.CHARITABLE_COMPANY, IncomeBand.FROM_100K, 5, 60, [(Scheme.CHC, '1145566'), (Scheme.COH, '07766554')], 'Weoley & Selly Oak', ['Environment and green spaces']),
    ('Perry Barr Refugee Welcome', LegalForm.CIO, IncomeBand.FROM_10K, 2, 35, [(Scheme.CHC, '1190123')], 'Perry Barr', ['Refugees and asylum seekers']),
    ('Castle Vale Community Housing', LegalForm.COMMUNITY_BENEFIT, IncomeBand.FROM_1M, 48, 10, [(Scheme.MPR, '30567R')], 'Castle Vale', ['Housing and homelessness']),
    ('Moseley Deaf Club', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 8, [], 'Moseley', ['Disability services']),
    ('Lozells Faith Kitchen', LegalForm.FAITH_GROUP, IncomeBand.FROM_10K, 1, 45, [(Scheme.CHC, '1134567')], 'Lozells', ['Food and poverty', 'Housing and homelessness']),
    ('Shard End Youth Boxing', LegalForm.CIC, IncomeBand.FROM_10K, 3, 7, [(Scheme.COH, '12345678')], 'Shard End', ['Sport and physical activity', 'Youth services']),
    ('Stechford Learning Disability Partnership', LegalForm.CHARITABLE_COMPANY, IncomeBand.FROM_1M, 65, 20, [(Scheme.CHC, '1056789'), (Scheme.COH, '03456789')], 'Yardley West & Stechford', ['Learning disabilities', 'Adult social care']),
    ('Digbeth Employment Hub', LegalForm.SOCIAL_ENTERPRISE, IncomeBand.FROM_100K, 11, 4, [(Scheme.COH, '09876543')], 'Bordesley & Highgate', ['Employment and skills']),
    ('Northfield Recovery Café', LegalForm.CIC, IncomeBand.FROM_10K, 4, 16, [(Scheme.COH, '10293847')], 'Northfield', ['Drug and alcohol services']),
    ('Bartley Green Family Support', LegalForm.CIO, IncomeBand.FROM_100K, 9, 11, [(Scheme.CHC, '1171717')], 'Bartley Green', ['Children and families']),
    ('Hall Green Asian Elders', LegalForm.REGISTERED_CHARITY, IncomeBand.FROM_10K, 1, 20, [(Scheme.CHC, '1012345')], 'Hall Green North', ["Older people's services"]),
    ('Quinton Befriending Scheme', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 27, [], 'Quinton', ["Older people's services", 'Mental health']),
    ('Birmingham Sickle Cell Support', LegalForm.CIO, IncomeBand.FROM_10K, 1, 15, [(Scheme.CHC, '1188776')], 'Soho & Jewellery Quarter', ['Health and wellbeing']),
    ('Midlands Autism Alliance', LegalForm.CHARITABLE_COMPANY, IncomeBand.FROM_1M, 70, 90, [(Scheme.CHC, '1023456'), (Scheme.COH, '02345678')], 'Edgbaston', ['Disability services', 'Children and families']),
    ('West Midlands Homeless Partnership', LegalForm.CHARITABLE_COMPANY, IncomeBand.OVER_10M, 420, 300, [(Scheme.CHC, '1001234'), (Scheme.COH, '01234567')], 'Ladywood', ['Housing and homelessness', 'Mental health']),
    ('Scottish Carers Trust (Midlands branch)', LegalForm.REGISTERED_CHARITY, IncomeBand.FROM_1M, 25, 50, [(Scheme.SC, 'SC012345')], 'Harborne', ["Carers' support"]),
    ('Ulster Irish Community Association', LegalForm.REGISTERED_CHARITY, IncomeBand.FROM_10K, 1, 12, [(Scheme.NIC, '100123')], 'Sparkhill', ['Community development']),
    ('Tyseley Allotment Society', LegalForm.COMMUNITY_BENEFIT, IncomeBand.UNDER_10K, 0, 30, [(Scheme.MPR, '7654')], 'Tyseley & Hay Mills', ['Environment and green spaces']),
    ('Acocks Green Toy Library', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 10, [], 'Acocks Green', ['Children and families']),
    ('Sutton Coldfield Dementia Café', LegalForm.CIO, IncomeBand.FROM_10K, 1, 19, [(Scheme.CHC, '1199887')], 'Sutton Trinity', ["Older people's services", 'Health and wellbeing']),
    ('Alum Rock Sports Foundation', LegalForm.CIC, IncomeBand.FROM_100K, 12, 25, [(Scheme.COH, '13579246')], 'Alum Rock', ['Sport and physical activity']),
    ('Heartlands Domestic Abuse Service', LegalForm.CHARITABLE_COMPANY, IncomeBand.FROM_1M, 38, 15, [(Scheme.CHC, '1112223'), (Scheme.COH, '05556667')], 'Heartlands', ['Domestic abuse']),
    ('Newtown Digital Skills', LegalForm.CLG, IncomeBand.FROM_10K, 2, 5, [(Scheme.COH, '08642097')], 'Newtown', ['Employment and skills']),
    ('Billesley Tenants and Residents', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 11, [], 'Billesley', ['Community development']),
    ('Longbridge Green Energy Co-operative', LegalForm.COOPERATIVE, IncomeBand.FROM_100K, 3, 14, [(Scheme.MPR, '32109R')], 'Longbridge & West Heath', ['Environment and green spaces']),
    ('Brum Care Services Ltd', LegalForm.PRIVATE_COMPANY, IncomeBand.FROM_1M, 120, 0, [(Scheme.COH, '06543210')], 'Bromford & Hodge Hill', ['Adult social care']),
    ('Stirchley Repair Café', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 12, [], 'Stirchley', ['Environment and green spaces']),
    ('Gravelly Hill Parents Forum', LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 7, [], 'Gravelly Hill', ['Children and families']),
    ('Holyhead Youth Theatre', LegalForm.CIO, IncomeBand.FROM_10K, 2, 9, [(Scheme.CHC, '1177665')], 'Holyhead', ['Arts, culture and heritage', 'Youth services']),
    ("Brandwood Veterans' Breakfast Club", LegalForm.UNINCORPORATED, IncomeBand.UNDER_10K, 0, 6, [], "Brandwood & King's Heath", ['Mental health']),
    ('Harborne Counselling Collective', LegalForm.CIC, IncomeBand.FROM_100K, 7, 3, [(Scheme.COH, '11335577')], 'Harborne', ['Mental health']),
]
# fmt: on

# Publishers: name, legal form, identifiers, ward.
PUBLISHERS = [
    ("Birmingham City Council – Adults and Social Care", LegalForm.PUBLIC_BODY, [], "Ladywood"),
    ("NHS Birmingham Community Health Partnership", LegalForm.PUBLIC_BODY, [], "Edgbaston"),
    (
        "Central Birmingham Housing Association",
        LegalForm.COMMUNITY_BENEFIT,
        [(Scheme.MPR, "29876R")],
        "Nechells",
    ),
    (
        "Midlands Prime Services Ltd",
        LegalForm.PRIVATE_COMPANY,
        [(Scheme.COH, "09123456")],
        "Soho & Jewellery Quarter",
    ),
]

CONSORTIUM_MINDED = {
    "Nechells Community Food Co-op": (
        "Volunteers, a warehouse and cold storage in Nechells.",
        "A lead partner with contract management experience for food-poverty contracts.",
    ),
    "Sparkbrook Women's Centre": (
        "Specialist domestic abuse caseworkers speaking Urdu, Punjabi and Somali.",
        "Partners for city-wide bids, especially housing providers.",
    ),
    "West Midlands Homeless Partnership": (
        "Experience leading consortia, quality systems and a finance team.",
        "Small specialist organisations rooted in their communities.",
    ),
    "Perry Barr Refugee Welcome": (
        "Trusted links with refugee communities in the north of the city.",
        "A partner to share back-office costs.",
    ),
    "Midlands Autism Alliance": (
        "Clinical expertise and a training academy.",
        "Local groups running social activities for autistic adults.",
    ),
    "Hall Green Asian Elders": (
        "Day centre space and bilingual volunteers.",
        "A lead organisation for older people's wellbeing contracts.",
    ),
}


def _by_name(model, names):
    for name in names:
        model.objects.get_or_create(slug=slugify(name), defaults={"name": name})


def seed(*, by, site_admin, owners=None):
    """Create the taxonomy and the demo organisations; returns them by name.

    ``by`` registers each organisation and so becomes its administrator,
    except those named in ``owners`` (``{organisation name: user}``).
    """
    owners = owners or {}
    _by_name(ServiceCategory, SERVICE_CATEGORIES)
    _by_name(BeneficiaryGroup, BENEFICIARY_GROUPS)
    categories = {category.name: category for category in ServiceCategory.objects.all()}
    groups = list(BeneficiaryGroup.objects.all())
    wards = {ward.name: ward for ward in Ward.objects.all()}
    created = {}
    for n, (name, form, income, staff, volunteers, numbers, ward, services) in enumerate(
        ORGANISATIONS
    ):
        offer, wanted = CONSORTIUM_MINDED.get(name, ("", ""))
        created[name] = _ensure(
            name,
            by=owners.get(name, by),
            legal_form=form,
            identifiers=numbers,
            ward=wards[ward],
            income_band=income,
            paid_staff=staff,
            volunteers=volunteers,
            description=f"{name} works with people in and around {ward}.",
            service_categories=[categories[c] for c in services],
            beneficiary_groups=[groups[n % len(groups)], groups[(n * 5 + 3) % len(groups)]],
            citywide=income in {IncomeBand.FROM_1M, IncomeBand.OVER_10M},
            wards_served=[]
            if income in {IncomeBand.FROM_1M, IncomeBand.OVER_10M}
            else [wards[ward]],
            living_wage_employer=n % 3 == 0 and staff > 0,
            charter_signatory_since=date(2016 + n % 8, 1 + n % 12, 1) if n % 4 == 0 else None,
            # Signatories and a few others commit to some of the principles (R03).
            charter_principles=CharterPrinciple.values[n % 3 :: 2]
            if n % 4 == 0 or n % 7 == 0
            else [],
            open_to_partnering=bool(offer) or n % 5 == 0,
            partnering_offer=offer,
            partnering_wanted=wanted,
        )
    for name, form, numbers, ward in PUBLISHERS:
        organisation = _ensure(
            name,
            by=owners.get(name, by),
            legal_form=form,
            identifiers=numbers,
            ward=wards[ward],
            description=f"{name} commissions services in Birmingham.",
            citywide=True,
        )
        actions.allow_publishing(organisation=organisation, by=site_admin)
        created[name] = organisation
    return created


def _ensure(name, *, by, **fields):
    existing = Organisation.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return actions.register_organisation(by=by, name=name, **fields)
