"""What the catalogue benchmark times: a member's login, the query words picked from the generated text
(broad, rare, with diacritics), the scenarios (listings, searches, filters, sorts, detail pages; as a member
or a visitor) and the result count read from a page."""
import random
import re
from urllib.parse import urlencode

from bench.catalogue_data import PASSWORD
from bench.catalogue_vocabulary import DIACRITIC_WORDS, RARE, _clean


def login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed: {response.status_code}")


RESULT_COUNT = re.compile(r'data-testid="result-count">\s*([0-9][0-9\s\u00a0\u202f.,]*)')


def result_count(html: str) -> int | None:
    found = RESULT_COUNT.search(html)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def pick_words(stats: dict) -> dict:
    """Query words chosen from the generated text: broad (> 50% of resources), rare (< 0.1%)."""
    from portal.resources.search import STOPWORDS, words
    n = stats["resources"]
    df = stats["df"]
    content = sorted((w for w in df if len(w) >= 4 and w not in STOPWORDS and not w.isdigit()),
                     key=lambda w: -df[w])
    broad = [w for w in content if df[w] > 0.5 * n][:4] or content[:4]
    rare_vocab = {w for r in RARE for w in words(_clean(r))}
    rare = sorted((w for w in rare_vocab if w in df and len(w) >= 5 and 1 <= df[w] < 0.001 * n),
                  key=lambda w: (df[w], w))
    rare = rare[len(rare) // 3: len(rare) // 3 + 12] or sorted(rare_vocab & set(df), key=lambda w: df[w])[:6]
    diacritic = [words(w)[0] for w in DIACRITIC_WORDS if words(w)[0] in df]
    return {"broad": broad, "rare": rare, "diacritic": diacritic}


def scenarios(chosen: dict, stats: dict) -> list[dict]:
    broad, rare, diacritic = chosen["broad"], chosen["rare"], chosen["diacritic"]
    pairs = [f"{a} {b}" for i, a in enumerate(broad) for b in broad[i + 1:]] or broad

    def urls(path, variants):
        return [path + ("?" + urlencode(v) if v else "") for v in variants]

    filters = [
        {"kind": "material", "category": "equipment", "municipality": "ludzas", "terms": "free", "language": "lv"},
        {"kind": "intellectual", "category": "training", "municipality": "rezeknes", "terms": "reciprocal",
         "language": "ltg"},
        {"kind": "material", "category": "premises", "municipality": "daugavpils", "terms": "cost_sharing",
         "language": "ru"},
    ]
    n = stats["resources"]
    ids = random.Random(7).sample(range(max(1, n - 5000), n + 1), min(40, n))
    return [
        {"name": "listing, newest, page 1", "who": "member", "type": "listing", "urls": ["/resources"]},
        {"name": "listing, page 50", "who": "member", "type": "listing",
         "urls": urls("/resources", [{"page": p} for p in (48, 49, 50, 51, 52)])},
        {"name": "listing, kind+municipality", "who": "member", "type": "listing",
         "urls": urls("/resources", [{"kind": k, "municipality": m} for k, m in
                                     (("material", "ludzas"), ("intellectual", "ludzas"), ("material", "balvu"))])},
        {"name": "listing, sort=title", "who": "member", "type": "listing",
         "urls": urls("/resources", [{"sort": "title"}, {"sort": "title", "page": 2}])},
        {"name": "rare word", "who": "member", "type": "search", "urls": urls("/resources", [{"q": w} for w in rare])},
        {"name": "broad word", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w} for w in broad])},
        {"name": "broad word, page 5", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "page": 5} for w in broad])},
        {"name": "two broad words", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": p} for p in pairs])},
        {"name": "no diacritics (zale=zāle)", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w} for w in diacritic])},
        {"name": "broad + kind", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "kind": k} for w in broad for k in ("material", "intellectual")])},
        {"name": "broad + 5 filters", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, **f} for w in broad for f in filters])},
        {"name": "broad, sort=title", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "sort": "title"} for w in broad])},
        {"name": "broad, sort=newest", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "sort": "newest"} for w in broad])},
        {"name": "visitor: listing", "who": "visitor", "type": "listing", "urls": ["/resources"]},
        {"name": "visitor: broad word", "who": "visitor", "type": "search",
         "urls": urls("/resources", [{"q": w} for w in broad])},
        {"name": "detail page (+ matching needs)", "who": "member", "type": "detail",
         "urls": [f"/resources/{i}" for i in ids]},
    ]

