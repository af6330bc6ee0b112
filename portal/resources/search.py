"""Catalogue search, the same behaviour on SQLite (FTS5) and PostgreSQL (tsvector).

Both engines search folded text columns kept by the services: the title and the body
(description, location, audience, organization name…). SQLite's FTS5 index also holds *facets*:
tokens such as `kindmaterial`, `munludzas`, `vispublic`, so filters are terms inside the
full-text match and the engine intersects them with the words. PostgreSQL keeps each entry's
words, facets, state and visibility in a narrow table of its own (`resources_search`,
`needs_search`, kept by a trigger: migration catalogue_search_tables); its GIN index on words and
facets needs no recheck, and walking the newest entries reads about ten of them per 8 kB page.

Ranking must not sort the whole match set (bm25 over 100,000 matches is far too slow), so
relevance is computed over the newest CANDIDATES matches only: a broad query ranks its
newest 2,000 hits, a specific query ranks all of its hits. The count is exact up to COUNT_CAP.
"""
import re
from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..text import fold_diacritics
from . import choices

CANDIDATES = 2000
FEW_MATCHES = 3000  # words matching at most this many rows are filtered by the table, not by the index
COUNT_CAP = 1000  # beyond this the page says "more than 1,000": an exact count of 80,000 costs more than the page
MAX_PAGE = 10_000
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
STOPWORDS = frozenset(
    "un ar vai par uz no kas ir lai ka bet pie lidz pec bez ari ta tas to tie tam vel jau ko kur "
    "viens viena vienu divi divu tris cetri meklejam meklejam vajadzigs vajadziga vajag nepieciesams "
    "the and for with from that this are our your".split()
)
# Latvian inflects the end of a word (projektors, projektoru, projektoram): a search word loses
# its ending and is matched as a prefix. Folded endings, longest first.
ENDINGS = ("iem", "ies", "am", "em", "im", "um", "ai", "ei", "as", "es", "is", "us", "os",
           "a", "e", "i", "u", "s")
MIN_STEM = 4


def stem(word: str) -> str:
    if len(word) < MIN_STEM + 2:
        return word
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def words(text_: str) -> list[str]:
    """Folded search words: 'Zāle “Dzerkaļi”' -> ['zale', 'dzerkali']."""
    return re.findall(r"[^\W_]+", fold_diacritics(text_))


def facet(prefix: str, code) -> str:
    return prefix + re.sub(r"[^0-9a-z]", "", str(code).lower())


def facets_of(entry) -> str:
    tokens = [
        facet("kind", entry.kind), facet("cat", entry.category), facet("mun", entry.municipality),
        facet("org", entry.org_id), facet("terms", entry.terms), facet("vis", entry.visibility),
        facet("state", entry.state),
    ]
    tokens += [facet("lang", code) for code in entry.language_codes]
    return " ".join(tokens)


@dataclass
class CatalogueQuery:
    q: str = ""
    kind: str = ""
    category: str = ""
    municipality: str = ""
    org: str = ""
    terms: str = ""
    language: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    def facets(self, public_only: bool) -> list[str]:
        wanted = [facet("state", choices.ACTIVE)]
        if public_only:
            wanted.append(facet("vis", choices.PUBLIC))
        return wanted + self.filter_facets()

    def filter_facets(self) -> list[str]:
        """The facets of the filters chosen, without state and visibility, which facets() adds."""
        return [facet(prefix, value) for prefix, value in (
            ("kind", self.kind), ("cat", self.category), ("mun", self.municipality), ("org", self.org),
            ("terms", self.terms), ("lang", self.language)) if value]


