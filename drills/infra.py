"""The drill's own services: a throwaway PostgreSQL cluster, redis-server, gunicorn and a Celery
worker, each on a free port of 127.0.0.1, under one temporary directory.

Never the machine's shared PostgreSQL (5432) or Redis (6379): other people use them.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class InfraError(Exception):
    """A service of the drill could not be started or stopped."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.1):
    """predicate()'s first truthy value; InfraError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise InfraError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def tail(path, lines=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Process:
    """A child in its own process group, so that a kill reaches it and its children only."""

    def __init__(self, name, command, *, env, log):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.popen = None

    def start(self):
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                self.command,
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def kill_group(self, sig=signal.SIGKILL):
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def stop(self, timeout=10):
        if not self.alive():
            return
        self.kill_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill_group(signal.SIGKILL)
            self.popen.wait(5)


def _postgres_bindir():
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise InfraError("PostgreSQL server binaries not found: on Debian, apt-get install postgresql")


class Postgres:
    """A cluster made by initdb in the drill's directory: trust auth, fsync off, its own port."""

    def __init__(self, root, port):
        self.bindir = _postgres_bindir()
        self.port = port
        self.dir = root / "postgres"
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        # initdb refuses to run as root: then the cluster belongs to the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg(self, *args, timeout=60):
        result = subprocess.run(
            [*self.as_user, str(self.bindir / args[0]), *args[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # the postmaster inherits pipes: never capture them
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise InfraError(f"{args[0]} failed ({result.returncode}):\n{tail(self.log)}")

    def init(self):
        self.dir.mkdir()
        if self.as_user:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync")  # fmt: skip
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                 "-t", "60", "start")  # fmt: skip
        return self

    def stop(self, mode="fast"):
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self):
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name):
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)


class Redis:
    """redis-server without persistence: a restart loses everything, the worst case."""

    def __init__(self, root, port):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise InfraError("redis-server not found: on Debian, apt-get install redis-server")
        self.port = port
        self.root = root
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.root), "--daemonize", "no",
        ]  # fmt: skip
        self.process = Process("redis", command, env=dict(os.environ), log=self.root / "redis.log")
        self.process.start()
        wait_until(self.ping, 20, "redis-server answering PING")
        return self

    def stop(self):
        if self.process is not None:
            self.process.stop()
        wait_until(lambda: not self.ping(), 10, "redis-server stopped")


class Web:
    """gunicorn with two processes, as in production (each keeps its own database connection)."""

    def __init__(self, root, port, env):
        self.port = port
        self.log = root / "web.log"
        command = [
            sys.executable, "-m", "gunicorn", "ttm.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--timeout", "60", "--graceful-timeout", "5",
        ]  # fmt: skip
        self.process = Process("web", command, env=env, log=self.log)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process.start()

        def answering():
            if not self.process.alive():
                raise InfraError(f"gunicorn exited:\n{tail(self.log)}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                return False

        wait_until(answering, 60, "gunicorn listening")
        return self


class Worker:
    """`celery worker` with the drill's app (drills.worker): prefork, one pool process."""

    def __init__(self, root, env, number):
        self.name = f"drill{number}@127.0.0.1"
        self.log = root / f"worker-{number}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "drills.worker", "worker", "--pool=prefork",
            "--concurrency=1", "-n", self.name, "--loglevel=INFO", "--without-gossip",
            "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.process = Process("worker", command, env=env, log=self.log)

    def start(self, ping):
        """Start and wait until `ping(name)` says the worker consumes from the broker."""
        self.process.start()

        def ready():
            if not self.process.alive():
                raise InfraError(f"the Celery worker exited:\n{tail(self.log)}")
            return ping(self.name)

        wait_until(ready, 90, "the Celery worker answering a ping", interval=0.5)
        return self
