"""Static files under fingerprinted URLs: every url_for('static', filename=…) carries `?v=<content hash>`,
and a request whose hash is the file's own is cached for a year as immutable. A changed file gets a new URL;
a URL without the hash (or with an old one) is revalidated on every use. In production nginx serves
/static/ itself (deploy/nginx-portal.conf) with the same long lifetime; these are the same URLs."""
import hashlib
from pathlib import Path

from flask import Flask, g, request, send_from_directory
from werkzeug.security import safe_join

_fingerprints: dict[str, tuple[int, int, str]] = {}  # path → (mtime_ns, size, hash), read again when the file changes


def fingerprint(static_dir: str, filename: str) -> str | None:
    path = safe_join(static_dir, filename)
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    cached = _fingerprints.get(path)
    if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    _fingerprints[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def register(app: Flask) -> None:
    """Call before the web behaviour is registered: Flask runs after_request functions in reverse order,
    so the cache header set here is the last word (the web layer marks pages of logged-in people no-store)."""

    @app.url_defaults
    def add_fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values:
            digest = fingerprint(app.static_folder, values.get("filename", ""))
            if digest:
                values["v"] = digest

    def static(filename):
        digest = fingerprint(app.static_folder, filename)
        g.static_fingerprinted = digest is not None and request.args.get("v") == digest
        max_age = app.config["STATIC_FINGERPRINTED_MAX_AGE"] if g.static_fingerprinted else None
        return send_from_directory(app.static_folder, filename, max_age=max_age)

    app.view_functions["static"] = static

    @app.after_request
    def cache_fingerprinted(response):
        if request.endpoint == "static" and g.get("static_fingerprinted") and response.status_code in (200, 206, 304):
            response.headers["Cache-Control"] = f"public, max-age={app.config['STATIC_FINGERPRINTED_MAX_AGE']}, immutable"
        return response