@dataclass
class SearchPage:
    items: list = field(default_factory=list)  # the entries, unless the search was asked for ids only
    ids: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    ranked_among: int | None = None  # set when relevance was computed over the newest matches only
    more: bool = False  # there are more than `total` (COUNT_CAP) matches

    @property
    def pages(self) -> int:
        reachable = self.total if self.ranked_among is None else min(self.total, self.ranked_among)
        return max(1, -(-reachable // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# ---------------------------------------------------------------- match expressions

def query_words(text_: str) -> list[str]:
    return [stem(word) for word in words(text_)]


def _fts5_terms(tokens: list[str], operator: str) -> str:
    return f" {operator} ".join(f'"{t}"*' if len(t) >= 3 else f'"{t}"' for t in tokens)


def _fts5_match(tokens: list[str], facets: list[str], operator: str = "AND") -> str:
    parts = []
    if tokens:
        parts.append("{search_title search_body} : (" + _fts5_terms(tokens, operator) + ")")
    if facets:
        parts.append("search_facets : (" + " AND ".join(f'"{f}"' for f in facets) + ")")
    return " AND ".join(parts)


def _tsquery(tokens: list[str], operator: str = "&") -> str:
    """PostgreSQL: the words as a tsquery for the search table's `words` column (no weight labels, so no recheck)."""
    return f" {operator} ".join(f"{t}:*" if len(t) >= 3 else t for t in tokens)


# PostgreSQL's search tables (migration catalogue_search_tables): not in the models' metadata, as SQLite has none.
_SEARCH_METADATA = MetaData()
SEARCH_TABLES = {
    name: Table(f"{name}_search", _SEARCH_METADATA, Column("id", Integer, primary_key=True), Column("words", TSVECTOR),
                Column("facets", TSVECTOR), Column("state", Text), Column("visibility", Text))
    for name in ("resources", "needs")
}
# Title (A) above body (B) when ranking: ts_rank's weights are given in the order D, C, B, A.
_RANK_WEIGHTS = literal_column(f"'{{0, 0, {BODY_WEIGHT / TITLE_WEIGHT}, 1.0}}'::float4[]")


def _search_table_matches(model, tokens, query: "CatalogueQuery", public_only: bool, operator: str = "&"):
    """PostgreSQL: the search table and its conditions for these words and filters."""
    searched = SEARCH_TABLES[model.__tablename__]
    conditions = [searched.c.words.bool_op("@@")(func.to_tsquery("simple", _tsquery(tokens, operator))),
                  searched.c.state == choices.ACTIVE]
    if public_only:
        conditions.append(searched.c.visibility == choices.PUBLIC)
    if wanted := query.filter_facets():
        conditions.append(searched.c.facets.bool_op("@@")(func.to_tsquery("simple", " & ".join(wanted))))
    return searched, conditions


# ---------------------------------------------------------------- engines

def _capped_select_count(selectable) -> tuple[int, bool]:
    found = db.session.scalar(select(func.count()).select_from(selectable.limit(COUNT_CAP + 1).subquery()))
    return min(found, COUNT_CAP), found > COUNT_CAP


def _capped_count(inner_sql: str, params: dict) -> tuple[int, bool]:
    found = db.session.execute(
        text(f"SELECT count(*) FROM ({inner_sql} LIMIT {COUNT_CAP + 1}) AS capped"), params).scalar()
    return min(found, COUNT_CAP), found > COUNT_CAP


def _ranked_ids(model, tokens, query: "CatalogueQuery", public_only: bool, operator, limit, offset, counted=True):
    """(ids of one page by relevance, count, more than count?, ranked among how many or None)."""
    table = model.__tablename__
    total, more = 0, False
    if db.engine.dialect.name == "sqlite":
        fts5_operator = "AND" if operator == "&" else "OR"
        source, where, params = _fts5_source(table, tokens, query.facets(public_only), fts5_operator)
        if counted:
            total, more = _capped_count(f"SELECT 1 FROM {source} WHERE {where}", params)
        rows = db.session.execute(text(
            f"SELECT id FROM (SELECT {table}_fts.rowid AS id, "
            f"bm25({table}_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}, 0.0) AS score "
            f"FROM {source} WHERE {where} ORDER BY {table}_fts.rowid DESC LIMIT :cap) "
            f"ORDER BY score, id DESC LIMIT :limit OFFSET :offset"),
            {**params, "cap": CANDIDATES, "limit": limit, "offset": offset}).scalars().all()
    else:
        searched, conditions = _search_table_matches(model, tokens, query, public_only, operator)
        candidates = (select(searched.c.id, searched.c.words).where(*conditions)
                      .order_by(searched.c.id.desc()).limit(CANDIDATES).subquery())
        # Ranked by any of the words, as SQLite's bm25 scores each word it finds.
        rank = func.ts_rank(_RANK_WEIGHTS, candidates.c.words, func.to_tsquery("simple", _tsquery(tokens, "|")))
        # The newest CANDIDATES matches hold more than COUNT_CAP, so they also give the count: one statement.
        found = db.session.execute(select(candidates.c.id, *([func.count().over()] if counted else [])).order_by(
            rank.desc(), candidates.c.id.desc()).limit(limit).offset(offset)).all()
        rows = [row[0] for row in found]
        # The window's count tells "more than COUNT_CAP" only when there are more candidates than that (not so
        # where a test makes the candidates few); past the last page there is no row to carry it.
        if counted and found and CANDIDATES > COUNT_CAP:
            total, more = min(found[0][1], COUNT_CAP), found[0][1] > COUNT_CAP
        elif counted:
            total, more = _capped_select_count(select(searched.c.id).where(*conditions))
    return list(rows), total, more, (CANDIDATES if more or total > CANDIDATES else None)


def _fts5_source(table: str, tokens, facets, operator: str) -> tuple[str, str, dict]:
    """FROM and WHERE for words and facets. Facets are terms of the index so that broad words and filters are
    intersected there; but then every query reads the facets' doclists, which hold nearly every row (~40 ms at
    100,000 entries). When the words alone match few rows (a cheap capped probe), those rows are filtered by
    their facets column instead: the same matches, the same bm25 (the facets column weighs 0)."""
    words_only = {"m": _fts5_match(tokens, [], operator)}
    probe = f"SELECT 1 FROM {table}_fts WHERE {table}_fts MATCH :m LIMIT {FEW_MATCHES + 1}"
    if db.session.execute(text(f"SELECT count(*) FROM ({probe})"), words_only).scalar() > FEW_MATCHES:
        return f"{table}_fts", f"{table}_fts MATCH :m", {"m": _fts5_match(tokens, facets, operator)}
    padded = f"(' ' || {table}.search_facets || ' ')"
    likes = "".join(f" AND {padded} LIKE :facet{i}" for i in range(len(facets)))
    return (f"{table}_fts JOIN {table} ON {table}.id = {table}_fts.rowid", f"{table}_fts MATCH :m{likes}",
            {**words_only, **{f"facet{i}": f"% {f} %" for i, f in enumerate(facets)}})


def _column_filters(model, query: CatalogueQuery, public_only: bool) -> list:
    conditions = [model.state == choices.ACTIVE]
    if public_only:
        conditions.append(model.visibility == choices.PUBLIC)
    for column, value in ((model.kind, query.kind), (model.category, query.category),
                          (model.municipality, query.municipality), (model.terms, query.terms)):
        if value:
            conditions.append(column == value)
    if query.org.isascii() and query.org.isdigit():
        conditions.append(model.org_id == int(query.org))
    if query.language:
        conditions.append(("," + model.languages + ",").contains(f",{query.language},"))
    return conditions


def _load(model, ids: list[int]) -> list:
    if not ids:
        return []
    options = [joinedload(model.org)]  # one statement fewer than a second SELECT of 20 organizations
    if hasattr(model, "photos"):
        options.append(selectinload(model.photos))
    found = {e.id: e for e in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))}
    return [found[i] for i in ids if i in found]


