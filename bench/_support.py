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
def scratch_database(name: str, template: str | None = None):
    """A fresh PostgreSQL database for one run (empty, or a copy of the database at URL `template`), dropped
    afterwards."""
    # pre_ping: a benchmark may restart PostgreSQL (bench/faults.py) before the database is dropped again.
    admin = create_engine(PG, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    copied = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"{copied}'))
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
        _wait_for_workers(port, workers * threads)
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


def _wait_for_workers(port: int, parallel: int, seconds: float = 180) -> None:
    """The port opens before the workers have imported the app (tens of seconds on a busy machine): send
    `parallel` requests at once until all are answered quickly, so the timed run measures requests, not boots."""
    def probe(answered: list[float]) -> None:
        started = time.perf_counter()
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
            conn.request("GET", "/bench-ready")
            conn.getresponse().read()
            conn.close()
        answered.append(time.perf_counter() - started)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answered: list[float] = []
        threads = [threading.Thread(target=probe, args=(answered,)) for _ in range(parallel)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if max(answered) < 1:
            return


def closed_loop(port: int, make_request: Callable[[int, int], tuple], clients: int, seconds: float,
                on_response: Callable[[tuple, int, bytes], None] | None = None) -> dict:
    """`clients` threads each send one request after another for `seconds`.

    `make_request(client, sequence)` returns (label, method, path, body, headers); latencies are kept per label.
    `on_response(request, status, body)` sees every answer (e.g. to remember acknowledged submissions).
    """
    latencies: dict[str, list[float]] = {}
    cpu: dict[str, list[int]] = {}  # per label, the app's own CPU µs when it says (bench/cpu_app.py)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence, mine, mine_cpu, failed = 0, {}, {}, []
        while time.monotonic() < stop:
            request = make_request(number, sequence)
            label, method, path, body, headers = request
            sequence += 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                failed.append(f"{label}: {type(error).__name__}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.setdefault(label, []).append(time.perf_counter() - started)
            if (spent := response.getheader("X-Bench-CPU-us")) is not None:
                mine_cpu.setdefault(label, []).append(int(spent))
            if response.status >= 500 or response.status in (401, 403, 404, 409, 413, 415, 422):
                failed.append(f"{label}: {response.status}")
            if on_response:
                on_response(request, response.status, data)
        with lock:
            for label, values in mine.items():
                latencies.setdefault(label, []).extend(values)
            for label, values in mine_cpu.items():
                cpu.setdefault(label, []).extend(values)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    everything = [v for values in latencies.values() for v in values]
    return {"requests": len(everything), "seconds": elapsed, "rps": len(everything) / elapsed, "errors": errors,
            "by_label": {label: {"requests": len(v), **percentiles(v), "cpu_ms": _mean_ms(cpu.get(label))}
                         for label, v in sorted(latencies.items())},
            **percentiles(everything)}


def _mean_ms(microseconds: list[int] | None) -> float:
    return statistics.fmean(microseconds) / 1000 if microseconds else float("nan")


def percentiles(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def as_json(data: dict) -> tuple[bytes, dict]:
    return json.dumps(data).encode(), {"Content-Type": "application/json"}


def stored_submissions(url: str) -> dict[str, int]:
    """How many times each client_uuid is in the inspections table (must be exactly once)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT client_uuid, count(*) FROM inspections GROUP BY client_uuid")).all())
    engine.dispose()
    return stored
