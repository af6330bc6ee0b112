"""The network statistics pre-counted in buckets, so that a view after a change counts one month, not all time.

A month's bucket (`m2026-11`) holds its completed exchanges (by the month of `ends_on`): all of them, by
municipality, by category and by confirmation, with their in-kind value; and its requests (by the month they
were made) by their state now. A period's figures are the sums of its buckets. (What each organization gave
and received is not bucketed: counting a year's thousands of organizations again after every change, and
storing them, cost more than the statistics' one grouped query, statistics.by_org.)

Whether a bucket's rollups still hold is decided as the catalogue's kept pages are (resources/pages.py):
every transaction that changes an exchange replaces the random token of each bucket the exchange counts in
(before and after the change), as its last statement before COMMIT; a bulk UPDATE or DELETE, or a resource
moved to another category or municipality, replaces the global token `*`, so every bucket is counted again.
Rollups are stored with the tokens they were counted under, read before the exchanges were: a change
committed while they were counted leaves them stale, never wrong. A stale bucket is counted from the
exchanges when it is next needed and stored for every app server, in a transaction of its own; when another
server stores the same bucket at the same moment, one of them wins and the other's figures are used once.
"""
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from itertools import chain

from sqlalchemy import delete, event, extract, func, inspect, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..database import begins_writing, ends_the_transaction
from ..exchanges.models import COMPLETED, Exchange
from ..extensions import db
from ..resources.models import Resource
from .models import StatisticsRollup, StatisticsRollupState, StatisticsVersion

log = logging.getLogger("portal")

GLOBAL = "*"
# Month dimensions: completed exchanges of the month (count, value) in all, and by resource field or confirmation;
# requests made in the month by their state (count).
COMPLETED_ALL, MUNICIPALITY, CATEGORY, FEEDBACK, REQUESTS = "completed", "municipality", "category", "feedback", "requests"
ZERO = Decimal("0")


def month_bucket(day: date) -> str:
    return f"m{day.year:04d}-{day.month:02d}"


def bucket_start(bucket: str) -> date:
    return date(int(bucket[1:5]), int(bucket[6:8]), 1)


def months_between(start: date, end: date) -> list[str]:
    buckets, day = [], date(start.year, start.month, 1)
    while day <= end:
        buckets.append(month_bucket(day))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return buckets


def _bucket_end(bucket: str) -> date:
    start = bucket_start(bucket)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1) - timedelta(days=1)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def data_span() -> tuple[date, date] | None:
    """The first and last day any bucket can hold something for: requests made, completions ended."""
    # One aggregate a statement: that is what SQLite answers from an index's end; min and max together scan it.
    done = Exchange.state == COMPLETED
    days = [db.session.scalar(select(aggregate(column)).where(*where)) for column, where in (
        (Exchange.ends_on, (done,)), (Exchange.created_at, ())) for aggregate in (func.min, func.max)]
    days = [_day(d) for d in days if d is not None]
    return (min(days), max(days)) if days else None


# Counting a run of buckets from the exchanges: one grouped query per dimension for the whole run.

def _grouping(first: date, last: date) -> tuple[list, callable]:
    """The GROUP BY columns that tell a run's months apart, and the bucket of a result row's leading values.
    A run of one month needs none: extracting every row's year and month costs more than the grouping."""
    if month_bucket(first) == month_bucket(last):
        return [], lambda: month_bucket(first)
    return ([extract("year", Exchange.ends_on), extract("month", Exchange.ends_on)],
            lambda y, m: month_bucket(date(int(y), int(m), 1)))


def _count_months(first: date, last: date) -> dict[str, list]:
    by, bucket_of = _grouping(first, last)
    done = (Exchange.state == COMPLETED, Exchange.ends_on >= first, Exchange.ends_on <= last)
    value = func.coalesce(func.sum(Exchange.value_eur), 0)
    rows = defaultdict(list)

    def add(dimension, column=None):
        keys = [column] if column is not None else []
        statement = select(*by, *keys, func.count(), value).where(*done).group_by(*by, *keys)
        if column is not None and column.class_ is Resource:
            statement = statement.join(Resource, Resource.id == Exchange.resource_id)
        for row in db.session.execute(statement).all():
            key, n, v = (row[-3], row[-2], row[-1]) if keys else ("", row[-2], row[-1])
            rows[bucket_of(*row[:len(by)])].append((dimension, str(key or ""), n, Decimal(v)))

    add(COMPLETED_ALL)
    add(MUNICIPALITY, Resource.municipality)
    add(CATEGORY, Resource.category)
    add(FEEDBACK, Exchange.feedback_state)
    # Requests by the month they were made, one month at a time: the month of a moment is the UTC one, and
    # PostgreSQL's EXTRACT would take the session's time zone.
    for bucket in months_between(first, last):
        start = bucket_start(bucket)
        end = _bucket_end(bucket) + timedelta(days=1)
        rows[bucket].extend((REQUESTS, state, n, ZERO) for state, n in db.session.execute(
            select(Exchange.state, func.count())
            .where(Exchange.created_at >= _moment(start), Exchange.created_at < _moment(end))
            .group_by(Exchange.state)).all())
    return rows


