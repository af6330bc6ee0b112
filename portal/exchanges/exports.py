"""An organization's exchanges as files: the iCalendar feed, and the ledger as a table for CSV and XLSX."""
from datetime import datetime, time, timedelta, timezone

from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..urls import absolute_url
from .confirmations import state_label as confirmation_label


def local_day(moment: datetime):
    """The day `moment` fell on where the network is."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def calendar_file(org_name: str, org_id: int, exchanges) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//NGO partnership portal//exchanges//LV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", org_name)
    for exchange in exchanges:
        event = Event()
        incoming = exchange.owner_org_id == org_id
        other = exchange.requester_org if incoming else exchange.owner_org
        event.add("uid", f"exchange-{exchange.id}@portal")
        event.add("summary", f"{exchange.resource.title} — {other.name}")
        event.add("dtstart", exchange.starts_on)
        event.add("dtend", exchange.ends_on + timedelta(days=1))
        event.add("dtstamp", datetime.combine(exchange.created_at.date(), time(), tzinfo=timezone.utc))
        event.add("description", f"{exchange.purpose}\n{absolute_url('exchanges.detail', exchange_id=exchange.id)}")
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def ledger_table(rows) -> tuple[list[str], list[list]]:
    """The ledger as a table in the reader's language (call it in a request or under force_locale): headers
    and values translated, numbers as numbers, dates as dates (portal.spreadsheets writes the files)."""
    header = [_("No."), _("Direction"), _("Other organization"), _("Resource"), _("From"), _("To"),
              _("Quantity of units"), _("Unit"), _("Value, EUR"), _("Completed"), _("Confirmation")]
    units = {"hour": _("hours"), "day": _("days"), "unit": _("units")}
    table = []
    for row in rows:
        e = row["exchange"]
        unit = e.resource.value_unit
        table.append([e.id, _("given") if row["gave"] else _("received"), row["other"].name, e.resource.title,
                      e.starts_on, e.ends_on, e.value_units, units.get(unit, ""),
                      e.value_eur, local_day(e.completed_at) if e.completed_at else None,
                      confirmation_label(e.feedback_state)])
    return header, table
