from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from organisations.identifiers import Scheme
from portal.batch import SendFailures


class Ward(models.Model):
    """An electoral ward, identified by its ONS GSS code (E05…).

    Wards describe where organisations work and are reused by opportunities,
    councillors and social value returns.
    """

    gss_code = models.CharField(_("GSS code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gss_code__regex=r"^E05[0-9]{6}$"),
                name="organisations_ward_gss_code_format",
            ),
        ]

    def __str__(self):
        return self.name


class Councillor(models.Model):
    """An elected member and the wards they represent.

    Linked to a user account when the councillor signs in to the portal.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="councillor",
        verbose_name=_("user account"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    party = models.CharField(_("party"), max_length=100, blank=True)
    wards = models.ManyToManyField(Ward, related_name="councillors", verbose_name=_("wards"))

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("councillor")
        verbose_name_plural = _("councillors")

    def __str__(self):
        return f"Cllr {self.full_name}"


class ServiceCategory(models.Model):
    """What a service is for: one taxonomy shared by organisations and opportunities."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self):
        return self.name


class BeneficiaryGroup(models.Model):
    """Who an organisation's work is for (older people, carers, refugees…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("beneficiary group")
        verbose_name_plural = _("beneficiary groups")

    def __str__(self):
        return self.name


class Sector(models.TextChoices):
    THIRD = "third", _("Third sector")
    PRIVATE = "private", _("Private sector")
    PUBLIC = "public", _("Public sector")


class LegalForm(models.TextChoices):
    REGISTERED_CHARITY = "registered_charity", _("Registered charity")
    CIO = "cio", _("Charitable incorporated organisation")
    CHARITABLE_COMPANY = "charitable_company", _("Charitable company")
    CIC = "cic", _("Community interest company")
    CLG = "clg", _("Company limited by guarantee")
    COOPERATIVE = "cooperative", _("Co-operative society")
    COMMUNITY_BENEFIT = "community_benefit", _("Community benefit society")
    UNINCORPORATED = "unincorporated", _("Unincorporated association or community group")
    FAITH_GROUP = "faith_group", _("Faith group")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Other social enterprise")
    PRIVATE_COMPANY = "private_company", _("Private company")
    PUBLIC_BODY = "public_body", _("Public body")

    @property
    def sector(self):
        """The sector this legal form puts an organisation in."""
        if self is LegalForm.PRIVATE_COMPANY:
            return Sector.PRIVATE
        if self is LegalForm.PUBLIC_BODY:
            return Sector.PUBLIC
        return Sector.THIRD


class IncomeBand(models.TextChoices):
    """Annual income, in NCVO's size bands."""

    UNDER_10K = "under_10k", _("Under £10,000")
    FROM_10K = "10k_100k", _("£10,000 to £100,000")
    FROM_100K = "100k_1m", _("£100,000 to £1 million")
    FROM_1M = "1m_10m", _("£1 million to £10 million")
    OVER_10M = "over_10m", _("Over £10 million")


class SizeClass(models.TextChoices):
    """NCVO's size classes, derived from the income band."""

    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")
    MAJOR = "major", _("Major")


SIZE_CLASS_FOR_INCOME = {
    IncomeBand.UNDER_10K: SizeClass.MICRO,
    IncomeBand.FROM_10K: SizeClass.SMALL,
    IncomeBand.FROM_100K: SizeClass.MEDIUM,
    IncomeBand.FROM_1M: SizeClass.LARGE,
    IncomeBand.OVER_10M: SizeClass.MAJOR,
}

# Seed 000, 1.4.12: a small organisation also means fewer than 10 paid staff.
SMALL_ORGANISATION_MAX_STAFF = 9


class CharterPrinciple(models.TextChoices):
    """The Birmingham Business Charter for Social Responsibility's principles (seed 000, R03)."""

    LOCAL_EMPLOYMENT = "local_employment", _("Local employment")
    BUY_LOCAL = "buy_local", _("Buy local first")
    PARTNERS_IN_COMMUNITIES = "partners_in_communities", _("Partners in communities")
    GOOD_EMPLOYER = "good_employer", _("Good employer")
    GREEN = "green", _("Green and sustainable")
    ETHICAL_PROCUREMENT = "ethical_procurement", _("Ethical procurement")


class OrganisationQuerySet(models.QuerySet):
    def with_directory_relations(self):
        """Everything a directory row or profile shows, in a fixed number of queries."""
        return self.select_related("ward").prefetch_related(
            "service_categories", "identifiers", "wards_served"
        )


