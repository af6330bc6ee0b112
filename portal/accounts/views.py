from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit.services import record
from ..extensions import csrf, limiter
from ..forms import EmptyForm
from ..mail import preferences
from ..transaction import attempt
from . import mail_choices, services
from .auth import end_session, start_session
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, MailChoicesForm, ProfileForm, SetPasswordForm
from .models import INVITATION, PASSWORD_RESET, UNLOCK

bp = Blueprint("accounts", __name__)


def _login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_failure_rate_limit():
    return current_app.config["LOGIN_FAILURE_RATE_LIMIT"]


def _failed(response) -> bool:
    """A login form shown again (not a redirect): a failed attempt, counted against the address."""
    return response.status_code == 200 and request.method == "POST"


REFUSALS = {
    "pending": lambda org: _("The password is right, but the application of %(org)s is still waiting for the "
                             "coordinators' decision. You will get an e-mail as soon as it is decided.", org=org.name),
    "rejected": lambda org: _("The application of %(org)s was not approved: %(reason)s", org=org.name,
                              reason=org.decision_reason or "—"),
    "removed": lambda org: _("Your account in %(org)s has been closed. Ask its representative to invite you "
                             "again.", org=org.name),
}


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything else (another host, a scheme, //host) goes home."""
    if not target:
        return url_for("main.landing")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("main.landing")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_failure_rate_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.landing"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            start_session(result.user)
            flash(_("Welcome, %(name)s!", name=result.user.name), "success")
            return redirect(safe_next(request.args.get("next")))
        if result.refusal:
            form.form_errors.append(REFUSALS[result.refusal](result.account.org))
        else:
            form.form_errors.append(_("Wrong e-mail or password."))
            form.password.errors = [*form.password.errors, _("Type the password again.")]
    return render_template("accounts/login.html", form=form,
                           pause_minutes=int(current_app.config["LOGIN_LOCK_DURATION"].total_seconds() // 60))


@bp.route("/login/unlock/<token>", methods=["GET", "POST"])
def unlock(token):
    """The link e-mailed when wrong passwords paused an account: its owner gets in at once (one click)."""
    if services.find_token(token, UNLOCK) is None:
        return render_template("accounts/link_invalid.html"), 410
    form = EmptyForm()
    if form.validate_on_submit():
        unlocked = attempt(lambda: services.redeem_unlock_link(token))
        if unlocked:
            start_session(unlocked.value)
            flash(_("Welcome, %(name)s! Password checks work again.", name=unlocked.value.name), "success")
            return redirect(url_for("main.landing"))
    return render_template("accounts/unlock.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        current_user.end_all_sessions()
        record("auth.logout", actor=current_user._get_current_object())
        end_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.landing"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account with this e-mail exists, a link to set a new password is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


def _set_password_page(token: str, purpose: str, template: str):
    found = services.find_token(token, purpose)
    if found is None:
        return render_template("accounts/link_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        redeemed = attempt(lambda: services.redeem_token(token, purpose, form.password.data), form=form,
                           field="password")
        if redeemed:
            start_session(redeemed.value)
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(url_for("main.organization", org_id=redeemed.value.org_id))
    return render_template(template, form=form, person=found.user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    return _set_password_page(token, INVITATION, "accounts/accept_invitation.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _set_password_page(token, PASSWORD_RESET, "accounts/reset_password.html")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_own_profile(current_user, form.name.data, form.position.data or "", form.locale.data)
        session["lang"] = current_user.locale
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, mail_form=_mail_form())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit(check=lambda: services.check_password_change(
            current_user, **form.values("current_password", new_password="password"))):
        if attempt(lambda: services.change_password(current_user, form.current_password.data,
                                                    form.password.data), form=form, field="current_password"):
            # This browser stays logged in; every other session has ended.
            start_session(current_user._get_current_object())
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)



def _mail_form(form=None) -> MailChoicesForm:
    return form or MailChoicesForm(data=MailChoicesForm.initial(current_user))


@bp.post("/account/mail")
@login_required
def save_mail_choices():
    form = MailChoicesForm()
    if form.validate_on_submit():
        attempt(lambda: mail_choices.set_mail_choices(current_user, {f.name: f.data for f in form.kind_fields()},
                                                      weekly=form.weekly_choice()),
                success=_("Your e-mail choices are saved."))
        return redirect(url_for("accounts.profile") + "#mail")
    return render_template("accounts/profile.html", form=ProfileForm(obj=current_user), mail_form=_mail_form(form))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail reader POSTs "List-Unsubscribe=One-Click" here; the signed token is the proof
def unsubscribe(token):
    """The link in each mail: a page with one button (a GET changes nothing, for link checkers), and the
    one-click POST that mail readers send."""
    found = mail_choices.person_of_token(token)
    if found is None:
        return render_template("accounts/unsubscribe.html", invalid=True), 404
    person, scope = found
    if request.method == "POST":
        result = mail_choices.unsubscribe(token)
        kinds = [preferences.label(c) for c in preferences.scope_categories(person, scope)] \
            if scope in preferences.CATEGORIES else [preferences.label(c) for c in result.stopped]
        return render_template("accounts/unsubscribe.html", done=True, person=person, scope=scope, kinds=kinds,
                               stopped=result.stopped)
    kinds = [preferences.label(c) for c in preferences.scope_categories(person, scope)]
    return render_template("accounts/unsubscribe.html", person=person, scope=scope, kinds=kinds)
