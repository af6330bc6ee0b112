"""gunicorn's configuration: `gunicorn -c gunicorn.conf.py` (deploy/portal-web.service uses a copy in /etc/portal/).

Every value can be changed from the environment (GUNICORN_*), so the same file serves every machine."""
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset), not the machine's
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "portal.wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers behind nginx, which buffers slow clients. Requests are short and CPU-bound (the agreement
# PDF is rendered at approval, ~0.2 s for 5 pages), so processes, not threads: 2 per CPU + 1.
workers = _int("GUNICORN_WORKERS", 2 * _cpus() + 1)
threads = _int("GUNICORN_THREADS", 1)

# A worker silent this long is killed and replaced; a 30-page agreement renders in ~1.3 s.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM or SIGHUP, a worker finishes the request it is serving within this time.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Each worker is replaced after about this many requests (the jitter keeps them from all leaving at once),
# so whatever a worker accumulates is returned. A new worker takes ~3 s of CPU to load the portal (without
# GUNICORN_PRELOAD): at 2,000 requests a busy worker spent a third of its time starting again (bench/load.py,
# p99 of 2.5 s). A worker's memory grew 0.3–0.4 % in bench/soak.py's ten busy minutes: 20,000 is still often.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Graceful reload: `systemctl reload portal-web` sends SIGHUP; gunicorn starts new workers, which import the
# code as it is on disk now, and lets the old ones finish their requests. That needs the app loaded in the
# workers, not in the master (a preloaded app would stay the old code until a restart).
preload_app = os.environ.get("GUNICORN_PRELOAD", "") == "1"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # stdout: the journal under systemd
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'

# One JSON object per line (LOG_FORMAT=json, the portal's default outside development), as the portal writes
# its own: gunicorn's messages and its access log, each line with the request id (portal/logs.py).
if (os.environ.get("LOG_FORMAT") or ("text" if os.environ.get("PORTAL_ENV") == "development" else "json")) == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "root": {"level": "WARNING", "handlers": []},  # the portal sets its own handler on the root logger
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


# Prometheus: each worker process counts in files of PROMETHEUS_MULTIPROC_DIR (deploy/portal-web.service sets
# it), which /metrics adds up; they start empty, and a worker that ends is marked so.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

# The heartbeat files of the workers in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The proxy headers are read by the portal (ProxyFix, PROXY_FIX_* settings) and nowhere else.
secure_scheme_headers = {}
proc_name = "portal-web"
