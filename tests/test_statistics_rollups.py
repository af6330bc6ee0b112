"""The statistics' pre-counted buckets (portal/reports/rollups.py): stored rollups are used while they hold,
and every kind of change (a flush, a bulk update, a resource moved, a commit from another app server, this
transaction's own uncommitted work) makes the buckets it touches counted again, on both databases."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from portal.exchanges.models import Exchange
from portal.extensions import db
from portal.reports import periods, rollups, statistics
from portal.reports.models import StatisticsRollup, StatisticsRollupState
from portal.reports.periods import period_of

from .helpers import commit_as_another_server
from .report_world import build_history

TODAY = date(2026, 12, 1)


@pytest.fixture
def history(world):
    made = build_history(world)
    db.session.commit()
    return made


def figures(kind=periods.ALL_TIME, day=TODAY):
    statistics._cache.clear()  # the per-process copy: these tests are about what lies beneath it
    return statistics.network_statistics(period_of(kind, day), today=TODAY)


def tamper(bucket: str, count: int) -> None:
    """Behind the portal's back, as no change of the network would: shows whether a stored rollup was used."""
    db.session.execute(update(StatisticsRollup).where(StatisticsRollup.bucket == bucket,
                                                      StatisticsRollup.dimension == rollups.COMPLETED_ALL)
                       .values(count=count))
    db.session.commit()


def test_the_buckets_are_stored_and_used_while_they_hold(app, history):
    first = figures()
    assert (first.headline.completed, first.headline.value_eur) == (5, Decimal("391.00"))
    stored = set(db.session.scalars(select(StatisticsRollupState.bucket)))
    assert {"m2025-02", "m2025-12", "m2024-12"} <= stored
    tamper("m2025-02", 7)  # x1's month
    assert figures().headline.completed == 5 + 6  # the stored rollup, not a count of the exchanges
    assert [n for day, n, _v in figures().by_month if day == date(2025, 2, 1)] == [7]


def test_a_change_counts_its_month_again_and_only_that(app, history):
    figures()
    tamper("m2025-02", 7)
    tamper("m2025-03", 9)
    history.x1.value_eur = Decimal("150.00")  # x1 ended in February 2025
    db.session.commit()
    after = figures()
    months = {day: (n, v) for day, n, v in after.by_month}
    assert months[date(2025, 2, 1)] == (1, Decimal("150.00"))  # counted again
    assert months[date(2025, 3, 1)][0] == 9  # untouched: still the stored rollup


def test_a_cancelled_completion_leaves_every_figure_of_its_month(app, history):
    before = figures(periods.YEAR, date(2025, 1, 1))
    history.x5.state = "cancelled"  # B's volunteers, March 2025
    db.session.commit()
    after = figures(periods.YEAR, date(2025, 1, 1))
    assert after.headline.completed == before.headline.completed - 1
    assert after.headline.value_eur == before.headline.value_eur - Decimal("96.00")
    assert "volunteers" not in {code for code, _n, _v in after.by_category}
    assert "livanu" not in {code for code, _n, _v in after.by_municipality}
    assert [(org.name, given) for org, given, _v, _r in after.by_org] == [("Baltā māja", 1), ("Sukrums", 1)]
    assert after.headline.by_state == {"completed": 3, "cancelled": 2}


def test_a_bulk_update_touches_the_buckets_of_the_rows_it_matches(app, history):
    figures()
    tamper("m2025-12", 4)
    db.session.execute(update(Exchange).where(Exchange.id == history.x3.id).values(value_eur=Decimal("41.00"))
                       .execution_options(synchronize_session=False))
    db.session.commit()
    months = {day: (n, v) for day, n, v in figures().by_month}
    assert months[date(2025, 12, 1)] == (1, Decimal("41.00"))


def test_a_resource_moved_to_another_category_moves_its_exchanges(app, history):
    figures()
    resource = history.x5.resource
    resource.category = "expertise"
    db.session.commit()
    by_category = {code: n for code, n, _v in figures().by_category}
    assert "volunteers" not in by_category and by_category["expertise"] == 2  # x5 and x6


def test_a_change_committed_by_another_app_server_counts_again(app, history):
    figures()
    x1 = history.x1.id

    def cancel(session):
        session.get(Exchange, x1).state = "cancelled"

    commit_as_another_server(cancel)
    assert figures().headline.completed == 4


def test_this_transactions_own_changes_are_counted_but_not_kept(app, history):
    before = figures()
    db.session.commit()  # outside a request (SQLite) the rollups are kept with the transaction's own commit
    tokens = dict(db.session.execute(select(StatisticsRollupState.bucket, StatisticsRollupState.token)).all())
    history.x1.value_eur = Decimal("1.00")
    db.session.flush()
    assert figures().headline.value_eur == before.headline.value_eur - Decimal("159.00")
    db.session.rollback()
    assert dict(db.session.execute(select(StatisticsRollupState.bucket, StatisticsRollupState.token)).all()) == tokens
    assert figures().headline.value_eur == before.headline.value_eur


def test_with_nothing_stored_every_bucket_is_counted(app, history):
    before = figures()
    tamper("m2025-02", 7)
    rollups.forget_all()
    db.session.commit()
    after = figures()
    assert (after.headline.completed, after.by_month) == (before.headline.completed, before.by_month)
