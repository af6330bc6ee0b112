"""The authorization matrix: every route × {anonymous, member, representative, coordinator, member of another
org}, with the answer each must get. tests/test_authorization_matrix.py asserts each cell; a route added
without a row here fails `test_every_route_has_a_row`."""
from .factories import World
from .route_matrix_documents import REPORT_AND_AGREEMENT_ROWS
from .route_matrix_exchanges import CATALOGUE_AND_EXCHANGE_ROWS
from .route_matrix_roles import (COORDINATOR_ACTION, COORDINATOR_ONLY, LOGGED_IN_PAGE, LOGIN, ORG_FORM,
                                 OWN_ORG_MANAGER_ACTION, Row, everyone, roles)
from .route_matrix_scenarios import failed_mail, member_notification, unsubscribe_link

# POSTs that need no CSRF token: the one-click unsubscribe (RFC 8058), which a mail reader sends with the
# signed token in the address as its only proof.
# RFC 3161's time-stamp queries (POST /tsa) come from signing tools, with the query as the whole body.
CSRF_EXEMPT = {"accounts.unsubscribe", "certificates.time_stamp"}

MAIL_CHOICES = lambda w: {"exchanges": "daily", "messages": "instant", "agreements": "weekly",  # noqa: E731
                          "network": "off", "weekly_summary": "on", "digest_weekday": "0", "digest_hour": "8"}

