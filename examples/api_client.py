#!/usr/bin/env python3
"""A small client of the portal's API (needs only `requests`).

    python examples/api_client.py https://portal.example.org                 # the public catalogue
    PORTAL_TOKEN=lbt_… python examples/api_client.py https://portal.example.org \\
        --request 42 --start 2027-05-04 --end 2027-05-05 --purpose "Seminārs"  # request resource 42

It lists every public resource (following the cursors), then, with a read-write token, requests one for a
period and prints the new exchange. Errors come as application/problem+json and are printed as they say.
"""
import argparse
import os
import sys

import requests


def catalogue(session: requests.Session, base: str, query: str = ""):
    """Every resource the token (or a visitor) may see, page after page."""
    params = {"limit": 50, "sort": "title"}
    if query:
        params["q"] = query
    while True:
        response = session.get(f"{base}/api/v1/resources", params=params, timeout=30)
        response.raise_for_status()
        page = response.json()
        yield from page["items"]
        if not page["next_cursor"]:
            return
        params["cursor"] = page["next_cursor"]


def request_exchange(session: requests.Session, base: str, resource_id: int, start: str, end: str,
                     purpose: str, quantity: int = 1) -> dict:
    response = session.post(f"{base}/api/v1/resources/{resource_id}/exchanges", timeout=30, json={
        "starts_on": start, "ends_on": end, "quantity": quantity, "purpose": purpose})
    if response.headers.get("Content-Type", "").startswith("application/problem+json"):
        problem = response.json()
        details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in problem.get("errors", {}).items())
        raise SystemExit(f"{problem['status']} {problem['title']}: {problem.get('detail', '')} {details}".strip())
    response.raise_for_status()
    return response.json()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--q", default="", help="search words")
    parser.add_argument("--request", type=int, metavar="RESOURCE_ID", help="request this resource")
    parser.add_argument("--start"), parser.add_argument("--end"), parser.add_argument("--purpose", default="")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    session = requests.Session()
    token = os.environ.get("PORTAL_TOKEN")
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    for item in catalogue(session, base, args.q):
        print(f"{item['id']}\t{item['title']}\t{item['organization']['name']}")
    if args.request:
        if not token:
            raise SystemExit("Set PORTAL_TOKEN to a read-write token to request an exchange.")
        exchange = request_exchange(session, base, args.request, args.start, args.end, args.purpose)
        print(f"exchange {exchange['id']} {exchange['state']}: {exchange['resource']['title']}, "
              f"{exchange['starts_on']} – {exchange['ends_on']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
