"""The catalogue benchmark's data generator: a seeded network of organizations, their people, resources
(with photos) and needs, bulk-inserted (SQLAlchemy Core executemany) with the same derived columns the
services keep (services.refresh_search_fields on lightweight objects): folded title and body, facets and the
Latvian sort key. Text comes from bench/catalogue_vocabulary.py with a Zipf-like frequency. Used by
bench/catalogue.py, bench/load.py, bench/member_path.py and bench/network_statistics.py (through catalogue).
"""
import random
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from bench.catalogue_vocabulary import (ADJECTIVES, AUDIENCES, AVAILABILITY, COMMON, FIRST_NAMES, HEADS,
                                        LANGUAGE_SHARES, LAST_NAMES, LOCATIVE, ORG_NAMES, ORG_PATTERNS, ORG_THINGS,
                                        PLACES, PURPOSES, RARE, UNITS, _clean, zipf_cum_weights)

PASSWORD = "bench-Latgale-2017-parole"
SEED = 2017
BATCH = 5000


# ------------------------------------------------------------------ generation

class Generator:
    """Seeded: the same arguments give the same network."""

    def __init__(self, orgs: int, resources: int, needs: int, seed: int = SEED):
        self.rng = random.Random(seed)
        self.n_orgs, self.n_resources, self.n_needs = orgs, resources, needs
        self.common = list(dict.fromkeys(_clean(w) for w in COMMON))
        self.rare = list(dict.fromkeys(_clean(w) for w in RARE))
        self.cum = zipf_cum_weights(len(self.common))
        from portal.orgs.choices import MUNICIPALITIES
        from portal.resources import choices
        self.municipalities = [code for code, _ in MUNICIPALITIES]
        self.mun_weights = [6 if c in ("daugavpils", "rezekne") else 1 if c == "other" else 3
                            for c in self.municipalities]
        self.categories = {kind: [c for c, k in choices.CATEGORY_KIND.items() if k == kind]
                           for kind in (choices.MATERIAL, choices.INTELLECTUAL)}
        self.choices = choices

    def sentence(self, n: int) -> str:
        words_ = self.rng.choices(self.common, cum_weights=self.cum, k=n)
        return words_[0][:1].upper() + words_[0][1:] + " " + " ".join(words_[1:]) + "."

    def description(self) -> str:
        remaining = self.rng.randint(20, 80)
        parts = []
        while remaining > 0:
            n = min(remaining, self.rng.randint(6, 14))
            parts.append(self.sentence(max(n, 2)))
            remaining -= n
        if self.rng.random() < 0.12:  # a specific, rare thing
            parts.append(_clean(self.rng.choice(self.rare)).capitalize() + " pieejams pēc vienošanās.")
        return " ".join(parts)

    def title(self, category: str, municipality: str) -> str:
        rng = self.rng
        words_ = HEADS[category][rng.randrange(len(HEADS[category]))].split()
        extras = [rng.choice(PURPOSES)]
        if rng.random() < 0.4:
            extras.append(LOCATIVE[municipality])
        if rng.random() < 0.3:
            words_ = [rng.choice(ADJECTIVES).capitalize()] + [words_[0].lower()] + words_[1:]
        if rng.random() < 0.4:
            extras += ["un"] + rng.choices(self.common[15:], cum_weights=None, k=1)
        if rng.random() < 0.03:
            extras.append(_clean(rng.choice(self.rare)))
        words_ += extras
        while len(words_) < 3:
            words_.append(rng.choice(PURPOSES))
        return " ".join(words_[:8])

    def org_name(self, i: int) -> tuple[str, str]:
        rng = self.rng
        municipality = rng.choices(self.municipalities, weights=self.mun_weights)[0]
        place = rng.choice(PLACES[municipality])
        name = rng.choice(ORG_PATTERNS).format(x=_clean(rng.choice(ORG_NAMES)), place=place,
                                               thing=rng.choice(ORG_THINGS))
        return name, municipality

    def organizations(self, now):
        rows = []
        for i in range(1, self.n_orgs + 1):
            name, municipality = self.org_name(i)
            if i == 1:
                name = "Intelekta parks"
            rows.append({
                "id": i, "name": name, "legal_form": "association", "registration_number": f"4{i:010d}",
                "legal_address": f"{self.rng.choice(PLACES[municipality])}, LV-{5000 + i % 900}",
                "municipality": municipality, "email": f"org{i}@bench.example.org", "phone": "", "website": "",
                "description": self.sentence(15), "state": "active", "is_coordinating": i == 1,
                "decision_reason": "", "applied_at": now - timedelta(days=2000), "decided_at": now - timedelta(days=1990),
                "decided_by_id": None,
            })
        return rows

    def users(self, orgs, password_hash, now):
        from portal.accounts.models import new_session_token
        rows, uid = [], 0
        for org in orgs:
            for role in ("representative", "member"):
                uid += 1
                rows.append({
                    "id": uid, "org_id": org["id"], "email": f"{role}{org['id']}@bench.example.org",
                    "name": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}", "position": "",
                    "password_hash": password_hash, "role": role, "is_coordinator": org["id"] == 1 and role == "representative",
                    "locale": "lv", "session_token": new_session_token(), "failed_logins": 0, "locked_until": None,
                    "created_at": now - timedelta(days=1900), "last_login_at": None, "removed_at": None,
                })
        return rows

    def entries(self, count: int, orgs, is_resource: bool, now, df: Counter | None):
        """Yields resource (or need) rows in id order, the newest last, with the derived columns."""
        from portal.resources import services
        from portal.resources.search import words
        rng, ch = self.rng, self.choices
        start = now - timedelta(days=5 * 365)
        step = (now - start) / max(count, 1)
        org_by_id = {o["id"]: SimpleNamespace(name=o["name"], municipality=o["municipality"]) for o in orgs}
        for i in range(1, count + 1):
            org_id = rng.randint(2, len(orgs)) if len(orgs) > 1 else 1
            org = org_by_id[org_id]
            kind = ch.MATERIAL if rng.random() < 0.55 else ch.INTELLECTUAL
            category = rng.choice(self.categories[kind])
            municipality = org.municipality if rng.random() < 0.8 else rng.choices(
                self.municipalities, weights=self.mun_weights)[0]
            languages = [code for code, share in LANGUAGE_SHARES if rng.random() < share] or ["lv"]
            material = kind == ch.MATERIAL
            entry = SimpleNamespace(
                kind=kind, category=category, title=self.title(category, municipality),
                description=self.description(), municipality=municipality,
                location=(rng.choice(PLACES[municipality]) + (" pagasts" if rng.random() < 0.3 else ""))
                if rng.random() < 0.7 else "",
                quantity=rng.choice([1, 1, 1, 2, 5, 10, 20, 25, 40, 120]), unit=rng.choice(UNITS),
                languages=",".join(languages), terms=rng.choice([ch.FREE, ch.COST_SHARING, ch.RECIPROCAL]),
                availability=rng.choice(AVAILABILITY),
                visibility=ch.PUBLIC if rng.random() < 0.3 else ch.NETWORK,
                format="" if material else rng.choice(["in_person", "online", "hybrid"]),
                audience="" if material else rng.choice(AUDIENCES),
                handover=rng.choice(["pickup", "delivery", "with_operator"]) if material else "",
                state=ch.ACTIVE if rng.random() < 0.9 else rng.choice([ch.PAUSED, ch.ARCHIVED]),
                org_id=org_id, org=org,
            )
            entry.language_codes = languages
            services.refresh_search_fields(entry)
            created = start + step * i
            row = {
                "id": i, "kind": entry.kind, "category": entry.category, "title": entry.title,
                "description": entry.description, "municipality": entry.municipality, "location": entry.location,
                "quantity": entry.quantity, "unit": entry.unit, "languages": entry.languages, "terms": entry.terms,
                "availability": entry.availability, "visibility": entry.visibility, "format": entry.format,
                "audience": entry.audience, "handover": entry.handover, "state": entry.state,
                "created_at": created, "updated_at": created, "search_title": entry.search_title,
                "search_body": entry.search_body, "search_facets": entry.search_facets, "sort_key": entry.sort_key,
                "org_id": org_id, "created_by_id": 2 * org_id - 1,
            }
            if is_resource:
                priced = rng.random() < 0.25
                row.update(value_eur=Decimal(rng.choice([5, 10, 15, 25, 40, 80, 120])) if priced else None,
                           value_unit=rng.choice(["hour", "day", "unit"]) if priced else "",
                           licence="" if material or rng.random() < 0.6 else rng.choice(
                               ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "all-rights-reserved"]))
            if df is not None:
                df.update(set(words(entry.search_title + " " + entry.search_body)))
            yield row

    def photos(self, n_resources: int, now):
        rows, pid = [], 0
        for rid in range(1, n_resources + 1):
            if self.rng.random() < 0.2:
                for position in range(self.rng.randint(1, 3)):
                    pid += 1
                    rows.append({"id": pid, "resource_id": rid, "sha256": f"{rid:032x}{position:032x}",
                                 "width": 1200, "height": 800, "position": position, "created_at": now})
        return rows


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(db, args) -> dict:
    """Bulk-inserts the network; returns statistics (document frequency of every folded word)."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.orgs.models import Organization
    from portal.resources.models import Need, Resource, ResourcePhoto

    gen = Generator(args.orgs, args.resources, args.needs)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    password_hash = hash_password(PASSWORD)
    df: Counter = Counter()
    engine = db.engine
    t0 = time.perf_counter()
    orgs = gen.organizations(now)
    with engine.begin() as conn:
        conn.execute(sa.insert(Organization.__table__), orgs)
        conn.execute(sa.insert(User.__table__), gen.users(orgs, password_hash, now))
    done = 0
    for batch in _batched(gen.entries(args.resources, orgs, True, now, df), BATCH):
        with engine.begin() as conn:
            conn.execute(sa.insert(Resource.__table__), batch)
        done += len(batch)
        print(f"\r  resources: {done:,}/{args.resources:,}", end="", flush=True)
    print()
    for batch in _batched(gen.entries(args.needs, orgs, False, now, None), BATCH):
        with engine.begin() as conn:
            conn.execute(sa.insert(Need.__table__), batch)
    with engine.begin() as conn:
        for batch in _batched(gen.photos(args.resources, now), BATCH):
            conn.execute(sa.insert(ResourcePhoto.__table__), batch)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("organizations", "users", "resources", "needs", "resource_photos"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does shortly after a bulk load
    seconds = time.perf_counter() - t0
    return {"generation_seconds": seconds, "df": dict(df), "orgs": args.orgs, "resources": args.resources,
            "needs": args.needs, "member_email": "member2@bench.example.org"}


def database_size(db) -> int:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
