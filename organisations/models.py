from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
