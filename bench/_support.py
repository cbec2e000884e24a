"""Shared by the benchmarks: a scratch PostgreSQL database, a gunicorn server, a closed-loop HTTP load."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def scratch_database(name: str):
    """A fresh PostgreSQL database for one run, dropped afterwards."""
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict, workers: int = 4, threads: int = 4):
    """gunicorn on a free loopback port with the deployment settings; yields the port."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "deploy/gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--access-logfile", "/dev/null", "--chdir", str(ROOT), app]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-2000:])
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def closed_loop(port: int, make_request: Callable[[int, int], tuple[str, str, bytes, dict]], clients: int,
                seconds: float) -> dict:
    """`clients` threads each send one request after another for `seconds`; returns counts and latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence, mine, failed = 0, [], []
        while time.monotonic() < stop:
            method, path, body, headers = make_request(number, sequence)
            sequence += 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                failed.append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
            if response.status >= 400:
                failed.append(str(response.status))
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {"requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed, "errors": errors,
            **percentiles(latencies)}


def percentiles(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def as_json(data: dict) -> tuple[bytes, dict]:
    return json.dumps(data).encode(), {"Content-Type": "application/json"}