MATRIX = [
    Row("main.landing", "GET", lambda w: "/", everyone(200)),
    Row("operations.healthz", "GET", lambda w: "/healthz", everyone(200)),
    Row("operations.readyz", "GET", lambda w: "/readyz", everyone(200)),
    Row("operations.prometheus_metrics", "GET", lambda w: "/metrics", everyone(404)),  # no METRICS_TOKEN set
    Row("static", "GET", lambda w: "/static/css/portal.css", everyone(200)),
    Row("accounts.login", "GET", lambda w: "/login", roles(200, 302, 302, 302, 302)),
    Row("accounts.login", "POST", lambda w: "/login", roles(200, 302, 302, 302, 302),
        data=lambda w: {"email": "nobody@example.org", "password": "wrong password!"}),
    Row("accounts.logout", "POST", lambda w: "/logout", roles(LOGIN, 302, 302, 302, 302)),
    Row("accounts.unlock", "GET", lambda w: "/login/unlock/not-a-token", everyone(410)),
    Row("accounts.unlock", "POST", lambda w: "/login/unlock/not-a-token", everyone(410)),
    Row("accounts.forgot_password", "GET", lambda w: "/password/forgot", everyone(200)),
    Row("accounts.forgot_password", "POST", lambda w: "/password/forgot", everyone(302),
        data=lambda w: {"email": "nobody@example.org"}),
    Row("accounts.accept_invitation", "GET", lambda w: "/invitation/not-a-token", everyone(410)),
    Row("accounts.accept_invitation", "POST", lambda w: "/invitation/not-a-token", everyone(410)),
    Row("accounts.reset_password", "GET", lambda w: "/password/reset/not-a-token", everyone(410)),
    Row("accounts.reset_password", "POST", lambda w: "/password/reset/not-a-token", everyone(410)),
    Row("accounts.profile", "GET", lambda w: "/account", LOGGED_IN_PAGE),
    Row("accounts.profile", "POST", lambda w: "/account", roles(LOGIN, 302, 302, 302, 302),
        data=lambda w: {"name": "Vārds Uzvārds", "position": "", "locale": "lv"}),
    Row("accounts.change_password", "GET", lambda w: "/account/password", LOGGED_IN_PAGE),
    Row("accounts.change_password", "POST", lambda w: "/account/password", LOGGED_IN_PAGE,
        data=lambda w: {"current_password": "not the password", "password": "x", "confirm": "x"}),
    Row("orgs.apply", "GET", lambda w: "/apply", roles(200, 302, 302, 302, 302)),
    Row("orgs.apply", "POST", lambda w: "/apply", roles(200, 302, 302, 302, 302),
        data=lambda w: {"name": ""}),
    Row("orgs.application_sent", "GET", lambda w: "/apply/sent", everyone(200)),
    Row("orgs.directory", "GET", lambda w: "/orgs", everyone(200)),
    Row("orgs.lookup", "GET", lambda w: "/orgs/lookup?q=balt", everyone(200)),
    Row("main.organization", "GET", lambda w: f"/orgs/{w.org.id}", everyone(200), scenario="active org"),
    Row("main.organization", "GET", lambda w: f"/orgs/{w.applicant_org.id}", roles(404, 404, 404, 200, 404),
        scenario="applied org"),
    Row("orgs.edit", "GET", lambda w: f"/orgs/{w.org.id}/edit", roles(LOGIN, 403, 200, 403, 404)),
    Row("orgs.edit", "POST", lambda w: f"/orgs/{w.org.id}/edit", OWN_ORG_MANAGER_ACTION, data=ORG_FORM),
    Row("orgs.people", "GET", lambda w: f"/orgs/{w.org.id}/people", roles(LOGIN, 200, 200, 200, 404)),
    Row("orgs.people", "GET", lambda w: f"/orgs/{w.applicant_org.id}/people", roles(LOGIN, 404, 404, 200, 404),
        scenario="applied org"),
    Row("orgs.invite", "POST", lambda w: f"/orgs/{w.org.id}/people/invite", OWN_ORG_MANAGER_ACTION,
        data=lambda w: {"name": "Jauns Biedrs", "email": "new.person@example.org", "role": "member"}),
    Row("orgs.change_role", "POST", lambda w: f"/orgs/{w.org.id}/people/{w.member.id}/role",
        OWN_ORG_MANAGER_ACTION, data=lambda w: {"role": "representative"}),
    Row("orgs.remove_person", "POST", lambda w: f"/orgs/{w.org.id}/people/{w.member.id}/remove",
        OWN_ORG_MANAGER_ACTION),
    Row("orgs.applications", "GET", lambda w: "/coordination/applications", COORDINATOR_ONLY),
    Row("orgs.application", "GET", lambda w: f"/coordination/applications/{w.applicant_org.id}", COORDINATOR_ONLY),
    Row("orgs.approve", "POST", lambda w: f"/coordination/applications/{w.applicant_org.id}/approve",
        COORDINATOR_ACTION),
    Row("orgs.reject", "POST", lambda w: f"/coordination/applications/{w.applicant_org.id}/reject",
        COORDINATOR_ACTION, data=lambda w: {"reason": "Nav NVO"}),
    Row("orgs.suspend", "GET", lambda w: f"/orgs/{w.org.id}/suspend", COORDINATOR_ONLY),
    Row("orgs.suspend", "POST", lambda w: f"/orgs/{w.org.id}/suspend", COORDINATOR_ACTION,
        data=lambda w: {"reason": "Pārbaude"}),
    Row("orgs.suspend", "POST", lambda w: f"/orgs/{w.org.id}/suspend", roles(LOGIN, 403, 403, 422, 403),
        data=lambda w: {"reason": " "}, scenario="no reason: the page again"),
    Row("orgs.reactivate", "POST", lambda w: f"/orgs/{w.org.id}/reactivate", COORDINATOR_ACTION),
    Row("notifications.inbox", "GET", lambda w: "/notifications", LOGGED_IN_PAGE),
    Row("notifications.mark_read", "POST", lambda w: "/notifications/read", roles(LOGIN, 302, 302, 302, 302)),
    Row("notifications.open_notification", "POST", member_notification, roles(LOGIN, 302, 404, 404, 404)),
    Row("accounts.save_mail_choices", "POST", lambda w: "/account/mail", roles(LOGIN, 302, 302, 302, 302),
        data=MAIL_CHOICES),
    Row("accounts.unsubscribe", "GET", unsubscribe_link, everyone(200)),
    Row("accounts.unsubscribe", "GET", lambda w: "/unsubscribe/WzEsImV4Y2hhbmdlcyJd.forged", everyone(404),
        scenario="forged token"),
    Row("accounts.unsubscribe", "POST", unsubscribe_link, everyone(200),
        data=lambda w: {"List-Unsubscribe": "One-Click"}),
    Row("accounts.unsubscribe", "POST", lambda w: "/unsubscribe/WzEsImV4Y2hhbmdlcyJd.forged", everyone(404),
        data=lambda w: {"List-Unsubscribe": "One-Click"}, scenario="forged token"),
    Row("coordination.audit_log", "GET", lambda w: "/coordination/audit", COORDINATOR_ONLY),
    Row("coordination.audit_csv", "GET", lambda w: "/coordination/audit.csv", COORDINATOR_ONLY),
    Row("coordination.mail", "GET", lambda w: "/coordination/mail", COORDINATOR_ONLY),
    Row("reports.network_statistics", "GET", lambda w: "/coordination/statistics?period=quarter&at=2025-10",
        COORDINATOR_ONLY),
    Row("coordination.send_mail_again", "POST", lambda w: f"/coordination/mail/{failed_mail(w)}/send-again",
        COORDINATOR_ACTION),
]
MATRIX += CATALOGUE_AND_EXCHANGE_ROWS
MATRIX += REPORT_AND_AGREEMENT_ROWS


