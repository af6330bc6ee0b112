"""An organization's exchanges as files: the iCalendar feed and the ledger as CSV."""
import csv
import io
from datetime import datetime, time, timedelta, timezone

from icalendar import Calendar, Event

from ..urls import absolute_url


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


def ledger_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["exchange", "direction", "other_organization", "resource", "from", "to", "units", "value_eur",
                     "completed_at"])
    for row in rows:
        e = row["exchange"]
        writer.writerow([e.id, "gave" if row["gave"] else "received", row["other"].name, e.resource.title,
                         e.starts_on.isoformat(), e.ends_on.isoformat(),
                         "" if e.value_units is None else e.value_units, "" if e.value_eur is None else e.value_eur,
                         e.completed_at.date().isoformat() if e.completed_at else ""])
    return "\ufeff" + out.getvalue()
