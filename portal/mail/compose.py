"""Writing a mail: its words come from templates/mail/<template>.txt, its two shapes (plain text and HTML)
from templates/mail/layout.txt and layout.html.

A mail template prints nothing: it sets the parts of the mail, in the recipient's language, and the layouts
arrange them. The parts are plain text (the template is not autoescaped), so the HTML layout escapes all of
them; only the layouts hold markup.

  subject       one line (cleaned and cut to 70 characters here)
  lead          what happened, in a sentence or two
  facts         [(label, value), …]: the title, number, parties, dates…
  quote_label   + quote: the words someone wrote (a message, a comment, a reason), verbatim
  next_step     the one thing to do next
  action_label  + action_url: the one link
  notes         [text, …]: small print (how long a link works…)
  sections      [(heading, [(title, text, excerpt, link), …]), …]: a digest's lists
"""
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale

from ..urls import absolute_url
from . import preferences
from .headers import clean_subject, one_line, shorten

EXCERPT_LIMIT = 300


@dataclass
class Mail:
    """A composed mail, ready for the outbox (or a digest)."""

    recipient: str
    category: str
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)
    summary: str = ""  # the lead, for a digest
    excerpt: str = ""  # the quote, shortened, for a digest
    link: str = ""  # the action's address


@dataclass
class Parts:
    subject: str
    lead: str
    facts: list = field(default_factory=list)
    quote_label: str = ""
    quote: str = ""
    next_step: str = ""
    action_label: str = ""
    action_url: str = ""
    notes: list = field(default_factory=list)
    sections: list = field(default_factory=list)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _parts(module) -> Parts:
    get = lambda name, default="": getattr(module, name, default)  # noqa: E731
    subject = clean_subject(_text(get("subject")))
    if not subject:
        raise ValueError(f"{module!r} sets no subject")
    return Parts(
        subject=subject,
        lead=_text(get("lead")),
        facts=[(one_line(label), _text(value)) for label, value in get("facts", []) or [] if _text(value)],
        quote_label=_text(get("quote_label")),
        quote=_text(get("quote")).replace("\r\n", "\n").replace("\r", "\n"),
        next_step=_text(get("next_step")),
        action_label=_text(get("action_label")),
        action_url=_text(get("action_url")),
        notes=[_text(note) for note in get("notes", []) or [] if _text(note)],
        sections=list(get("sections", []) or []),
    )


def _footer(user, category: str, scope: str) -> dict:
    """Why this mail came and how to get fewer: nothing to stop for mail that always goes."""
    if category == preferences.ESSENTIAL:
        return {"essential": True}
    return {
        "essential": False,
        "category": category,
        "scope": scope,
        "preferences_url": absolute_url("accounts.profile") + "#mail",
        "unsubscribe_url": preferences.unsubscribe_url(user, scope),
    }


def compose(user, template: str, *, category: str, unsubscribe_scope: str | None = None, **context) -> Mail:
    """Renders templates/mail/<template>.txt in `user`'s language into both layouts."""
    env = current_app.jinja_env
    scope = unsubscribe_scope or category
    base = {"user": user, "network_name": current_app.config["NETWORK_NAME"], "absolute_url": absolute_url,
            "base_url": current_app.config["BASE_URL"]}
    with force_locale(user.locale):
        parts = _parts(env.get_template(f"mail/{template}.txt").make_module({**base, **context}))
        footer = _footer(user, category, scope)
        layout = {**base, "mail": parts, "footer": footer, "lang": user.locale,
                  "category_label": preferences.CATEGORY_LABELS.get(category, "")}
        text = env.get_template("mail/layout.txt").render(layout)
        html = env.get_template("mail/layout.html").render(layout)
    headers = {"Auto-Submitted": "auto-generated"}
    if not footer["essential"]:
        # RFC 8058: a mail reader offers "unsubscribe" and POSTs List-Unsubscribe=One-Click to the link.
        headers["List-Unsubscribe"] = f"<{footer['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return Mail(
        recipient=user.email, category=category, subject=parts.subject, text=_tidy(text), html=html.strip() + "\n",
        headers=headers, summary=parts.lead, excerpt=shorten(parts.quote, EXCERPT_LIMIT) if parts.quote else "",
        link=parts.action_url,
    )


def _tidy(text: str) -> str:
    """No trailing spaces, at most one empty line in a row (the signature's "-- " keeps its space)."""
    lines = [line if line == "-- " else line.rstrip() for line in text.strip().splitlines()]
    tidy = []
    for line in lines:
        if line == "" and tidy and tidy[-1] == "":
            continue
        tidy.append(line)
    return "\n".join(tidy) + "\n"
