"""Sign-in, registration, password reset, invitations and the profile page."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import registration, services
from app.accounts.blueprint import bp
from app.accounts.forms import (
    AcceptInvitationForm,
    ActionForm,
    ChangePasswordForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    VendorRegistrationForm,
)
from app.core.web import commit_or_flash, safe_next_url
from app.extensions import db, limiter

LOGIN_FAILED = (
    "That e-mail address and password did not match an active account. "
    "After several failed attempts, sign-in is paused for a few minutes."
)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("core.dashboard"))
        form.form_errors.append(LOGIN_FAILED)
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        logout_user()
        commit_or_flash(lambda: services.sign_out(user), "You have signed out on every device.")
    return redirect(url_for("core.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = VendorRegistrationForm()
    if form.validate_on_submit():
        # One answer whatever exists (an account with the address, a vendor with the tax ID): the
        # address's owner learns the rest by e-mail.
        if commit_or_flash(lambda: registration.request_vendor_registration(
                legal_name=form.legal_name.data, tax_id=form.tax_id.data, state=form.state.data,
                address_line1=form.address_line1.data, address_line2=form.address_line2.data, city=form.city.data,
                postal_code=form.postal_code.data, is_small_business=form.is_small_business.data,
                is_minority_owned=form.is_minority_owned.data, is_women_owned=form.is_women_owned.data,
                is_veteran_owned=form.is_veteran_owned.data, admin_name=form.admin_name.data,
                admin_email=form.email.data, password=form.password.data), form=form):
            return redirect(url_for("accounts.registration_sent"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/sent")
def registration_sent():
    return render_template("accounts/registration_sent.html", hours=current_app.config["REGISTRATION_LINK_HOURS"])


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    request_ = registration.usable_registration(token)
    if request_ is None:
        return render_template("accounts/link_invalid.html", what="registration link"), 400
    if current_user.is_authenticated:
        flash("Sign out first to register another vendor.", "warning")
        return redirect(url_for("core.dashboard"))
    if ActionForm().validate_on_submit():
        done = commit_or_flash(lambda: registration.confirm_vendor_registration(token))
        if done and done.value is not None:
            login_user(done.value)
            flash(f"Welcome to CoopBid. {done.value.organization.name} is registered.", "success")
            return redirect(url_for("core.dashboard"))
        if done:
            return render_template("accounts/confirm_registration.html", request=request_, taken=True)
        return redirect(url_for("accounts.register"))
    return render_template("accounts/confirm_registration.html", request=request_, token=token, taken=False)


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash("If that address belongs to an account, we have sent it a link to reset the "
              "password. The link works once, within an hour.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.usable_reset_token(token) is None:
        return render_template("accounts/link_invalid.html", what="password reset link"), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.reset_password(token, form.password.data),
                           "Your password has been changed. Sign in with the new one.", form=form):
            logout_user()
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = services.usable_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", what="invitation"), 400
    if current_user.is_authenticated:
        flash("Sign out first to accept an invitation for another account.", "warning")
        return redirect(url_for("core.dashboard"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        done = commit_or_flash(lambda: services.accept_invitation(token, name=form.name.data,
                                                                  password=form.password.data),
                               lambda user: f"Welcome to {user.organization.name} on CoopBid.", form=form)
        if done:
            login_user(done.value)
            return redirect(url_for("core.dashboard"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    profile_form = ProfileForm(obj=current_user, prefix="profile")
    password_form = ChangePasswordForm(prefix="password")
    if profile_form.submit.data and profile_form.validate_on_submit():
        services.update_profile(current_user, name=profile_form.name.data, title=profile_form.title.data)
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("accounts.profile"))
    if password_form.submit.data and password_form.validate_on_submit():
        if commit_or_flash(lambda: services.change_password(current_user, password_form.current_password.data,
                                                            password_form.password.data),
                           "Password changed. Other sessions have been signed out.", form=password_form):
            login_user(current_user)  # the session token rotated; keep this session
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", profile_form=profile_form,
                           password_form=password_form)
