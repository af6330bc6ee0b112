"""Subjects that arrive as they were written: one line, at most 70 characters, encoded so that folding keeps
every space.

Python's own folding (email.policy.default) puts the space between two encoded words at the fold, where a
reader must drop it (RFC 2047 §6.2): "Projektors un" arrived as "Projektorsun". Its ASCII folding can
start the value on a continuation line, which a reader keeps as a leading space. `encode_subject` folds
with email.header.Header instead, whose encoded words carry their own spaces.
"""
import re
from email.header import Header
from email.message import EmailMessage

SUBJECT_LIMIT = 70
# Line and paragraph separators that str.splitlines() and mail readers break on, and controls.
_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029\t]+")
_CONTROLS = re.compile("[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """`text` as a single line: separators become spaces, runs of spaces one, no controls."""
    text = _BREAKS.sub(" ", str(text))
    text = _CONTROLS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when it is longer."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def clean_subject(text: str) -> str:
    return shorten(text, SUBJECT_LIMIT)


def encode_subject(subject: str) -> str:
    """The Subject header's value, folded (with "\\n " between lines) and encoded where it is not ASCII."""
    charset = "us-ascii" if subject.isascii() else "utf-8"
    return Header(subject, charset, maxlinelen=76, header_name="Subject").encode(linesep="\n")


def set_subject(email: EmailMessage, subject: str) -> None:
    # Stored already folded: the policy writes a raw value whose lines are short enough as it is, instead
    # of refolding it (see the module's docstring).
    email.set_raw("Subject", encode_subject(clean_subject(subject)))
