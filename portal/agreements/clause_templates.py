"""The starting texts of agreements: a title and numbered sections that a representative edits while drafting.

    text = draft_text("exchange", "lv", resource_title="Multimediju projektors", owner_name=…, …)
    text.title                      # 'Līgums par resursa lietošanu'
    for heading, points in text.clauses:  # points: one paragraph a line, numbered 1.1., 1.2. … in the PDF
        …

The texts themselves are files, `templates/agreements/clauses/<language>/<kind>.txt`, that a lawyer or a
coordinator edits without touching code (the folder's README.md says how): the first line is the title, a line
`## Heading` starts a section, every other non-empty line is one point; Jinja2 fills in the values this module
prepares and chooses between the few alternative wordings. Files whose name starts with `_` are pieces included
by the others (the electronic-signature provisions, force majeure, the data-protection law's name).

Only the body: the PDF (portal/agreements/pdf.py) already prints the title, number, place and date, the term
("Līgums ir spēkā no … līdz …"), the parties paragraph (which defines "Puses"/"Puse" and "Līgums", "the Parties"
and "the Agreement") and the signatures page, so none of that is repeated here.

No Flask, no database. Latvian is the primary text, English a faithful equivalent. The names in the context
(organizations, the network, a resource) are used in the nominative or in „quotes”, never declined by guesswork;
the only exception is a network's name in the network agreement's title, put in the genitive when its head noun
is a known one (see `_lv_genitive`), otherwise quoted after the word "tīklojuma".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import jinja2

from .. import paths
from ..text import decimal_text, long_date, lv_singular, money_in_words

KINDS = ("cooperation", "network", "accession", "exchange")
LANGUAGES = ("lv", "en")
TEMPLATES = paths.TEMPLATES / "agreements" / "clauses"


@dataclass(frozen=True)
class DraftText:
    title: str
    clauses: list[tuple[str, str]]  # (heading, text with one point per line)


def draft_text(kind: str, language: str, **context) -> DraftText:
    """The starting title and clauses of an agreement of `kind` in `language` ('lv' or 'en').

    Context by kind (a missing key raises KeyError naming it):
      cooperation: none
      network:     network_name; optional coordinator_name (the coordinating organization, nominative)
      accession:   network_name, agreement_title, agreement_number, agreement_date (a date);
                   optional member_name (the acceding organization, nominative)
      exchange:    resource_title, owner_name, requester_name, starts_on, ends_on (dates), quantity (int),
                   hours (Decimal or None), purpose (str), value_eur (Decimal or None)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    values = TEMPLATE_VALUES[kind](context)
    name = f"{language}/{kind}.txt"
    return read_draft(environment(TEMPLATES).get_template(name).render(values, language=language), name)


# ------------------------------------------------------------------ the files

# Every value a template prints starts with this mark until the text is read, so that a value at the start of a
# line (a network named "## …") can never pass for a heading. Values cannot contain it: names go through
# _one_line, whose split() drops it as whitespace, and numbers and dates are made here.
_VALUE_MARK = "\x1f"