class Organisation(models.Model):
    """An organisation in the registry: described once, read by every bid and alert."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    description = models.TextField(_("what the organisation does"), max_length=5000, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="based_organisations",
        verbose_name=_("ward the organisation is based in"),
    )

    income_band = models.CharField(
        _("annual income"), max_length=20, choices=IncomeBand.choices, blank=True
    )
    paid_staff = models.PositiveIntegerField(_("paid staff"), null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("volunteers"), null=True, blank=True)

    service_categories = models.ManyToManyField(
        ServiceCategory, blank=True, related_name="organisations", verbose_name=_("services")
    )
    beneficiary_groups = models.ManyToManyField(
        BeneficiaryGroup, blank=True, related_name="organisations", verbose_name=_("who it helps")
    )
    communities_served = models.CharField(_("communities served"), max_length=500, blank=True)
    languages = models.CharField(_("languages services are offered in"), max_length=500, blank=True)
    citywide = models.BooleanField(_("works across the whole city"), default=False)
    wards_served = models.ManyToManyField(
        Ward, blank=True, related_name="organisations_serving", verbose_name=_("wards served")
    )

    charter_signatory_since = models.DateField(
        _("Business Charter for Social Responsibility signatory since"), null=True, blank=True
    )
    charter_principles = models.JSONField(
        _("Charter principles committed to"),
        default=list,
        blank=True,
        help_text=_("Codes from CharterPrinciple; any organisation, signatory or not, may commit."),
    )
    living_wage_employer = models.BooleanField(_("living wage employer"), default=False)

    open_to_partnering = models.BooleanField(_("open to partnering"), default=False)
    partnering_offer = models.TextField(
        _("what it brings to a partnership"), max_length=2000, blank=True
    )
    partnering_wanted = models.TextField(
        _("what it looks for in partners"), max_length=2000, blank=True
    )

    publishing_allowed_at = models.DateTimeField(_("allowed to publish"), null=True, blank=True)
    publishing_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # PostgreSQL also has trigram indexes for the directory's search (migration
        # 0004); they are not declared here because SQLite has none.
        indexes = [
            models.Index(Lower("name"), name="organisation_name_lower"),
            # The filter forms' list of publishers (``publishing_allowed_at`` set, by
            # name): some 40 among tens of thousands of organisations.
            models.Index(
                fields=["name"],
                name="organisation_publishers",
                condition=models.Q(publishing_allowed_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def sector(self):
        return LegalForm(self.legal_form).sector

    @property
    def size_class(self):
        return SIZE_CLASS_FOR_INCOME.get(self.income_band)

    @property
    def is_small(self):
        """Micro or small by income, or fewer than 10 paid staff (seed 000, 1.4.12)."""
        if self.size_class in {SizeClass.MICRO, SizeClass.SMALL}:
            return True
        return self.paid_staff is not None and self.paid_staff <= SMALL_ORGANISATION_MAX_STAFF

    @property
    def can_publish(self):
        return self.publishing_allowed_at is not None

    @property
    def charter_principle_labels(self):
        """The Charter principles committed to, in the Charter's order, in words."""
        chosen = set(self.charter_principles or ())
        return [label for value, label in CharterPrinciple.choices if value in chosen]

    @property
    def is_charter_signatory(self):
        return self.charter_signatory_since is not None


class Identifier(models.Model):
    """A register number (charity, company, mutual) that identifies an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(_("register"), max_length=10, choices=Scheme.choices)
    value = models.CharField(_("number"), max_length=20)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scheme", "value"]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"], name="identifier_unique_in_registry"
            ),
            models.UniqueConstraint(
                fields=["organisation", "scheme"], name="identifier_one_per_scheme"
            ),
        ]

    def __str__(self):
        return self.org_id

    @property
    def org_id(self):
        """``GB-CHC-1123456``: the value is stored normalised by the actions."""
        return f"{self.scheme}-{self.value}"

    @property
    def is_verified(self):
        return self.verified_at is not None


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A person's place in an organisation: administrator or member."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == MembershipRole.ADMIN


class Invitation(models.Model):
    """An emailed invitation to join an organisation; the link is signed and expires."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.withdrawn_at is None


class KeyContact(models.Model):
    """A named contact (chief officer, bid lead…), public or for members only."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="key_contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    is_public = models.BooleanField(_("show to everyone"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.role}"


class DocumentKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", _("Safeguarding policy")
    EQUALITY = "equality", _("Equality and diversity policy")
    HEALTH_SAFETY = "health_safety", _("Health and safety policy")
    DATA_PROTECTION = "data_protection", _("Data protection policy")
    INSURANCE = "insurance", _("Insurance certificate")
    ACCOUNTS = "accounts", _("Annual accounts")
    OTHER = "other", _("Other document")


class Document(SendFailures, models.Model):
    """A policy, certificate or set of accounts, with its expiry date where it has one.

    Files are served only through a view that checks access. An expiry reminder
    that failed to send is recorded on it (``SendFailures``).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type of document"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="organisations/documents/%Y/%m/")
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When the expiry reminders went out; set atomically so each is sent once.
    reminded_30_days_at = models.DateTimeField(null=True, blank=True)
    reminded_7_days_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title


class AuditEvent(models.Model):
    """Who changed what about an organisation, and when: its profile, identifiers,
    verification, key contacts, documents, members and publishing rights."""

    class Action(models.TextChoices):
        IDENTIFIER_ADDED = "identifier_added", _("Identifier added")
        IDENTIFIER_CHANGED = "identifier_changed", _("Identifier changed")
        IDENTIFIER_REMOVED = "identifier_removed", _("Identifier removed")
        IDENTIFIER_VERIFIED = "identifier_verified", _("Identifier verified")
        MEMBER_INVITED = "member_invited", _("Member invited")
        MEMBER_JOINED = "member_joined", _("Member joined")
        MEMBER_ROLE_CHANGED = "member_role_changed", _("Member's role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        MEMBER_LEFT = "member_left", _("Member left")
        PUBLISHING_ALLOWED = "publishing_allowed", _("Allowed to publish")
        PUBLISHING_WITHDRAWN = "publishing_withdrawn", _("Publishing withdrawn")
        REGISTERED = "registered", _("Organisation registered")
        PROFILE_CHANGED = "profile_changed", _("Profile changed")
        CONTACT_ADDED = "contact_added", _("Key contact added")
        CONTACT_CHANGED = "contact_changed", _("Key contact changed")
        CONTACT_REMOVED = "contact_removed", _("Key contact removed")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_events"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} – {self.organisation}"
