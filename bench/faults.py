"""Faults, proved on the real stack (gunicorn + PostgreSQL on localhost):

1. kill -9 the app server in the middle of a burst of submissions and photo uploads, restart it, replay what the
   clients had not seen acknowledged: nothing acknowledged is lost, nothing is duplicated, no inspection is
   half-written; afterwards the orphan sweep removes files of uploads whose request died.
2. PostgreSQL restarted under load: /api/v1/health turns 503 and recovers without restarting the app.
   (Skipped with --no-postgres-restart: it restarts this machine's PostgreSQL cluster.)

    .venv/bin/python bench/faults.py [--clients 8] [--no-postgres-restart]
"""
from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from _support import ROOT, _wait_for, as_json, free_port, scratch_database, stored_submissions  # noqa: E402
from ingest import seed  # noqa: E402
from load import multipart, photo_bytes  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402


class Server:
    """gunicorn in its own process group, so kill -9 takes the master and every worker at once."""

    def __init__(self, env: dict):
        self.env, self.port, self.process = env, free_port(), None

    def start(self) -> None:
        command = [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "deploy/gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{self.port}", "--workers", "3", "--access-logfile", "/dev/null",
                   "--chdir", str(ROOT), "safety:create_app()"]
        self.process = subprocess.Popen(command, env={**os.environ, **self.env}, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(self.port, self.process)
        for _ in range(100):  # the master listens before its workers have loaded the app
            try:
                if request(self.port, "GET", "/api/v1/health")[0] == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def request(port, method, path, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def kill_mid_burst(url: str, env: dict, clients: int) -> None:
    point_id, version_id, items, token = seed(url)
    auth = {"Authorization": token}
    server = Server(env)
    server.start()
    outbox: list[dict] = []   # every submission a phone made, with whether the server acknowledged it
    uploads: Counter = Counter()
    lock, stop = threading.Lock(), threading.Event()

    def phone(number: int) -> None:
        while not stop.is_set():
            started = datetime.now(UTC) - timedelta(minutes=2)
            body = {"client_uuid": str(uuid.uuid4()), "point_id": point_id, "template_version_id": version_id,
                    "started_at": started.isoformat(), "submitted_at": (started + timedelta(minutes=1)).isoformat(),
                    "results": [{"item_id": i, "outcome": "pass"} for i in items]}
            entry = {"body": body, "acked": False}
            with lock:
                outbox.append(entry)
            try:
                data, headers = multipart(photo_bytes(number * 1_000_000 + len(outbox)))
                uploads[request(server.port, "POST", "/api/v1/photos", data, {**headers, **auth})[0]] += 1
                payload, headers = as_json(body)
                status, _ = request(server.port, "POST", "/api/v1/inspections", payload, {**headers, **auth})
                entry["acked"] = status in (200, 201)
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)  # the server is gone: the phone keeps the submission queued and retries later

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(8)
    server.kill9()
    killed_at, acked_before = len(outbox), sum(e["acked"] for e in outbox)
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    server.start()
    pending = [e for e in outbox if not e["acked"]]
    for entry in pending:  # the phones come back online and send their queues
        payload, headers = as_json(entry["body"])
        status, _ = request(server.port, "POST", "/api/v1/inspections", payload, {**headers, **auth})
        entry["acked"] = status in (200, 201)
    stored = stored_submissions(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        half = conn.execute(text("SELECT count(*) FROM inspections i WHERE (SELECT count(*) FROM inspection_results r "
                                 "WHERE r.inspection_id = i.id) <> :n"), {"n": len(items)}).scalar()
        photos_before = conn.execute(text("SELECT count(*) FROM photos")).scalar()
    engine.dispose()
    server.stop()
    sent = [e["body"]["client_uuid"] for e in outbox]
    lost = [u for u in sent if stored.get(u, 0) == 0]
    duplicated = [u for u, n in stored.items() if n > 1]
    print(f"kill -9 mid-burst: {len(outbox)} submissions made, {killed_at} before the kill of which {acked_before} "
          f"acknowledged; {len(pending)} unacknowledged replayed after restart")
    print(f"  photo uploads by status: {dict(uploads)}")
    print(f"  in the database: {len(stored)}; lost {len(lost)}; duplicated {len(duplicated)}; "
          f"half-written inspections {half}; photos stored {photos_before}")
    sweep = subprocess.run([str(Path(sys.executable).parent / "safety"), "jobs", "run", "remove_orphan_photos",
                            "--at", (datetime.now(UTC) + timedelta(hours=25)).isoformat()],
                           env={**os.environ, **env}, capture_output=True, text=True, cwd=ROOT)
    print(f"  orphan sweep after the grace period: {sweep.stdout.strip()}")


def postgres_restart(url: str, env: dict) -> None:
    server = Server(env)
    server.start()
    timeline, stop = [], threading.Event()

    def probe():
        while not stop.is_set():
            try:
                status, _ = request(server.port, "GET", "/api/v1/health", timeout=5)
            except (OSError, http.client.HTTPException):
                status = "no answer"
            timeline.append((time.monotonic(), status))
            time.sleep(0.2)

    thread = threading.Thread(target=probe)
    thread.start()
    time.sleep(2)
    began = time.monotonic()
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    time.sleep(4)
    stop.set()
    thread.join()
    server.stop()
    during = [s for t, s in timeline if t >= began]
    first_ok_after = next((t - began for t, s in timeline if t >= began and s == 200 and 503 in during), None)
    recovered = f"back to 200 after {first_ok_after:.1f} s" if first_ok_after is not None else "no 503 observed"
    print(f"PostgreSQL restart under load: health answers during/after {sorted(set(map(str, during)))}; "
          f"503 seen: {503 in during}; {recovered}; the app was not restarted")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--no-postgres-restart", action="store_true")
    args = parser.parse_args()
    with scratch_database("safety_bench_faults") as url:
        photos = tempfile.mkdtemp(prefix="bench-faults-photos-")  # fresh: orphans counted are this run's
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PHOTO_STORAGE_DIR": photos}
        kill_mid_burst(url, env, args.clients)
        if not args.no_postgres_restart:
            postgres_restart(url, env)


if __name__ == "__main__":
    main()
