"""The portal scaled out on one machine: app servers (gunicorn with the checkout's gunicorn.conf.py) and
workers (`portal worker`) as separate processes, on one PostgreSQL, one Redis, one S3-compatible store and one
SMTP server. Used by tests/test_scale_out.py and bench/soak.py (not a test module)."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

CHECKOUT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECRET_KEY = "scale-out-secret-the-same-everywhere"
METRICS_TOKEN = "scale-out-metrics-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = 60.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


# ---------------------------------------------------------------- SMTP

class Mailbox:
    """aiosmtpd's handler: counts what arrives by recipient; can hold one recipient's delivery (a stall) until
    released, then refuse that attempt for now (451), as a server would whose client went away."""

    def __init__(self):
        self.received: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        self.stall_recipient: str | None = None
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.stall_recipient in envelope.rcpt_tos:
            self.stall_recipient = None  # only the first attempt stalls
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Interrupted, try again"
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, envelope.content))
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(recipient for recipient, _ in self.received)


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        if self.controller is not None:  # already up
            return
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# ---------------------------------------------------------------- processes

@dataclass
class Process:
    name: str
    process: subprocess.Popen
    log: Path
    port: int = 0  # an app server's HTTP port, a worker's metrics port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def descendants(self) -> set[int]:
        return _descendants(self.pid)

    def stop(self, sig=signal.SIGTERM, timeout: float = 40):
        if not self.alive():
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        """SIGKILL to the whole process group: the worker, its scheduler processes, a job in hand."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def _descendants(pid: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Cluster:
    """`Cluster.environment(…)` then `init()` and `start()`; `stop()` at the end."""

    root: Path
    env: dict
    smtp: SmtpServer
    servers: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)

    @classmethod
    def environment(cls, root: Path, *, database_url: str, redis_url: str, prefix: str, s3_endpoint: str,
                    bucket: str, **extra) -> "Cluster":
        root.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PORTAL_", "GUNICORN_", "PROXY_FIX_", "SMTP_", "MAIL_", "PROMETHEUS_"))}
        smtp_port = free_port()
        env.update(
            PORTAL_ENV="production", SECRET_KEY=SECRET_KEY, PORTAL_DATA_DIR=str(root / "data"),
            DATABASE_URL=database_url, REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix,
            STORAGE_URL=f"s3://{bucket}/portal", S3_ENDPOINT_URL=s3_endpoint,
            SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), MAIL_FROM="portal@example.org",
            BASE_URL="http://127.0.0.1", SESSION_COOKIE_SECURE="0", PROXY_FIX_X_FOR="1",
            METRICS_TOKEN=METRICS_TOKEN, LOG_FORMAT="json",
            # Quick turns, so a test sees retries, sweeps and take-overs within seconds.
            MAIL_RETRY_SECONDS="1", MAIL_CLAIM_SECONDS="3", MAIL_BATCH_SIZE="10", SWEEP_SECONDS="1",
            SCHEDULER_LEASE_SECONDS="3",
        )
        env.update({k: str(v) for k, v in extra.items()})
        return cls(root, env, SmtpServer(smtp_port))

    def run(self, *args, timeout: float = 180) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / "portal"), *args], cwd=self.root, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        assert result.returncode == 0, f"portal {' '.join(args)}: {result.stderr[-3000:]}"
        return result

    def init(self):
        return self.run("init")

    def _spawn(self, name: str, command: list, **env) -> Process:
        log = self.root / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(command, cwd=self.root, env={**self.env, **env}, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        return Process(name, process, log, int(env.get("GUNICORN_BIND", ":0").rsplit(":", 1)[1] or 0)
                       or int(env.get("WORKER_METRICS_PORT", 0)))

    def start(self, servers: int = 2, workers: int = 2, workers_each: int = 2, preload: bool = True):
        """Starts the app servers and the workers at once, and waits until each answers. `preload` loads the
        portal once in each gunicorn master rather than in every worker (GUNICORN_PRELOAD)."""
        for n in range(servers):
            metrics_dir = self.root / f"metrics-web{n + 1}"
            metrics_dir.mkdir(exist_ok=True)
            self.servers.append(self._spawn(
                f"web{n + 1}", [str(BIN / "gunicorn"), "--config", str(CHECKOUT / "gunicorn.conf.py")],
                GUNICORN_BIND=f"127.0.0.1:{free_port()}", GUNICORN_WORKERS=str(workers_each),
                GUNICORN_PRELOAD="1" if preload else "", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)))
        for _ in range(workers):
            self.workers.append(self._spawn_worker(len(self.workers) + 1))
        for process in [*self.servers, *self.workers]:
            self._wait_until_it_answers(process)

    def _spawn_worker(self, number: int) -> Process:
        return self._spawn(f"worker{number}", [str(BIN / "portal"), "worker"], WORKER_METRICS_PORT=str(free_port()))

    def _wait_until_it_answers(self, process: Process):
        path = "/readyz" if process in self.servers else "/metrics"
        wait_for(lambda: not process.alive() or _answers(process.url + path), f"{process.name} to answer",
                 timeout=180)
        assert process.alive(), process.log.read_text()[-3000:]

    def start_worker(self, index: int) -> Process:
        """Starts worker `index` again (after it was stopped or killed)."""
        self.workers[index] = worker = self._spawn_worker(index + 1)
        self._wait_until_it_answers(worker)
        return worker

    def worker_with_pid(self, pid: int) -> int:
        return next(i for i, w in enumerate(self.workers) if w.pid == pid)

    def stop(self):
        running = [p for p in [*self.workers, *self.servers] if p.alive()]
        for process in running:  # all at once: each finishes what it has in hand
            process.process.send_signal(signal.SIGTERM)
        for process in running:
            process.stop()
        self.smtp.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


# ---------------------------------------------------------------- a person with a browser, more or less

class Visitor:
    """A requests session that fills in CSRF tokens as the browser's forms would, from a client address of
    its own (the X-Forwarded-For that the one trusted proxy would set)."""

    def __init__(self, address: str):
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = address

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.session.get(url, timeout=60, allow_redirects=False, **kwargs)

    def post_form(self, page_url: str, action_url: str, data: dict, files=None, **kwargs) -> requests.Response:
        page = self.get(page_url)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {page_url} ({page.status_code})"
        return self.session.post(action_url, data={**data, "csrf_token": match.group(1)}, files=files, timeout=60,
                                 allow_redirects=False, **kwargs)

    def log_in(self, server_url: str, email: str, password: str) -> requests.Response:
        response = self.post_form(f"{server_url}/login", f"{server_url}/login", {"email": email, "password": password})
        assert response.status_code == 302, f"login of {email}: {response.status_code}"
        return response


def metric(text: str, name: str, **labels) -> float:
    """The sum of a metric's samples that have these labels, in a Prometheus scrape."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total