def search(model, query: CatalogueQuery, *, public_only: bool, load: bool = True) -> SearchPage:
    """One page of the catalogue (Resource or Need) for these words, filters and sort; `load=False` leaves
    the entries to the caller (the pages take kept cards by id: resources.cards)."""
    page = min(max(query.page, 1), MAX_PAGE)
    result = SearchPage(page=page, per_page=query.per_page)
    tokens = query_words(query.q)[:12]
    offset = (page - 1) * query.per_page
    if tokens and query.sort == "relevance":
        ids, result.total, result.more, result.ranked_among = _ranked_ids(
            model, tokens, query, public_only, "&", query.per_page, offset)
    elif db.engine.dialect.name == "sqlite":
        ids = _sqlite_listing(model, tokens, query.facets(public_only), query, offset, result)
    else:
        ids = _postgresql_listing(model, tokens, query, public_only, offset, result)
    result.ids = ids
    if load:
        result.items = _load(model, ids)
    return result


def _sqlite_listing(model, tokens, facets, query, offset, result) -> list[int]:
    """Newest first or by title, straight from the FTS5 index: its facets do the filtering."""
    table = model.__tablename__
    params = {"m": _fts5_match(tokens, facets), "limit": query.per_page, "offset": offset}
    matching = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH :m"
    result.total, result.more = _capped_count(matching, params)
    if query.sort == "title":
        # Walk the title index and keep the matching rows, instead of sorting every match.
        sql = (f"SELECT id FROM {table} INDEXED BY ix_{table}_sort_key WHERE id IN ({matching}) "
               "ORDER BY sort_key LIMIT :limit OFFSET :offset")
    else:
        sql = f"{matching} ORDER BY rowid DESC LIMIT :limit OFFSET :offset"
    return list(db.session.execute(text(sql), params).scalars())


