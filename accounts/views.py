from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts import actions, forms
from organisations.queries import wards_represented_by
from portal import ratelimit
from portal.authorization import Role, held_roles


class SignInView(auth_views.LoginView):
    form_class = forms.SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "form_page.html"
    extra_context = {"heading": _("Change your password")}

    def form_valid(self, form):
        user = form.save()
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect("accounts:profile")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "form_page.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {
        "site_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
    extra_context = {
        "heading": _("Reset your password"),
        "lead": _(
            "Enter the email address you use to sign in. We will send you a link to "
            "choose a new password."
        ),
    }

    def form_valid(self, form):
        # Counted for every address typed, with an account or not, so the
        # limit says nothing about who has one.
        email = form.cleaned_data["email"].strip().lower()
        if refused := ratelimit.limit(
            self.request, "password-reset", value=email, **ratelimit.PASSWORD_RESETS
        ):
            return refused
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed. Sign in with it now."))
        return response


@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refused := ratelimit.limit(request, "registration", **ratelimit.REGISTRATIONS):
            return refused
        actions.register_user(
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        request.session["registered_email"] = form.cleaned_data["email"]
        return redirect("accounts:check_email")
    return render(
        request,
        "accounts/register.html",
        {"form": form},
    )


@require_http_methods(["GET", "HEAD"])
def check_email(request):
    return render(
        request, "accounts/check_email.html", {"email": request.session.get("registered_email")}
    )


@require_http_methods(["GET", "HEAD"])
def confirm_email(request, token):
    try:
        actions.confirm_email(token=token)
    except actions.ConfirmationLinkError as error:
        return render(
            request, "accounts/confirm_failed.html", {"expired": error.expired}, status=400
        )
    messages.success(request, _("Your email address is confirmed. You can now sign in."))
    return redirect("accounts:login")


@require_http_methods(["GET", "HEAD", "POST"])
def resend_confirmation(request):
    form = forms.ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.resend_confirmation(email=form.cleaned_data["email"])
        request.session["registered_email"] = form.cleaned_data["email"]
        return redirect("accounts:check_email")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Send the confirmation link again"),
            "lead": _(
                "If the address has an account that is not confirmed yet, we will send "
                "it a new link. Links work for 3 days."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    form = forms.ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        actions.update_profile(
            user=request.user, full_name=form.cleaned_data["full_name"], by=request.user
        )
        messages.success(request, _("Your name has been saved."))
        return redirect("accounts:profile")
    roles = held_roles(request.user)
    wards = wards_represented_by(request.user) if Role.COUNCILLOR in roles else []
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "roles": roles, "wards": wards},
    )
