"""The audit log as people read it: each event's action and outcome named in the reader's language, who,
which organization and which object as names with links, and the details as short sentences, never codes,
JSON or bare ids. Used by the coordinators' page and its CSV; the events themselves are unchanged."""
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.dates import get_day_names
from flask import url_for
from flask_babel import format_currency, get_locale, lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..agreements.models import Agreement
from ..certificates.models import CertificateAuthority, OrgCertificate
from ..exchanges.confirmations import OUTCOME_LABELS, STATE_LABELS as CONFIRMATION_LABELS
from ..exchanges.models import Exchange
from ..extensions import db
from ..mail.models import OutboxMessage
from ..mail.preferences import CATEGORY_LABELS, FREQUENCY_LABELS, OFF, SUMMARY, SUMMARY_LABEL
from ..orgs.models import Organization
from ..resources.models import Need, Resource

ACTIONS = {
    "auth.login": _l("Logging in"),
    "auth.logout": _l("Logging out"),
    "auth.reset_requested": _l("Password reset asked for"),
    "auth.password_refused": _l("Wrong password"),
    "auth.paused": _l("Password checks paused after wrong passwords"),
    "auth.password_set": _l("Password set"),
    "auth.password_changed": _l("Password changed"),
    "access.refused": _l("Action not allowed for the role"),
    "access.hidden": _l("Attempt to open another organization’s object"),
    "org.applied": _l("Membership application"),
    "org.approved": _l("Application approved"),
    "org.rejected": _l("Application rejected"),
    "org.suspended": _l("Organization suspended"),
    "org.reactivated": _l("Organization reactivated"),
    "org.profile_updated": _l("Organization profile changed"),
    "org.created_as_coordinating": _l("Coordinating organization created"),
    "person.invited": _l("Person invited"),
    "person.role_changed": _l("Role changed"),
    "person.removed": _l("Person removed"),
    "person.profile_updated": _l("Own profile changed"),
    "person.mail_choices": _l("Mail choices changed"),
    "person.unsubscribed": _l("Unsubscribed from mail"),
    "person.coordinator_created": _l("Coordinator account created"),
    "resource.published": _l("Resource published"),
    "resource.updated": _l("Resource changed"),
    "resource.active": _l("Resource activated"),
    "resource.paused": _l("Resource paused"),
    "resource.archived": _l("Resource archived"),
    "resource.photo_added": _l("Photo added"),
    "resource.photo_removed": _l("Photo removed"),
    "need.published": _l("Need published"),
    "need.updated": _l("Need changed"),
    "need.active": _l("Need activated"),
    "need.paused": _l("Need paused"),
    "need.archived": _l("Need archived"),
    "exchange.requested": _l("Exchange requested"),
    "exchange.accepted": _l("Exchange accepted"),
    "exchange.declined": _l("Exchange declined"),
    "exchange.withdrawn": _l("Request withdrawn"),
    "exchange.cancelled": _l("Exchange cancelled"),
    "exchange.completed": _l("Exchange completed"),
    "exchange.feedback": _l("What happened in an exchange confirmed"),
    "exchange.disputed": _l("Exchange disputed: the two sides’ accounts differ"),
    "exchange.resolved": _l("Disputed exchange settled by a coordinator"),
    "exchange.message": _l("Message in an exchange"),
    "exchange.condition": _l("Condition recorded"),
    "calendar.renewed": _l("Calendar address renewed"),
    "volunteer_hours.added": _l("Volunteer hours entered by hand"),
    "volunteer_hours.removed": _l("Hand-entered volunteer hours removed"),
    "project.created": _l("Project added"),
    "project.changed": _l("Project changed"),
    "project.archived": _l("Project archived"),
    "project.restored": _l("Project restored"),
    "exchange.tagged": _l("Exchange tagged with a project"),
    "exchange.untagged": _l("Exchange untagged from a project"),
    "agreement.drafted": _l("Agreement drafted"),
    "agreement.edited": _l("Agreement draft changed"),
    "agreement.signatory": _l("Signatory chosen"),
    "agreement.comment": _l("Comment on a draft"),
    "agreement.submitted": _l("Agreement submitted for approval"),
    "agreement.returned": _l("Agreement returned to draft"),
    "agreement.approved": _l("Agreement approved"),
    "agreement.certified": _l("Signing copy certified"),
    "agreement.signed": _l("Agreement signed"),
    "agreement.in_force": _l("Agreement in force"),
    "agreement.replaced": _l("Agreement replaced by an amendment"),
    "agreement.terminated": _l("Agreement terminated"),
    "agreement.expired": _l("Agreement expired"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.retired": _l("Certificate retired"),
    "ca.created": _l("Network certificate authority created"),
    "ca.loaded": _l("Network certificate authority loaded"),
    "mail.sent_again": _l("Mail handed back to the sender"),
    "demo.org_loaded": _l("Demo organization loaded"),
}
OUTCOMES = {"ok": _l("done"), "refused": _l("refused")}
GROUPS = {"auth": _l("Logins and passwords"), "access": _l("Refusals"), "org": _l("Organizations"),
          "person": _l("People"), "resource": _l("Resources"), "need": _l("Needs"), "exchange": _l("Exchanges"),
          "calendar": _l("Exchanges"), "agreement": _l("Agreements"), "certificate": _l("Certificates"),
          "ca": _l("Certificates"), "mail": _l("Mail"), "demo": _l("Demo data"),
          "volunteer_hours": _l("Reports"), "project": _l("Reports")}

REASONS = {  # codes some events give as their reason
    "unknown": _l("no account with this e-mail"), "paused": _l("password checks paused"),
    "password": _l("wrong password"), "pending": _l("the application still waits"),
    "rejected": _l("the application was rejected"), "removed": _l("the account was closed"),
    "rotated": _l("replaced by a new certificate"),
}
PURPOSES = {"login": _l("at login"), "signing": _l("when signing"), "password_change": _l("when changing the password")}
ROLES = {"member": _l("member"), "representative": _l("representative")}
STAGES = {"handover": _l("hand-over"), "return": _l("return")}
ORG_FIELDS = {"name": _l("Name of the organization"), "legal_form": _l("Legal form"),
              "registration_number": _l("Registration number"), "legal_address": _l("Legal address"),
              "municipality": _l("Municipality"), "email": _l("E-mail"), "phone": _l("Phone"),
              "website": _l("Website"), "description": _l("What the organization does")}
SIGNING = {"portal": _l("in the portal"), "external": _l("with an own e-signature")}


@dataclass
class Link:
    text: str
    url: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Described:
    event: object
    action: str
    outcome: str
    refused: bool
    who: Link | None
    org: Link | None
    obj: Link | None
    details: list[tuple[str, list]] = field(default_factory=list)  # (label, [str | Link, ...])

    def details_text(self) -> str:
        return " ".join(f"{label}: {', '.join(str(part) for part in parts)}." for label, parts in self.details)


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def action_choices(codes) -> list[tuple[str, list[tuple[str, str]]]]:
    """The actions present in the log, grouped by area and named, for the filter."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in codes:
        groups.setdefault(str(GROUPS.get(code.partition(".")[0], _l("Other"))), []).append((code, action_label(code)))
    return [(group, sorted(items, key=lambda item: item[1])) for group, items in groups.items()]


def _person(user: User | None) -> Link | None:
    if user is None:
        return None
    return Link(user.name or user.email, url_for("orgs.people", org_id=user.org_id))


def _org(org: Organization | None) -> Link | None:
    return Link(org.name, url_for("main.organization", org_id=org.id)) if org is not None else None


def _load(events, parsed) -> dict:
    """Every object the events name, loaded once per kind: {(type name, id): object}."""
    models = {"Agreement": Agreement, "Exchange": Exchange, "Organization": Organization, "User": User,
              "Resource": Resource, "Need": Need, "OrgCertificate": OrgCertificate, "OutboxMessage": OutboxMessage,
              "CertificateAuthority": CertificateAuthority}
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_type in models and e.object_id is not None:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
        for key, kind in (("parties", "Organization"), ("signatory", "User"), ("resource_id", "Resource"),
                          ("by", "Agreement")):
            for value in _as_list(parsed[e.id].get(key)):
                if isinstance(value, int):
                    wanted.setdefault(kind, set()).add(value)
    found = {}
    for kind, ids in wanted.items():
        model = models[kind]
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(kind, row.id)] = row
    return found


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _object_link(kind: str, obj) -> Link:
    if kind == "Agreement":
        text = _l("agreement “%(title)s” No. %(number)s", title=obj.title, number=obj.number) if obj.number \
            else _l("agreement “%(title)s”", title=obj.title)
        return Link(str(text), url_for("agreements.detail", agreement_id=obj.id))
    if kind == "Exchange":
        return Link(str(_l("exchange “%(title)s”", title=obj.resource.title)),
                    url_for("exchanges.detail", exchange_id=obj.id))
    if kind == "Organization":
        return _org(obj)
    if kind == "User":
        return _person(obj)
    if kind == "Resource":
        return Link(str(_l("resource “%(title)s”", title=obj.title)), url_for("resources.resource", entry_id=obj.id))
    if kind == "Need":
        return Link(str(_l("need “%(title)s”", title=obj.title)), url_for("resources.need", entry_id=obj.id))
    if kind == "OrgCertificate":
        return Link(str(_l("certificate %(fingerprint)s…", fingerprint=obj.fingerprint[:16])),
                    url_for("coordination.certificates"))
    if kind == "OutboxMessage":
        return Link(str(_l("mail to %(recipient)s", recipient=obj.recipient)), url_for("coordination.mail"))
    return Link(str(_l("the network certificate authority")), url_for("coordination.certificates"))


def _money(value) -> str | None:
    try:
        return format_currency(Decimal(str(value)), "EUR")
    except (InvalidOperation, ValueError):
        return None


def _details(e, d: dict, objects) -> list[tuple[str, list]]:
    out: list[tuple[str, list]] = []

    def add(label, *parts):
        parts = [p for p in parts if p not in (None, "")]
        if parts:
            out.append((str(label), [p if isinstance(p, Link) else str(p) for p in parts]))

    reason = d.get("reason")
    add(_l("Reason"), REASONS.get(reason, reason) if isinstance(reason, str) else None)
    add(_l("Comment"), d.get("comment"))
    if d.get("purpose") in PURPOSES:
        add(_l("Where"), PURPOSES[d["purpose"]])
    add(_l("E-mail"), d.get("email"))
    if d.get("role") in ROLES:
        add(_l("Role"), ROLES[d["role"]])
    if e.action == "agreement.signed":
        add(_l("Position"), d.get("position"))
        add(_l("Signed"), SIGNING.get(d.get("method"), d.get("method")))
    elif d.get("method") and d.get("path"):
        add(_l("Page"), f"{d['method']} {d['path']}")
    add(_l("Parties"), *[_object_link("Organization", objects[("Organization", i)]) for i in _as_list(d.get("parties"))
                         if ("Organization", i) in objects])
    if ("User", d.get("signatory")) in objects:
        add(_l("Signatory"), _person(objects[("User", d["signatory"])]))
    if ("Resource", d.get("resource_id")) in objects and e.object_type != "Resource":
        add(_l("Resource"), _object_link("Resource", objects[("Resource", d["resource_id"])]))
    if ("Agreement", d.get("by")) in objects:
        add(_l("Replaced by"), _object_link("Agreement", objects[("Agreement", d["by"])]))
    if "value_eur" in d:
        add(_l("Value"), _money(d["value_eur"]) or _l("not given"))
    if d.get("stage") in STAGES:
        add(_l("Stage"), STAGES[d["stage"]])
    if d.get("happened") in OUTCOME_LABELS:
        add(_l("What happened"), OUTCOME_LABELS[d["happened"]])
    if d.get("confirmation") in CONFIRMATION_LABELS:
        add(_l("Confirmation"), CONFIRMATION_LABELS[d["confirmation"]])
    if e.action.startswith("volunteer_hours."):
        add(_l("Place"), d.get("place"))
        add(_l("Period"), d.get("period"))
        add(_l("Volunteers"), d.get("volunteers"))
        add(_l("Hours"), d.get("hours"))
    if isinstance(d.get("fields"), list):
        add(_l("Changed"), ", ".join(str(ORG_FIELDS.get(f, f)) for f in d["fields"]))
    if d.get("title") and e.object_type not in ("Resource", "Need"):
        add(_l("Title"), d["title"])
    add(_l("Recipient"), d.get("recipient"))
    if d.get("via") == "unlock_link":
        add(_l("How"), _l("with the e-mailed unlock link"))
    if d.get("reopened"):
        add(_l("State"), _l("a returned draft reopened"))
    if isinstance(d.get("kinds"), list) and d["kinds"]:
        add(_l("Mail"), ", ".join(str(SUMMARY_LABEL if k == SUMMARY else CATEGORY_LABELS.get(k, k))
                                  for k in d["kinds"]))
    if e.action == "person.mail_choices":
        for kind, choice in sorted(d.items()):
            if kind in CATEGORY_LABELS:
                add(CATEGORY_LABELS[kind], FREQUENCY_LABELS.get(choice, choice) if isinstance(choice, str) else None)
        _weekly_choices(d, add)
    if d.get("sha256"):
        add(_l("File SHA-256"), f"{d['sha256'][:16]}…")
    if d.get("fingerprint"):
        add(_l("Fingerprint"), f"{d['fingerprint'][:16]}…")
    if e.action != "person.mail_choices":  # whatever a newer kind of event holds is shown, never lost
        add(_l("Other"), *[str(v) for k, v in sorted(d.items()) if k not in KNOWN_KEYS and isinstance(v, (str, int))])
    return out


def _weekly_choices(d: dict, add) -> None:
    """The weekly mail's choices of a person.mail_choices event: the summary on or off, the day, the hour."""
    if isinstance(d.get("weekly_summary"), bool):
        add(SUMMARY_LABEL, _l("Send it") if d["weekly_summary"] else FREQUENCY_LABELS[OFF])
    if d.get("digest_weekday") in range(7):
        add(_l("Day"), get_day_names("wide", locale=get_locale())[d["digest_weekday"]])
    if d.get("digest_hour") in range(24):
        add(_l("Time (Riga)"), f"{d['digest_hour']:02d}:00")


KNOWN_KEYS = {"reason", "comment", "purpose", "email", "role", "position", "method", "path", "parties", "signatory",
              "resource_id", "by", "value_eur", "stage", "fields", "title", "recipient", "via", "reopened", "kinds",
              "sha256", "fingerprint", "kind", "revision", "name", "happened", "confirmation", "place", "period",
              "volunteers", "hours"}


def _parsed(details: str) -> dict:
    try:
        value = json.loads(details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def describe(events) -> list[Described]:
    """Each event as the page shows it."""
    parsed = {e.id: _parsed(e.details) for e in events}
    objects = _load(events, parsed)
    described = []
    for e in events:
        obj = objects.get((e.object_type, e.object_id))
        obj_link = _object_link(e.object_type, obj) if obj is not None else None
        if obj_link is not None and e.action in ("exchange.disputed", "exchange.resolved"):  # the coordinators' page
            obj_link = Link(obj_link.text, url_for("coordination.dispute", exchange_id=obj.id))
        org_link = _org(e.org)
        if obj_link is not None and e.object_type == "Organization" and e.org_id == e.object_id:
            obj_link = None  # the organization is already named
        described.append(Described(
            event=e, action=action_label(e.action), outcome=str(OUTCOMES.get(e.outcome, e.outcome)),
            refused=e.outcome != "ok", who=_person(e.actor), org=org_link, obj=obj_link, details=_details(e, parsed[e.id], objects)))
    return described