# ---------------------------------------------------------------- the account page's API tokens

def member_token_id(w: World) -> int:
    """A token of org B's member: only they may revoke it."""
    from portal.api import services as api_tokens
    from portal.extensions import db

    cache = w.__dict__.setdefault("_member_token", [])
    if not cache:
        cache.append(api_tokens.create_token(w.member, name="Mājaslapa", scope="read", expires_in_days=30).token.id)
        db.session.commit()
    return cache[0]


MATRIX += [
    Row("api.tokens", "GET", lambda w: "/account/tokens", LOGGED_IN_PAGE),
    Row("api.tokens", "POST", lambda w: "/account/tokens", LOGGED_IN_PAGE,
        data=lambda w: {"name": "Mājaslapa", "scope": "read", "expires_in_days": "30"}),
    Row("api.revoke", "POST", lambda w: f"/account/tokens/{member_token_id(w)}/revoke",
        roles(LOGIN, 302, 404, 404, 404)),
]


# ---------------------------------------------------------------- an organization's webhooks

def webhook_id(w: World) -> int:
    """A webhook of org B (to an address the portal would refuse to call: nothing leaves the test)."""
    from portal.api.models import Webhook
    from portal.extensions import db

    cache = w.__dict__.setdefault("_webhook", [])
    if not cache:
        hook = Webhook(org_id=w.org.id, url="https://192.0.2.10/hook", events="exchange.requested",
                       secret="whsec_matrix", created_by_id=w.representative.id)
        db.session.add(hook)
        db.session.commit()
        cache.append(hook.id)
    return cache[0]


WEBHOOK_MANAGER_PAGE = roles(LOGIN, 403, 200, 403, 404)
WEBHOOK_MANAGER_ACTION = roles(LOGIN, 403, 302, 403, 404)

MATRIX += [
    Row("api.org_webhooks", "GET", lambda w: f"/orgs/{w.org.id}/webhooks", WEBHOOK_MANAGER_PAGE),
    Row("api.org_webhooks", "POST", lambda w: f"/orgs/{w.org.id}/webhooks", WEBHOOK_MANAGER_PAGE,
        data=lambda w: {"url": "https://192.0.2.10/hook", "events": ["exchange.requested"]}),
    Row("api.test_webhook", "POST", lambda w: f"/orgs/{w.org.id}/webhooks/{webhook_id(w)}/test",
        WEBHOOK_MANAGER_ACTION),
    Row("api.remove_webhook", "POST", lambda w: f"/orgs/{w.org.id}/webhooks/{webhook_id(w)}/remove",
        WEBHOOK_MANAGER_ACTION),
]