@cache
def environment(folder: Path) -> jinja2.Environment:
    """The Jinja2 environment for the clause files in `folder` (TEMPLATES): plain text, no escaping; a value a
    template names but the context lacks is an error, never an empty string. Files edited while the portal runs
    are read again on their next use."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), undefined=jinja2.StrictUndefined, autoescape=False,
        # No trim_blocks: a line `{% include "lv/_electronic.txt" %}` must keep its line end, or the next point
        # would be glued to the included one. The newlines left by `{% if %}` lines are blank lines, ignored.
        trim_blocks=False, lstrip_blocks=True, finalize=lambda value: _VALUE_MARK + str(value),
    )
    env.filters.update(long_date=_long_date, number=_number, money_in_words=_money_in_words, upper_first=_capitalized)
    env.tests["lv_singular"] = lv_singular
    return env


def read_draft(rendered: str, name: str) -> DraftText:
    """A rendered clause file as a title and sections: the first line is the title, `## ` starts a section, every
    other non-empty line is a point of the section above it."""
    title, sections = None, []
    for line in rendered.split("\n"):
        line = line.strip(" \t")
        if not line:
            continue
        if title is None:
            if line.startswith("## "):
                raise ValueError(f"{name}: the first line must be the title, not a heading: {line!r}")
            title = line
        elif line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif not sections:
            raise ValueError(f"{name}: a point before the first '## ' heading: {line!r}")
        else:
            sections[-1][1].append(line)
    if title is None:
        raise ValueError(f"{name}: the file is empty")
    return DraftText(title=title.replace(_VALUE_MARK, ""),
                     clauses=[(heading.replace(_VALUE_MARK, ""), "\n".join(points).replace(_VALUE_MARK, ""))
                              for heading, points in sections])


@jinja2.pass_context
def _long_date(context, day, case: str = "loc") -> str:
    """{{ starts_on|long_date("gen") }}: '2017. gada 30. jūnija' (lv; cases loc, gen, dat) or '30 June 2017'."""
    return long_date(day, context["language"], case)


@jinja2.pass_context
def _number(context, value) -> str:
    return decimal_text(value, context["language"])


@jinja2.pass_context
def _money_in_words(context, value) -> str:
    return money_in_words(value, context["language"])


# ------------------------------------------------------------------ the values each kind's files use

def _one_line(text) -> str:
    return " ".join(str(text).split())


def _sentence(text) -> str:
    """Free text (e.g. an exchange's purpose) as the end of a sentence: trimmed, on one line, one final full stop."""
    text = _one_line(text).rstrip(" .;,")
    if not text:
        raise ValueError("the text is empty")
    return text + "."


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _named_or_none(name) -> str | None:
    return _one_line(name) if name else None


# Head nouns a network's name may have, with their genitive singular.
_LV_HEADS = {
    "tīklojums": "tīklojuma", "tīkls": "tīkla", "apvienība": "apvienības", "savienība": "savienības",
    "platforma": "platformas", "forums": "foruma", "alianse": "alianses", "kopiena": "kopienas",
    "asociācija": "asociācijas", "partnerība": "partnerības", "koalīcija": "koalīcijas",
    "konsorcijs": "konsorcija",
}
# Words before the head that do not change with it: genitives ("Latgales", "biedrību", "Latvijas"), abbreviations.
_LV_GENITIVE_ENDINGS = ("es", "as", "ās", "us", "u", "ū")


def _lv_genitive(name: str) -> str | None:
    """'Latgales biedrību tīklojums' -> 'Latgales biedrību tīklojuma'; None when that cannot be done safely
    (no known head noun, or a word before it that might be an adjective agreeing with it)."""
    words = name.split()
    for i, word in enumerate(words):
        head = _LV_HEADS.get(word.lower())
        if head is None:
            continue
        for before in words[:i]:
            if not (before.isupper() or before.isdigit() or before.lower().endswith(_LV_GENITIVE_ENDINGS)):
                return None
        words[i] = _capitalized(head) if word[:1].isupper() else head
        return " ".join(words)
    return None


def _network_values(name) -> dict:
    """The network's name as the texts use it: as given, in the Latvian genitive (or None), and in English whether
    it names itself a network (then 'the Latgale NGO Network', otherwise 'the Network “…”')."""
    name = _one_line(name)
    return {
        "network": name, "network_genitive": _lv_genitive(name),
        "network_says_network": "network" in name.lower(),
        "network_after_the": name[4:] if name.lower().startswith("the ") else name,
    }


def _network_agreement_values(ctx: dict) -> dict:
    return {**_network_values(ctx["network_name"]), "coordinator": _named_or_none(ctx.get("coordinator_name"))}


def _accession_values(ctx: dict) -> dict:
    return {
        **_network_values(ctx["network_name"]), "agreement_title": _one_line(ctx["agreement_title"]),
        "agreement_number": _one_line(ctx["agreement_number"]), "agreement_date": ctx["agreement_date"],
        "member": _named_or_none(ctx.get("member_name")),
    }


def _check_period(starts_on: date, ends_on: date) -> None:
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise TypeError("starts_on and ends_on must be dates")
    if ends_on < starts_on:
        raise ValueError("ends_on is before starts_on")


def _exchange_values(ctx: dict) -> dict:
    starts_on, ends_on = ctx["starts_on"], ctx["ends_on"]
    _check_period(starts_on, ends_on)
    quantity = ctx["quantity"]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"quantity must be a positive whole number, not {quantity!r}")
    hours, value = ctx["hours"], ctx["value_eur"]
    if hours is not None and Decimal(hours) <= 0:
        raise ValueError("hours must be positive")
    return {
        "resource": _one_line(ctx["resource_title"]), "owner": _one_line(ctx["owner_name"]),
        "requester": _one_line(ctx["requester_name"]), "starts_on": starts_on, "ends_on": ends_on,
        "quantity": quantity, "hours": None if hours is None else Decimal(hours),
        "purpose": _sentence(ctx["purpose"]), "value": None if value is None else Decimal(value),
    }


# The values each kind's files are given, from draft_text's context (a missing key raises KeyError naming it).
TEMPLATE_VALUES = {
    "cooperation": lambda ctx: {},
    "network": _network_agreement_values,
    "accession": _accession_values,
    "exchange": _exchange_values,
}
