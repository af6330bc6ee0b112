"""examples/api_client.py (requests only) against the portal served over real HTTP: it lists the public
catalogue page by page and, with a read-write token, requests an exchange."""
import os
import subprocess
import sys
from datetime import date, timedelta

from sqlalchemy import select

from portal.exchanges.models import Exchange
from portal.extensions import db

from .factories import make_resource, make_token
from .http_server import serving

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "api_client.py")


def run(base, *args, token=None):
    env = {**os.environ, "PORTAL_TOKEN": token or ""}
    return subprocess.run([sys.executable, SCRIPT, base, *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_the_example_client_lists_the_catalogue_and_requests_an_exchange(app, world):
    for n in range(60):  # more than one page of 50
        make_resource(world.representative, title=f"Galds {n:02d}", category="equipment", visibility="public")
    token = make_token(world.other_member, "read_write")
    resource_id = world.resource.id
    db.session.commit()
    db.session.remove()  # the served requests have the database to themselves
    start = date.today() + timedelta(days=45)
    with serving(app) as base:
        listing = run(base)
        assert listing.returncode == 0, listing.stderr
        lines = listing.stdout.splitlines()
        assert len(lines) == 61 and "Projektors un ekrāns\tBaltā māja" in listing.stdout
        assert "Dzerkaļi" not in listing.stdout  # network-only: not for a visitor

        made = run(base, "--request", str(resource_id), "--start", start.isoformat(), "--end",
                   (start + timedelta(days=1)).isoformat(), "--purpose", "Seminārs", token=token)
        assert made.returncode == 0, made.stderr
        assert "Dzerkaļi" in made.stdout and "requested" in made.stdout.splitlines()[-1]

        refused = run(base, "--request", str(resource_id), "--start", "2020-01-01", "--end", "2020-01-02",
                      "--purpose", "Seminārs", token=token)
        assert refused.returncode != 0 and "starts_on" in refused.stderr
    db.session.remove()
    assert db.session.scalar(select(Exchange).where(Exchange.purpose == "Seminārs",
                                                    Exchange.starts_on == start)) is not None