def _runs(buckets: list[str]) -> list[list[str]]:
    """Consecutive buckets together (each run is counted with one query per dimension)."""
    runs = []
    for bucket in sorted(buckets):
        if runs and _bucket_end(runs[-1][-1]) + timedelta(days=1) == bucket_start(bucket):
            runs[-1].append(bucket)
        else:
            runs.append([bucket])
    return runs


@dataclass
class Totals:
    """The figures of some buckets: completed exchanges (count, value) per bucket, and every dimension summed."""
    per_bucket: dict = field(default_factory=dict)  # bucket -> (count, value) of all completed exchanges
    sums: dict = field(default_factory=lambda: defaultdict(lambda: [0, ZERO]))  # (dimension, key) -> [count, value]

    def add(self, bucket: str, dimension: str, key: str, n: int, value: Decimal) -> None:
        if dimension == COMPLETED_ALL:
            self.per_bucket[bucket] = (n, value)
        total = self.sums[(dimension, key)]
        total[0] += n
        total[1] += value

    def summed(self, dimension: str) -> dict[str, tuple[int, Decimal]]:
        """key -> (count, value) of `dimension` over the buckets."""
        return {key: (n, value) for (d, key), (n, value) in self.sums.items() if d == dimension}


def rollups(buckets: list[str]) -> Totals:
    """The figures of the months `buckets`: summed by the database from the stored rollups
    where they still hold, the others counted now from the exchanges (and stored)."""
    totals = Totals()
    if not buckets:
        return totals
    versions = dict(db.session.execute(select(StatisticsVersion.bucket, StatisticsVersion.token)
                                       .where(StatisticsVersion.bucket.in_([*buckets, GLOBAL]))).all())
    wanted = {b: f"{versions.get(GLOBAL, '')}:{versions.get(b, '')}" for b in buckets}
    stored = dict(db.session.execute(select(StatisticsRollupState.bucket, StatisticsRollupState.token)
                                     .where(StatisticsRollupState.bucket.in_(buckets))).all())
    # This transaction's own changes (flushed by the reads above) are not in what was stored, nor committed:
    # their buckets are counted here, and nothing is kept for others.
    pending = db.session.info.get(CHANGED) or set()
    fresh = [b for b in buckets if stored.get(b) == wanted[b] and b not in pending and GLOBAL not in pending]
    if fresh:
        rollup = StatisticsRollup
        for bucket, n, value in db.session.execute(
                select(rollup.bucket, rollup.count, rollup.value_eur)
                .where(rollup.bucket.in_(fresh), rollup.dimension == COMPLETED_ALL)).all():
            totals.per_bucket[bucket] = (n, Decimal(value))
        columns = (rollup.dimension, rollup.key)
        summed = (select(*columns, rollup.count, rollup.value_eur).where(rollup.bucket == fresh[0]) if len(fresh) == 1
                  else select(*columns, func.sum(rollup.count), func.sum(rollup.value_eur))
                  .where(rollup.bucket.in_(fresh)).group_by(*columns))
        for dimension, key, n, value in db.session.execute(summed).all():
            totals.sums[(dimension, key)] = [int(n), Decimal(value)]
    stale = [b for b in buckets if b not in set(fresh)]
    counted = {}
    # A few stale buckets (after a change) are counted one by one, without extracting every row's month.
    for run in _runs(stale) if len(stale) > 3 else [[bucket] for bucket in stale]:
        rows = _count_months(bucket_start(run[0]), _bucket_end(run[-1]))
        counted.update({b: rows.get(b, []) for b in run})
    for bucket, rows in counted.items():
        for dimension, key, n, value in rows:
            totals.add(bucket, dimension, key, n, value)
    if counted and not pending:
        _store(counted, wanted)
    return totals


def _store(counted: dict[str, list], tokens: dict[str, str]) -> None:
    """Keeps what was counted for every app server, in a transaction of its own (the page's own is a read).
    Keeping is worth no wait: a writer holding SQLite's lock or PostgreSQL's rows wins, and so does another
    server storing the same bucket at the same moment."""
    if db.engine.dialect.name == "sqlite" and begins_writing():
        # This transaction holds SQLite's write lock (a job, a command): no other connection could write now,
        # nor can anyone change the exchanges under it. What it keeps goes with its own commit or rollback.
        with db.session.begin_nested():
            _write(db.session.connection(), counted, tokens)
        return
    with db.engine.connect() as connection:
        sqlite_ = connection.dialect.name == "sqlite"
        try:
            connection.exec_driver_sql("PRAGMA busy_timeout = 200" if sqlite_ else "SET LOCAL lock_timeout = '200ms'")
            _write(connection, counted, tokens)
            connection.commit()
        except SQLAlchemyError:
            connection.rollback()
            log.info("statistics rollups of %s not kept", ", ".join(sorted(counted)), exc_info=True)
        finally:
            if sqlite_:
                connection.exec_driver_sql("PRAGMA busy_timeout = 5000")
                connection.rollback()


