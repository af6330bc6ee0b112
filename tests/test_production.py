"""The portal as it runs in production: gunicorn with gunicorn.conf.py, nginx with deploy/nginx-portal.conf in
front of it over TLS, the systemd units checked by systemd-analyze, and the proxy headers trusted as configured."""
import configparser
import datetime
import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal import create_app
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.static_files import fingerprint

from .helpers import client_for, make_config

CHECKOUT = Path(__file__).resolve().parent.parent
DEPLOY = CHECKOUT / "deploy"
BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"
LONG_CACHE = "public, max-age=31536000, immutable"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+\?v=[0-9a-f]+)"')

pytestmark = pytest.mark.production


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str, **kwargs) -> bool:
    try:
        return requests.get(url, timeout=5, **kwargs).status_code == 200
    except requests.RequestException:  # not listening yet, or the workers still starting
        return False


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def portal_environment(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "GUNICORN_", "PROXY_FIX_"))}
    for name in ("DATABASE_URL", "STORAGE_URL", "TRUSTED_HOSTS", "SMTP_HOST", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    env.update(PORTAL_ENV="production", SECRET_KEY="production-test-secret", PORTAL_DATA_DIR=str(data_dir),
               DATABASE_URL=f"sqlite:///{data_dir / 'portal.sqlite3'}", **extra)
    return env


# ---------------------------------------------------------------- gunicorn

@dataclass
class Gunicorn:
    url: str
    port: int
    process: subprocess.Popen
    access_log: Path
    data_dir: Path
    env: dict


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """`portal init`, then gunicorn with the checkout's gunicorn.conf.py, two workers, trusting one proxy
    (nginx) as deploy/portal.env.example does; started outside the checkout."""
    root = tmp_path_factory.mktemp("production")
    port = free_port()
    env = portal_environment(root / "data", GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2",
                             PROXY_FIX_X_FOR="1", PROXY_FIX_X_PROTO="1", PROXY_FIX_X_HOST="1")
    init = subprocess.run([BIN / "portal", "init"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    access_log = root / "gunicorn.out"
    with access_log.open("wb") as out:
        process = subprocess.Popen([BIN / "gunicorn", "--config", CHECKOUT / "gunicorn.conf.py"], cwd=root, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    server = Gunicorn(f"http://127.0.0.1:{port}", port, process, access_log, root / "data", env)
    try:
        wait_for(lambda: process.poll() is not None or answers(f"{server.url}/healthz"), "gunicorn to answer")
        assert process.poll() is None, access_log.read_text()
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_config_defaults_follow_the_cpus_and_the_environment():
    def loaded(**env):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")} | env
        code = ("import json, runpy; s = runpy.run_path('gunicorn.conf.py'); "
                "print(json.dumps({k: v for k, v in s.items() if isinstance(v, (int, str, list, bool, type(None)))}))")
        out = subprocess.run([sys.executable, "-c", code], cwd=CHECKOUT, env=environment, capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)

    default = loaded()
    assert default["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert default["wsgi_app"] == "portal.wsgi:app" and default["preload_app"] is False
    assert default["accesslog"] == "-" and default["timeout"] >= 30 and default["graceful_timeout"] > 0
    assert default["max_requests"] > 0 and 0 < default["max_requests_jitter"] < default["max_requests"]
    changed = loaded(GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="90", GUNICORN_BIND="127.0.0.1:9001,unix:/run/p.sock")
    assert (changed["workers"], changed["timeout"], changed["bind"]) == (3, 90, ["127.0.0.1:9001", "unix:/run/p.sock"])


def test_gunicorn_serves_pages_and_fingerprinted_static_files(gunicorn):
    page = requests.get(f"{gunicorn.url}/login", timeout=10)
    assert page.status_code == 200 and "Pieslēgties" in page.text
    static_urls = STATIC_URL.findall(page.text)
    assert any(u.startswith("/static/css/portal.css?v=") for u in static_urls), static_urls
    for url in static_urls:
        response = requests.get(gunicorn.url + url, timeout=10)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == LONG_CACHE, url
    plain = requests.get(f"{gunicorn.url}/static/css/portal.css", timeout=10)
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache" and "ETag" in plain.headers
    stale = requests.get(f"{gunicorn.url}/static/css/portal.css?v=0000000000000000", timeout=10)
    assert stale.headers["Cache-Control"] == "no-cache"
    # The access log goes to stdout (the journal, under systemd), a JSON object per line with the request id.
    def access_line():
        for line in gunicorn.access_log.read_text().splitlines():
            entry = json.loads(line) if line.startswith("{") else {}
            if entry.get("logger") == "gunicorn.access" and entry.get("path") == "/login":
                return entry
        return None

    entry = wait_for(access_line, "the access log line")
    assert entry["status"] == "200" and entry["method"] == "GET" and '"GET /login HTTP/1.1" 200' in entry["message"]
    assert entry["request_id"] == page.headers["X-Request-ID"] or re.fullmatch(r"[0-9a-f]{32}", entry["request_id"])
    lines = [line for line in gunicorn.access_log.read_text().splitlines() if line.strip()]
    assert all(line.startswith("{") and json.loads(line) for line in lines), lines[:5]


def test_static_files_stay_cacheable_for_a_logged_in_person(app, world):
    """The web layer marks every response to a logged-in person no-store; a fingerprinted static file is the
    same for everyone and keeps its year."""
    member = client_for(app, world.member)
    assert member.get("/account").headers["Cache-Control"] == "no-store"
    digest = fingerprint(app.static_folder, "js/portal.js")
    response = member.get(f"/static/js/portal.js?v={digest}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == LONG_CACHE
    assert member.get("/static/js/portal.js").headers["Cache-Control"] == "no-store"


def test_gunicorn_runs_the_configured_workers_and_reloads_them_gracefully(gunicorn):
    """SIGHUP (systemctl reload): new workers load the code from disk and the old ones finish what they serve.
    Meanwhile requests wait for a worker in the listen queue (as long as a worker takes to start); none fails."""
    master = gunicorn.process.pid
    before = wait_for(lambda: w if len(w := children(master)) == 2 else None, "two workers")
    gunicorn.process.send_signal(signal.SIGHUP)
    slowest = 0.0

    def replaced():
        nonlocal slowest
        started = time.monotonic()
        assert requests.get(f"{gunicorn.url}/healthz", timeout=60).status_code == 200
        slowest = max(slowest, time.monotonic() - started)
        now = children(master)
        return now if len(now) == 2 and not now & before else None

    after = wait_for(replaced, "the workers to be replaced after SIGHUP", timeout=120)
    assert gunicorn.process.poll() is None and len(after) == 2
    print(f"slowest request during the reload: {slowest:.2f} s")


def test_gunicorn_trusts_the_proxy_headers_as_configured(gunicorn):
    over_https = requests.get(f"{gunicorn.url}/login", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert "max-age=31536000" in over_https.headers["Strict-Transport-Security"]
    plain = requests.get(f"{gunicorn.url}/login", timeout=10)
    assert "Strict-Transport-Security" not in plain.headers


# ---------------------------------------------------------------- ProxyFix in the app

def failed_login_ip(client, **headers) -> str:
    client.post("/login", data={"email": "nobody@example.org", "password": "wrong password 1234"}, headers=headers)
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEvent.ip).where(AuditEvent.action == "auth.login")
                              .order_by(AuditEvent.id.desc())).first()


def test_proxy_headers_are_ignored_unless_configured(app, client):
    spoofed = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    assert failed_login_ip(client, **spoofed) == "127.0.0.1"
    assert "Strict-Transport-Security" not in client.get("/login", headers=spoofed).headers


def test_proxy_headers_of_the_trusted_proxies_are_used(app, database_url, tmp_path):
    proxied = create_app(make_config(database_url, tmp_path) | {"PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1})
    proxied.test_client_class = app.test_client_class
    client = proxied.test_client()
    # One trusted proxy: the address it appended, not what the client put before it.
    with proxied.app_context():
        assert failed_login_ip(client, **{"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}) == "203.0.113.7"
        assert "Strict-Transport-Security" in client.get("/login", headers={"X-Forwarded-Proto": "https"}).headers


# ---------------------------------------------------------------- nginx

def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal.example.org")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("portal.example.org"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx-portal.conf no longer has {old!r}"
    return text.replace(old, new)


@dataclass
class Nginx:
    https: str
    http: str
    cert: Path
    config_test: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def nginx(gunicorn, tmp_path_factory):
    """deploy/nginx-portal.conf as written, but for its ports, certificate and static directory (and without
    IPv6), inside a minimal nginx.conf; the static files put in place by `portal collect-static`."""
    root = tmp_path_factory.mktemp("nginx")
    cert, key = self_signed_certificate(root)
    static = root / "static"
    collected = subprocess.run([BIN / "portal", "collect-static", str(static)], cwd=root, env=gunicorn.env,
                               capture_output=True, text=True, timeout=120)
    assert collected.returncode == 0 and (static / "css" / "portal.css").is_file(), collected.stderr
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx-portal.conf").read_text()
    for old, new in [("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;", ""),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("listen [::]:443 ssl http2;", ""),
                     ("/etc/letsencrypt/live/portal.example.org/fullchain.pem", str(cert)),
                     ("/etc/letsencrypt/live/portal.example.org/privkey.pem", str(key)),
                     ("server 127.0.0.1:8000;", f"server 127.0.0.1:{gunicorn.port};"),
                     ("/opt/portal/static/", f"{static}/")]:
        site = replaced(site, old, new)
    (root / "site.conf").write_text(site)
    temp_paths = "\n".join(f"    {kind}_temp_path {root}/{kind};" for kind in
                           ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (root / "nginx.conf").write_text(f"""
user root;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {root}/access.log;
{temp_paths}
    include {root}/site.conf;
}}
""")
    command = [NGINX, "-c", str(root / "nginx.conf"), "-p", str(root)]
    config_test = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=60)
    assert config_test.returncode == 0, config_test.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Nginx(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", cert, config_test)
    try:
        wait_for(lambda: process.poll() is not None or answers(f"{server.https}/healthz", verify=str(cert)),
                 "nginx to answer")
        assert process.poll() is None, (root / "error.log").read_text()
        yield server
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_nginx_site_passes_nginx_t(nginx):
    assert "syntax is ok" in nginx.config_test.stderr and "test is successful" in nginx.config_test.stderr


def test_nginx_terminates_tls_and_the_portal_knows_it(nginx):
    redirect = requests.get(f"{nginx.http}/login?lang=lv", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
    page = requests.get(f"{nginx.https}/login", verify=str(nginx.cert), timeout=10)
    assert page.status_code == 200 and "Pieslēgties" in page.text
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]  # the portal saw https
    assert "Secure" in page.headers["Set-Cookie"]
    assert re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"])  # nginx's $request_id, kept by the portal


def test_nginx_serves_the_static_files_with_a_long_cache(nginx, gunicorn):
    page = requests.get(f"{nginx.https}/login", verify=str(nginx.cert), timeout=10)
    for url in STATIC_URL.findall(page.text):
        response = requests.get(nginx.https + url, verify=str(nginx.cert), timeout=10)
        assert response.status_code == 200 and response.headers["Cache-Control"] == LONG_CACHE, url
        assert "Content-Security-Policy" not in response.headers  # from disk, not through the portal
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    plain = requests.get(f"{nginx.https}/static/css/portal.css", verify=str(nginx.cert), timeout=10)
    assert plain.headers["Cache-Control"] == "no-cache"


def test_nginx_lets_uploads_up_to_the_portals_limit_through(nginx):
    # An 8 MB photo is larger than nginx's 1 MB default: the portal must get it and answer (here: no CSRF token).
    photo = {"photo": ("photo.jpg", b"\xff\xd8" + os.urandom(8 * 1024 * 1024), "image/jpeg")}
    response = requests.post(f"{nginx.https}/login", files=photo, verify=str(nginx.cert), timeout=60)
    assert response.status_code == 400 and "Content-Security-Policy" in response.headers
    too_large = {"photo": ("photo.jpg", os.urandom(18 * 1024 * 1024), "image/jpeg")}
    refused = requests.post(f"{nginx.https}/login", files=too_large, verify=str(nginx.cert), timeout=60)
    assert refused.status_code == 413


def test_nginx_lets_a_resource_with_six_photos_through_to_publishing(nginx):
    # Publishing takes up to six 8 MB photos at once: nginx passes 30 MB there (the portal answers: no CSRF token).
    photos = [("photos", (f"{n}.jpg", os.urandom(5 * 1024 * 1024), "image/jpeg")) for n in range(6)]
    response = requests.post(f"{nginx.https}/resources/new", files=photos, verify=str(nginx.cert), timeout=60)
    assert response.status_code == 400 and "Content-Security-Policy" in response.headers


# ---------------------------------------------------------------- systemd units

UNITS = ("portal-web.service", "portal-worker.service", "portal-backup.service", "portal-backup.timer")


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """systemd-analyze verify checks every directive and that the commands exist: the units are checked with
    /opt/portal/venv/bin replaced by this test venv's bin, where gunicorn and portal are."""
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        if name.endswith(".service"):
            text = replaced(text, "/opt/portal/venv/bin/", f"{BIN}/")
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", *[str(tmp_path / n) for n in UNITS]],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), result.stderr


def test_the_units_start_what_the_readme_says():
    def service(name):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(DEPLOY / name)
        return parser

    web, worker, backup = service("portal-web.service"), service("portal-worker.service"), service("portal-backup.service")
    assert web["Service"]["ExecStart"] == "/opt/portal/venv/bin/gunicorn --config /etc/portal/gunicorn.conf.py"
    assert web["Service"]["ExecReload"] == "/bin/kill -s HUP $MAINPID" and web["Service"]["Type"] == "notify"
    assert worker["Service"]["ExecStart"] == "/opt/portal/venv/bin/portal worker"
    assert web["Service"]["RuntimeDirectory"] == "portal-web"
    assert web["Service"]["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/portal-web"
    assert backup["Service"]["ExecStart"] == "/opt/portal/venv/bin/portal backup"
    for unit in (web, worker, backup):
        assert unit["Service"]["EnvironmentFile"] == "/etc/portal/portal.env"
        assert unit["Service"]["User"] == "portal" and unit["Service"]["ReadWritePaths"] == "/var/lib/portal"
    example = dict(line.split("=", 1) for line in (DEPLOY / "portal.env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    # The shell reads the file as systemd does (the README's `portal` helper sources it).
    sourced = subprocess.run(["sh", "-c", f'set -a; . "{DEPLOY / "portal.env.example"}"; printf %s "$NETWORK_NAME"'],
                             capture_output=True, text=True, check=True)
    assert sourced.stdout == "Latgales biedrību tīklojums" and not sourced.stderr
    assert example["PORTAL_DATA_DIR"] == "/var/lib/portal" and example["GUNICORN_BIND"] == "127.0.0.1:8000"
    assert {example[k] for k in ("PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PROXY_FIX_X_HOST")} == {"1"}
    assert example["REDIS_URL"].startswith("redis://") and example["LOG_FORMAT"] == "json"
    assert "PROMETHEUS_MULTIPROC_DIR" not in example  # the web unit's alone (the worker serves its own)
