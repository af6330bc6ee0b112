"""A throwaway PostgreSQL cluster for the test run, on a private socket, gone afterwards.

Used when TEST_POSTGRES_URL is not given. Needs the PostgreSQL server binaries
(Debian: postgresql); as root the cluster runs as the `postgres` user.
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or ([shutil.which(name)] if shutil.which(name) else [])
    if not found:
        raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql) or set TEST_POSTGRES_URL")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="portal-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> str:
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run(_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                  "--locale=C.UTF-8")
        options = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run(_bin("pg_ctl"), "-D", self.data, "-o", options, "-l", os.path.join(self.dir, "log"), "-w", "start")
        for _ in range(50):
            if os.path.exists(os.path.join(self.dir, f".s.PGSQL.{self.port}")):
                break
            time.sleep(0.1)
        return f"postgresql+psycopg://postgres@/postgres?host={self.dir}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