def _postgresql_listing(model, tokens, query, public_only, offset, result) -> list[int]:
    if tokens:  # newest first from the search table, or its matches in the title index's order
        searched, conditions = _search_table_matches(model, tokens, query, public_only)
        matching = select(searched.c.id).where(*conditions)
        if query.sort == "title":
            matched_ids = matching.subquery()
            listing = select(model.id).join(matched_ids, model.id == matched_ids.c.id)
            order = (model.sort_key, model.id.desc())
        else:
            listing, order = matching, (searched.c.id.desc(),)
    else:  # browsing: plain column filters use the listing index
        listing = select(model.id).where(*_column_filters(model, query, public_only))
        order = (model.sort_key, model.id.desc()) if query.sort == "title" else (model.id.desc(),)
    if tokens and query.sort != "title" and offset + query.per_page <= COUNT_CAP + 1:
        # A page within the count's reach is among the newest COUNT_CAP + 1 matches: one walk down the search
        # table's key gives both (a broad word: 0.5 ms, against 0.85 for a scan that counts and the page's walk).
        # Not for browsing, whose count reads the listing index alone where this walk would read the entries.
        newest = listing.order_by(*order).limit(COUNT_CAP + 1).subquery()
        rows = db.session.execute(select(newest.c.id, func.count().over()).order_by(newest.c.id.desc())
                                  .limit(query.per_page).offset(offset)).all()
    else:
        # The capped count comes with the page, as an uncorrelated subquery PostgreSQL runs once: one round trip.
        counted = select(func.count()).select_from(listing.limit(COUNT_CAP + 1).subquery()).scalar_subquery()
        rows = db.session.execute(listing.add_columns(counted.correlate(None)).order_by(*order)
                                  .limit(query.per_page).offset(offset)).all()
    if rows:
        result.total, result.more = min(rows[0][1], COUNT_CAP), rows[0][1] > COUNT_CAP
    else:  # past the last page: no row to carry the count
        result.total, result.more = _capped_select_count(listing)
    return [row[0] for row in rows]


def similar(model, source_text: str, *, kind: str | None, public_only: bool, exclude_org: int | None = None,
            limit: int = 5) -> list:
    """Entries of `model` that share the most (and rarest) words with source_text: matching offers
    for a need, or open needs a new offer may answer."""
    tokens = []
    for word in words(source_text):
        if len(word) >= 4 and word not in STOPWORDS and stem(word) not in tokens:
            tokens.append(stem(word))
    tokens = tokens[:12]
    if not tokens:
        return []
    ids, _, _, _ = _ranked_ids(model, tokens, CatalogueQuery(kind=kind or ""), public_only, "|", limit + 10, 0,
                               counted=False)
    entries = _load(model, ids)
    return [e for e in entries if e.org_id != exclude_org][:limit]
