"""A network with a hand-counted history in 2024–2025, for the statistics and the reports.

    exchange  resource (owner → requester)           requested   period                   state      value
    x1        B's hall "Dzerkaļi" (B → C), ludzas      2025-01-20  2025-02-10 … 2025-02-11  completed  160.00
    x2        C's laptop (C → B), daugavpils           2024-12-01  2024-12-31               completed   50.00
    x3        C's sound kit (C → B), rezeknes          2025-12-01  2025-12-30 … 2025-12-31  completed   40.00
    x4        C's sound kit (C → B)                    2025-05-01  2025-06-10               cancelled
    x5        B's volunteers (B → C), 12 h             2025-03-01  2025-03-15 … 2025-03-16  completed   96.00
    x6        B's expertise (B → C), 3 h               2025-12-31  2026-01-02               completed   45.00

    the world's own: C's accepted request for B's hall (requested 2024-11-01), C's pending one (2026-02-01).
    organizations: B approved 2025-03-01, C approved 2024-12-31 23:00 UTC (the year before), E suspended
    (approved 2025-06-01), F left, G active with nothing at all, the coordinating org with nothing in 2025.
    resources created in 2025: C's sound kit (01-05), C's archived projector (04-01), B's volunteers (02-01) and
    expertise (02-01); needs in 2025: B's equipment need (01-01, answered by x3), C's premises need (03-01, x1
    came before it: not answered).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from portal.exchanges import services as exchanges
from portal.exchanges.models import Exchange
from portal.extensions import db
from portal.orgs.models import LEFT, SUSPENDED
from portal.resources import services as catalogue
from portal.resources.models import Need

from .factories import make_org, make_resource


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@dataclass
class History:
    x1: Exchange
    x2: Exchange
    x3: Exchange
    x4: Exchange
    x5: Exchange
    x6: Exchange
    suspended_org: object
    left_org: object
    idle_org: object


def _done(requester, owner, resource, start, days, value, hours=None, requested=None, complete=True):
    end = start + timedelta(days=days - 1)
    today = start - timedelta(days=5)
    exchange = exchanges.request_exchange(requester, resource, starts_on=start, ends_on=end, quantity=1,
                                          hours=hours, purpose="Pasākums", message="", today=today)
    exchanges.accept(owner, exchange, today=today)
    if complete:
        exchanges.complete(requester, exchange, value_units=hours, value_eur=value, today=end)
        exchange.completed_at = utc(end.year, end.month, end.day, 18)
    exchange.created_at = requested
    return exchange


def build_history(world) -> History:
    B, C = world.representative, world.other_representative
    world.org.decided_at = utc(2025, 3, 1, 10)
    world.other_org.decided_at = utc(2024, 12, 31, 23)
    suspended = make_org("Apturētā biedrība", state=SUSPENDED, decided_at=utc(2025, 6, 1, 9))
    left = make_org("Aizgājusī biedrība", state=LEFT, decided_at=utc(2023, 5, 1, 9))
    idle = make_org("Klusā biedrība", decided_at=utc(2020, 1, 1, 9))

    sound = make_resource(C, title="Skaņas komplekts", category="equipment", municipality="rezeknes",
                          handover="pickup", quantity=1)
    laptop = make_resource(C, title="Portatīvais dators", category="equipment", municipality="daugavpils",
                           handover="pickup", quantity=1)
    projector = make_resource(C, title="Vecais projektors", category="equipment", handover="pickup")
    catalogue.change_state(C, projector, "archived")
    volunteers = make_resource(B, title="Brīvprātīgie pasākumiem", kind="intellectual", category="volunteers",
                               handover="", format="in_person", location="Līvāni", municipality="livanu")
    expertise = make_resource(B, title="Grāmatvedības konsultācijas", kind="intellectual", category="expertise",
                              handover="", format="online", location="", municipality="livanu")
    for entry, day in ((sound, utc(2025, 1, 5)), (projector, utc(2025, 4, 1)), (volunteers, utc(2025, 2, 1)),
                       (expertise, utc(2025, 2, 1)), (laptop, utc(2024, 6, 1))):
        entry.created_at = day
    need_b = make_resource(B, model=Need, title="Vajag skaņas tehniku", category="equipment", handover="pickup")
    need_c = make_resource(C, model=Need, title="Vajag zāli", category="premises", handover="pickup")
    need_b.created_at, need_c.created_at = utc(2025, 1, 1), utc(2025, 3, 1)
    world.need.created_at = utc(2026, 1, 1)  # the world's need (training): never answered, not in 2025
    world.accepted_exchange.created_at = utc(2024, 11, 1)  # C's accepted request for B's hall: before C's need
    world.exchange.created_at = utc(2026, 2, 1)

    x1 = _done(world.other_member, B, world.resource, date(2025, 2, 10), 2, Decimal("160.00"),
               requested=utc(2025, 1, 20))
    x2 = _done(world.member, C, laptop, date(2024, 12, 31), 1, Decimal("50.00"), requested=utc(2024, 12, 1))
    x3 = _done(world.member, C, sound, date(2025, 12, 30), 2, Decimal("40.00"), requested=utc(2025, 12, 1))
    x4 = _done(world.member, C, sound, date(2025, 6, 10), 1, None, requested=utc(2025, 5, 1), complete=False)
    exchanges.cancel(world.member, x4, "Pasākums atcelts", today=date(2025, 6, 1))
    x5 = _done(world.other_member, B, volunteers, date(2025, 3, 15), 2, Decimal("96.00"), hours=Decimal("12"),
               requested=utc(2025, 3, 1))
    x6 = _done(world.other_member, B, expertise, date(2026, 1, 2), 1, Decimal("45.00"), hours=Decimal("3"),
               requested=utc(2025, 12, 31, 12))
    db.session.commit()
    return History(x1, x2, x3, x4, x5, x6, suspended, left, idle)


def confirm_history(world, history: History) -> None:
    """The other sides' confirmations, each within its 30 days (hand-counted):

        x1  B confirms as agreed (quantity 1, 160.00)              agreed     counts 160.00, 2 days
        x5  B: not as agreed, 10 hours, 80.00 (C said 12 h, 96.00)  disputed   counts 10 h, 80.00
        x3  C: no-show (B said it took place, 40.00)               disputed   counts 0.00, 0 days
        x2, x6 stay confirmed by one side (x6: 3 hours, 45.00)
    """
    from portal.exchanges.confirmations import Figures, give_feedback

    B, C = world.representative, world.other_representative
    give_feedback(B, history.x1, Figures("as_agreed", 1, None, None, Decimal("160.00")), today=date(2025, 2, 12))
    give_feedback(world.member, history.x5, Figures("not_as_agreed", 1, Decimal("10"), Decimal("10"),
                                                    Decimal("80.00"), "Divi stundas mazāk."), today=date(2025, 3, 20))
    give_feedback(C, history.x3, Figures("no_show", comment="Neviens neatnāca pēc komplekta."),
                  today=date(2026, 1, 5))
    db.session.commit()
