"""bench/load.py's load: wrk with a Lua script (a list of addresses, a session cookie kept as a browser keeps
it), or, without wrk, a Python load generator of processes and keep-alive connections. Both give req/s, p50 and
p99 in ms, errors and the number of requests."""
import http.client
import multiprocessing
import os
import re
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import catalogue  # bench/catalogue.py: the percentiles

WRK_SCRIPT = """
paths = %(paths)s
fresh = %(fresh)s
wrk.headers["Cookie"] = %(cookie)s
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local i = 0
local n = 0
request = function()
  i = i %% #paths + 1
  if fresh then
    n = n + 1
    return wrk.format("GET", paths[i] .. "&fresh=" .. tid .. "-" .. n)
  end
  return wrk.format("GET", paths[i])
end
-- As a browser does: the session cookie the portal sends back (its seen_at, twice a minute) replaces the old.
if %(cookie)s ~= "" then
  response = function(status, headers, body)
    local set = headers["Set-Cookie"]
    local session = set and set:match("^(session=[^;]*)")
    if session then
      wrk.headers["Cookie"] = (wrk.headers["Cookie"]:gsub("session=[^;]*", session))
    end
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(base: str, paths: list[str], cookie: str, args, workdir: Path, fresh: bool = False) -> dict:
    """`fresh`: a new address for every request (an unused parameter), so that no page is served kept."""
    script = workdir / "load.lua"
    script.write_text(WRK_SCRIPT % {"paths": "{" + ", ".join(lua_string(p) for p in paths) + "}",
                                    "cookie": lua_string(cookie), "fresh": "true" if fresh else "false"})
    out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
                          "--timeout", "10s", "-s", str(script), base + paths[0]],
                         capture_output=True, text=True, check=True).stdout
    n, duration_us, errors, status, p50, p99 = map(int, re.search(r"RESULT ([\d ]+)", out).group(1).split())
    return {"rps": n / (duration_us / 1e6), "p50": p50 / 1000, "p99": p99 / 1000, "errors": errors + status,
            "requests": n}


def _python_worker(base, paths, cookie, connections, duration, queue, fresh=False):
    host = urllib.parse.urlsplit(base)
    latencies, errors = [], [0]
    end = time.monotonic() + duration

    def loop(offset):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        own_cookie = cookie
        i = offset
        while time.monotonic() < end:
            t0 = time.perf_counter()
            try:
                path = paths[i % len(paths)] + (f"&fresh={os.getpid()}-{offset}-{i}" if fresh else "")
                conn.request("GET", path, headers={"Cookie": own_cookie} if own_cookie else {})
                response = conn.getresponse()
                response.read()
                session = re.match(r"session=[^;]*", response.getheader("Set-Cookie") or "")
                if own_cookie and session:  # as a browser does
                    own_cookie = re.sub(r"session=[^;]*", session.group(0), own_cookie)
                if response.status >= 400:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
            latencies.append(time.perf_counter() - t0)
            i += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((latencies, errors[0]))


def run_python(base: str, paths: list[str], cookie: str, args, _workdir, fresh: bool = False) -> dict:
    """Python load generator: `threads` processes, each with connections/threads keep-alive connections."""
    queue = multiprocessing.Queue()
    per = max(1, args.connections // args.threads)
    started = time.monotonic()
    procs = [multiprocessing.Process(target=_python_worker,
                                     args=(base, paths, cookie, per, args.duration, queue, fresh))
             for _ in range(args.threads)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    return {"rps": len(latencies) / elapsed, "p50": catalogue.percentile(latencies, 50) * 1000,
            "p99": catalogue.percentile(latencies, 99) * 1000, "errors": sum(e for _, e in results),
            "requests": len(latencies)}

