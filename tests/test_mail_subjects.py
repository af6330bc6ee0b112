"""Subjects: one line, at most 70 characters, cut at a word, and written so that a reader folds them back
to exactly what was meant. Python's own folding lost the space between encoded words ("Projektorsun",
"CooperationAgreement") and started a long ASCII subject with a space; these tests read every subject
back with the email package, as a mail reader would."""
import email
import email.policy
import re
from email.header import decode_header, make_header
from email.message import EmailMessage

from hypothesis import given, settings, strategies as st

from portal.mail.headers import SUBJECT_LIMIT, clean_subject, one_line, set_subject, shorten
from portal.mail.services import MAIL_POLICY

WORDS = ["Projektors", "un", "ekrāns", "“Sadarbības", "līgums”", "Cooperation", "Agreement", "between",
         "Intelekta", "parks", "and", "Baltā", "māja", "Gaida", "jūsu", "apstiprinājumu:", "(Nr.", "2026/14)",
         "Ļoti-garš-vārds-bez-atstarpēm-kas-neietilpst-rindā", "—", "Ķegums", "Žīguri"]


def read_back(subject: str) -> tuple[str, str, bytes]:
    message = EmailMessage(policy=MAIL_POLICY)
    set_subject(message, subject)
    message["To"] = "anna@example.org"
    message.set_content("x")
    raw = bytes(message)
    head = raw.split(b"\n\n", 1)[0]
    modern = email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
    folded = email.message_from_bytes(raw)["Subject"]  # compat32 leaves the folds: unfold as RFC 5322 §2.2.3 says
    legacy = str(make_header(decode_header(re.sub(r"\r?\n(?=[ \t])", "", folded))))
    return modern, legacy, head


def python_folding(subject: str) -> str:
    """What the subject became with the email package's own folding (how the portal used to send it)."""
    message = EmailMessage()
    message["Subject"] = subject
    message.set_content("x")
    return email.message_from_bytes(bytes(message), policy=email.policy.default)["Subject"]


def test_the_subjects_that_lost_their_spaces_arrive_whole():
    subject = "— ziņojums parks “Sadarbības between semināriem Intelekta līgums”"
    assert python_folding(subject) != subject  # the bug this guards against
    for subject in (subject, "Jauna ziņa par „Projektors un ekrāns” no biedrības „Sukrums” Ludzā",
                    "Signed by Intelekta parks: “Cooperation Agreement between Baltā māja”"):
        modern, legacy, head = read_back(subject)
        assert modern == legacy == subject, head
        assert max(len(line) for line in head.splitlines()) <= 78


def test_a_long_english_subject_does_not_start_with_a_space():
    subject = "Reminder: the Cooperation Agreement with Intelekta parks waits for you"
    assert subject.isascii() and len(subject) == SUBJECT_LIMIT
    assert python_folding(subject) == " " + subject  # the bug this guards against
    modern, legacy, head = read_back(subject)
    assert modern == legacy == subject, head


def test_line_and_paragraph_separators_become_spaces():
    assert one_line("Projektors\u2028un\u2029ekrāns\x85Ludzā\r\nRēzeknē\nDaugavpilī\tKrāslavā") == \
        "Projektors un ekrāns Ludzā Rēzeknē Daugavpilī Krāslavā"
    assert one_line("  sākums\x00 un\x1b beigas  ") == "sākums un beigas"


def test_a_long_subject_is_cut_at_a_word_with_an_ellipsis():
    subject = clean_subject("Gaida jūsu apstiprinājumu: „Sadarbības līgums starp biedrību Baltā māja un Sukrums”")
    assert len(subject) <= SUBJECT_LIMIT and subject.endswith("…")
    assert subject == "Gaida jūsu apstiprinājumu: „Sadarbības līgums starp biedrību Baltā…"
    assert shorten("Bezgalīgigarštekstsbezatstarpēm" * 3, 20) == "Bezgalīgigarštekstsb"[:19] + "…"
    assert clean_subject("Īss temats") == "Īss temats"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["\u2028", "\u2029", "\n", "\r\n", "\x85"]), min_size=1, max_size=20))
def test_every_subject_reads_back_as_written(words):
    subject = clean_subject(" ".join(words))
    assert len(subject) <= SUBJECT_LIMIT
    assert not any(c in subject for c in "\u2028\u2029\n\r\x85")
    if subject:
        modern, legacy, head = read_back(subject)
        assert modern == legacy == subject, head
        assert max(len(line) for line in head.splitlines()) <= 78
