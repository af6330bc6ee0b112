"""The catalogue's result pages, kept rendered per process until the catalogue changes.

What a listing shows depends on its address, the language, the day and who looks only as far as the audience
goes (a visitor, a person of a member organization, one who may publish). So the page's content is rendered
once for each of those and kept. Every transaction that changes an entry, a photo or an organization writes
a new random token into the one row of `catalogue_versions`, inside the same transaction; a page is kept
under the token it was made with. When the change commits, every app server reads the new token with its
next page (a primary-key read), and every page kept before is out of reach: nothing to invalidate, and no
server can show a page older than the committed catalogue. Old pages age out of the size-bounded cache.
"""
import hashlib
import secrets
from itertools import chain
from threading import Lock

from cachetools import LRUCache
from markupsafe import Markup
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from ..accounts.auth import register_read_with_the_person, value_read_with_the_person
from ..database import PLANNED_ONCE, ends_the_transaction
from ..orgs.models import Organization
from .models import CatalogueVersion, Need, Resource, ResourcePhoto

KEPT_BYTES = 16 * 1024 * 1024  # per worker: some 800 pages of 20 KB
TRACKED = (Resource, Need, ResourcePhoto, Organization)
VERSION_ROW = 1

_pages: LRUCache = LRUCache(maxsize=KEPT_BYTES, getsizeof=len)
_lock = Lock()

VERSION = "catalogue_version"
register_read_with_the_person(VERSION, select(CatalogueVersion.token)
                              .where(CatalogueVersion.id == VERSION_ROW).scalar_subquery())


def current_version(session) -> str | None:
    """The catalogue's token as committed (None while the row is missing: nothing is kept then): read with the
    logged-in person, in this transaction; else plain SQL on the session's connection (a fifth of the ORM's
    cost, on every catalogue page)."""
    token = value_read_with_the_person(session, VERSION)
    if token is not None:
        return token
    return session.connection().exec_driver_sql(
        f"SELECT token FROM catalogue_versions WHERE id = {VERSION_ROW}", execution_options=PLANNED_ONCE).scalar()


def page_key(version: str, *parts) -> str:
    return version + ":" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def kept(key: str) -> str | None:
    with _lock:
        return _pages.get(key)


def keep(key: str, html: str) -> None:
    if len(html) <= KEPT_BYTES // 100:
        with _lock:
            _pages[key] = html


def rendered(session, parts: tuple, render) -> Markup:
    """The page content for `parts` (all that it depends on besides the catalogue), kept or made by `render()`."""
    version = current_version(session)
    key = page_key(version, *parts) if version else None
    html = kept(key) if key else None
    if html is None:
        html = str(render())
        if key:
            keep(key, html)
    return Markup(html)


def forget_all() -> None:
    """For tests that change the tables behind the ORM's back (raw SQL, emptied tables)."""
    with _lock:
        _pages.clear()


def _changes_catalogue(session) -> bool:
    return any(isinstance(obj, TRACKED) and (obj not in session.dirty or session.is_modified(obj))
               for obj in chain(session.new, session.dirty, session.deleted))


# The token is replaced once per transaction, as its last statement before COMMIT: on PostgreSQL the row's lock
# is then held only while committing, by a transaction that will ask for no other lock (no deadlock between
# two writers of several entries, each waiting for the other's rows).
CHANGED = "catalogue_changed"


@event.listens_for(Session, "after_flush")
def _note_change(session, _flush_context):
    if _changes_catalogue(session):
        session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_change(state):
    """A bulk UPDATE or DELETE of tracked rows (not through a flush) changes the catalogue too."""
    if (state.is_update or state.is_delete) and any(mapper.class_ in TRACKED for mapper in state.all_mappers):
        state.session.info[CHANGED] = True


@event.listens_for(Session, "before_commit")
def _new_version(session):
    if not ends_the_transaction(session):  # last before the real COMMIT, not at a rule's savepoint
        return
    session.flush()  # the commit's own flush comes after this hook
    if not session.info.pop(CHANGED, False):
        return
    token = secrets.token_hex(16)
    connection = session.connection()
    if not connection.execute(update(CatalogueVersion).where(CatalogueVersion.id == VERSION_ROW)
                              .values(token=token)).rowcount:
        connection.execute(insert(CatalogueVersion).values(id=VERSION_ROW, token=token))


@event.listens_for(Session, "after_rollback")
def _forget_change(session):
    if ends_the_transaction(session):  # a rule's rollback leaves the changes made before it
        session.info.pop(CHANGED, None)
