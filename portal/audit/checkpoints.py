"""Anchoring the audit chain: a signed checkpoint of its head (daily from `portal daily`, or on demand), kept
in the database and as a file in the store, and the check of the chain against every checkpoint.

The network's key signs; who holds it is the caller's business (`Signer`), so this package stays below the
certificates domain. What a checkpoint proves: every event up to its `last_event_id` is still there and
unchanged; deleting the newest events, or rewriting one and recomputing the chain after it, shows.
"""
import base64
import json
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select

from ..database import utcnow
from ..extensions import db
from ..storage import get_storage
from .models import AuditCheckpoint, AuditEvent


@dataclass(frozen=True)
class Signer:
    fingerprint: str
    sign: Callable[[bytes], bytes]


# fingerprint → a function telling whether a signature over a statement is that certificate's
Verifiers = dict[str, Callable[[bytes, bytes], bool]]


def statement(checkpoint: AuditCheckpoint | dict) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    get = checkpoint.get if isinstance(checkpoint, dict) else lambda name: getattr(checkpoint, name)
    fields = {"checkpoint": get("id"), "last_event_id": get("last_event_id"), "last_hash": get("last_hash"),
              "events": get("events"), "signer": get("signer")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _file_key(checkpoint_id: int) -> str:
    return f"audit/checkpoints/{checkpoint_id:08d}.json"


def _as_file(checkpoint: AuditCheckpoint) -> bytes:
    return json.dumps({
        "id": checkpoint.id, "created_at": checkpoint.created_at.isoformat(), "last_event_id": checkpoint.last_event_id,
        "last_hash": checkpoint.last_hash, "events": checkpoint.events, "signer": checkpoint.signer,
        "signature": checkpoint.signature, "timestamp_token": checkpoint.timestamp_token,
    }, indent=1).encode()


def make_checkpoint(signer: Signer) -> AuditCheckpoint | None:
    """A checkpoint of the chain's head now (None when there are no events yet). Flushes; the file copy is
    written at once (a checkpoint whose transaction is then rolled back leaves a stray file, reported)."""
    head = db.session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if head is None:
        return None
    count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= head.id))
    checkpoint = AuditCheckpoint(created_at=utcnow(), last_event_id=head.id, last_hash=head.hash, events=count,
                                 signer=signer.fingerprint, signature="")
    db.session.add(checkpoint)
    db.session.flush()
    checkpoint.signature = base64.b64encode(signer.sign(statement(checkpoint))).decode()
    db.session.flush()
    get_storage().put(_file_key(checkpoint.id), _as_file(checkpoint))
    return checkpoint


def newest_checkpoint() -> AuditCheckpoint | None:
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


@dataclass
class CheckpointCheck:
    checked: int
    problem: str | None = None  # what is wrong, in one sentence (English: for the log and the CLI)
    checkpoint_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _stored_copies() -> dict[int, dict]:
    storage, copies = get_storage(), {}
    for key in storage.list("audit/checkpoints/"):
        try:
            data = json.loads(storage.get(key))
            copies[int(data["id"])] = data
        except (ValueError, KeyError, TypeError):
            copies[-1] = {"id": key}
    return copies


def verify_checkpoints(verifiers: Verifiers) -> CheckpointCheck:
    """The chain against every checkpoint, in the database and in the store."""
    rows = {row.id: row for row in db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))}
    copies = _stored_copies()
    checked = 0
    for checkpoint_id in sorted(set(rows) | set(copies)):
        row, copy = rows.get(checkpoint_id), copies.get(checkpoint_id)
        if checkpoint_id < 0:
            return CheckpointCheck(checked, f"an unreadable checkpoint file: {copy['id']}")
        if row is None:
            return CheckpointCheck(checked, "a checkpoint is missing from the database", checkpoint_id)
        if copy is None:
            return CheckpointCheck(checked, "a checkpoint's copy is missing from the file store", checkpoint_id)
        if statement(copy) != statement(row) or copy.get("signature") != row.signature:
            return CheckpointCheck(checked, "a checkpoint differs from its copy in the file store", checkpoint_id)
        verify = verifiers.get(row.signer)
        if verify is None or not verify(statement(row), base64.b64decode(row.signature)):
            return CheckpointCheck(checked, "a checkpoint's signature is not the network's", checkpoint_id)
        event_hash = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == row.last_event_id))
        if event_hash is None:
            return CheckpointCheck(checked, "events covered by a checkpoint have been removed", checkpoint_id)
        if event_hash != row.last_hash:
            return CheckpointCheck(checked, "events covered by a checkpoint have been rewritten", checkpoint_id)
        count = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.id <= row.last_event_id))
        if count != row.events:
            return CheckpointCheck(checked, "events covered by a checkpoint have been removed", checkpoint_id)
        checked += 1
    return CheckpointCheck(checked)