def _write(connection, counted: dict[str, list], tokens: dict[str, str]) -> None:
    """Writes only the figures that differ from those stored: a change moves a few of a month's."""
    rollup = StatisticsRollup
    # The states first: a server storing the same buckets at the same moment waits here, then reads what the
    # other stored and fails on the states' keys, so the figures are never a mix of the two.
    connection.execute(delete(StatisticsRollupState).where(StatisticsRollupState.bucket.in_(counted)))
    stored = {(b, d, k): (n, v) for b, d, k, n, v in connection.execute(
        select(rollup.bucket, rollup.dimension, rollup.key, rollup.count, rollup.value_eur)
        .where(rollup.bucket.in_(counted)))}
    now = {(b, d, k): (n, v) for b, found in counted.items() for d, k, n, v in found}
    for bucket, dimension, key in stored.keys() - now.keys():
        connection.execute(delete(rollup).where(rollup.bucket == bucket, rollup.dimension == dimension,
                                                rollup.key == key))
    changed = [{"bucket": b, "dimension": d, "key": k, "count": n, "value_eur": v}
               for (b, d, k), (n, v) in now.items() if stored.get((b, d, k)) != (n, v)]
    if changed:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(rollup)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["bucket", "dimension", "key"],
            set_={"count": statement.excluded.count, "value_eur": statement.excluded.value_eur}), changed)
    connection.execute(insert(StatisticsRollupState), [{"bucket": b, "token": tokens[b]} for b in counted])


def forget_all() -> None:
    """For tests that change exchanges behind the ORM's back: every bucket is counted again."""
    db.session.execute(delete(StatisticsRollupState))


# Writers: which buckets a transaction's changes touch.

CHANGED = "statistics_buckets_changed"


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).date() if value.tzinfo else value.date()
    return value


def _values(obj, attribute: str) -> list:
    history = inspect(obj).attrs[attribute].history
    return [v for v in chain(history.added, history.unchanged, history.deleted) if v is not None]


def _exchange_buckets(exchange) -> set[str]:
    buckets = set()
    for made in _values(exchange, "created_at"):
        buckets.add(month_bucket(_day(made)))
    states = _values(exchange, "state")
    if not states or COMPLETED in states:  # the completions' buckets: only when it is, or was, completed
        for ended in _values(exchange, "ends_on"):
            buckets.add(month_bucket(ended))
    return buckets or {GLOBAL}


def _moved(resource) -> bool:
    state = inspect(resource)
    return any(state.attrs[a].history.has_changes() for a in ("category", "municipality"))


@event.listens_for(Session, "after_flush")
def _note_changes(session, _flush_context):
    touched = session.info.setdefault(CHANGED, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Exchange) and (obj not in session.dirty or session.is_modified(obj)):
            touched |= _exchange_buckets(obj)
        elif isinstance(obj, Resource) and obj in session.dirty and _moved(obj):
            touched.add(GLOBAL)
    if not touched:
        session.info.pop(CHANGED)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_change(state):
    """A bulk UPDATE or DELETE of exchanges touches the buckets of the rows it matches (read before it runs);
    one of resources, or one that moves exchanges in time, touches everything."""
    if not (state.is_update or state.is_delete):
        return
    classes = {m.class_ for m in state.all_mappers}
    touched = state.session.info.setdefault(CHANGED, set())
    statement = state.statement
    moves = state.is_update and {"created_at", "ends_on"} & {str(getattr(c, "key", c)) for c in _set_columns(statement)}
    if Resource in classes or (Exchange in classes and (moves or statement.whereclause is None)):
        touched.add(GLOBAL)
    elif Exchange in classes:
        completes = "state" in {str(getattr(c, "key", c)) for c in _set_columns(statement)}
        rows = state.session.connection().execute(
            select(Exchange.created_at, Exchange.ends_on, Exchange.state).where(statement.whereclause)).all()
        for made, ended, now in rows:
            touched.add(month_bucket(_day(made)))
            if completes or now == COMPLETED:
                touched.add(month_bucket(ended))


def _set_columns(statement) -> list:
    return list(getattr(statement, "_values", None) or {})


def _upsert(connection, rows: list[dict]):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(StatisticsVersion).values(rows)
    return connection.execute(statement.on_conflict_do_update(index_elements=["bucket"],
                                                              set_={"token": statement.excluded.token}))


@event.listens_for(Session, "before_commit")
def _new_tokens(session):
    if not ends_the_transaction(session):  # last before the real COMMIT, not at a rule's savepoint
        return
    session.flush()  # the commit's own flush comes after this hook
    touched = session.info.pop(CHANGED, None)
    if touched:
        # In one order everywhere, last before COMMIT: two writers never wait for each other's rows in turn.
        _upsert(session.connection(), [{"bucket": b, "token": secrets.token_hex(16)} for b in sorted(touched)])


@event.listens_for(Session, "after_rollback")
def _forget_changes(session):
    if ends_the_transaction(session):  # a rule's rollback leaves the changes made before it
        session.info.pop(CHANGED, None)
