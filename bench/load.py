"""A mixed city workload against gunicorn + PostgreSQL on localhost: scans, submissions with photos, hazard
lists, dashboards — a fixed number of clients for a fixed time (the 7:30 morning check).

    .venv/bin/python bench/load.py [--seconds 30] [--clients 32]

Prints requests per second, p50/p95/p99 and the app's CPU ms per request by endpoint (bench/cpu_app.py), the
floor app's req/s on the same stack and clients, and errors; then checks that every acknowledged submission is
in the database exactly once. The dashboards' rollups are refreshed once after seeding, as the scheduler does
when it starts. Figures only: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from _support import ROOT, as_json, closed_loop, gunicorn, scratch_database, stored_submissions  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

MIX = [("scan", 30), ("submit", 25), ("photo", 10), ("hazards", 20), ("dashboard", 15)]


def safety(*args: str, env: dict) -> None:
    subprocess.run([str(Path(sys.executable).parent / "safety"), *args], check=True, env={**os.environ, **env},
                   stdout=subprocess.DEVNULL, cwd=ROOT)


def photo_bytes(seed: int) -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (1280, 960), (seed % 255, 90, 140))
    ImageDraw.Draw(image).rectangle((seed % 900, 100, seed % 900 + 300, 400), fill=(240, 240, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def multipart(data: bytes) -> tuple[bytes, dict]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def prepare(url: str) -> list[dict]:
    """Per school: a safety officer's token and its points with their checklist versions and items."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.id, s.code, p.id, p.qr_token, v.id FROM schools s JOIN points p ON p.school_id = s.id "
            "JOIN checklist_templates t ON t.id = p.template_id "
            "JOIN checklist_versions v ON v.id = t.current_version_id "
            "WHERE p.retired_at IS NULL ORDER BY s.id, p.id")).all()
        items = {}
        for version_id, item_id, kind, low, high, choices in conn.execute(text(
                "SELECT version_id, id, kind, min_value, max_value, choices FROM checklist_items ORDER BY position")):
            items.setdefault(version_id, []).append((item_id, kind, low, high, choices))
    engine.dispose()
    schools: dict[int, dict] = {}
    for school_id, code, point_id, token, version_id in rows:
        school = schools.setdefault(school_id, {"id": school_id, "code": code, "points": []})
        school["points"].append({"id": point_id, "token": token, "version": version_id, "items": items[version_id]})
    return list(schools.values())


def answer(item) -> dict:
    item_id, kind, low, high, choices = item
    result = {"item_id": item_id, "outcome": "pass"}
    if kind == "number":
        result["value"] = (low + high) / 2 if low is not None and high is not None else (low or 0) + (high or 0)
    elif kind == "choice":
        choices = json.loads(choices) if isinstance(choices, str) else choices
        result["value"] = next(c["value"] for c in choices if not c.get("fails"))
    elif kind == "text":
        result["value"] = "正常"
    elif kind == "photo":
        result["outcome"] = "na"
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    with scratch_database("safety_bench_load") as url:
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PHOTO_STORAGE_DIR": "/tmp/bench-load-photos"}
        print("seeding the demo city into PostgreSQL …", flush=True)
        safety("db", "upgrade", env=env)
        safety("demo", env=env)
        for job in ("roll_up_coverage", "roll_up_hazard_weeks"):  # what the scheduler does at start
            safety("jobs", "run", job, env=env)
        schools = prepare(url)
        acknowledged: dict[str, int] = {}
        lock = threading.Lock()
        with gunicorn("bench.cpu_app:app", env) as port:
            tokens = {s["code"]: login(port, f"officer.{s['code'].lower()}") for s in schools}
            office = login(port, "office.city")

            def make_request(client: int, sequence: int):
                rng = random.Random(client * 1_000_003 + sequence)
                school = schools[client % len(schools)]
                auth = {"Authorization": f"Bearer {tokens[school['code']]}"}
                point = rng.choice(school["points"])
                kind = rng.choices([k for k, _w in MIX], weights=[w for _k, w in MIX])[0]
                if kind == "scan":
                    return "GET /scan/{token}", "GET", f"/api/v1/scan/{point['token']}", None, auth
                if kind == "submit":
                    started = datetime.now(UTC) - timedelta(minutes=4)
                    body, headers = as_json({
                        "client_uuid": str(uuid.uuid4()), "point_id": point["id"],
                        "template_version_id": point["version"], "started_at": started.isoformat(),
                        "submitted_at": (started + timedelta(minutes=3)).isoformat(),
                        "results": [answer(item) for item in point["items"]]})
                    return "POST /inspections", "POST", "/api/v1/inspections", body, {**headers, **auth}
                if kind == "photo":
                    body, headers = multipart(photo_bytes(client * 100_000 + sequence))
                    return "POST /photos", "POST", "/api/v1/photos", body, {**headers, **auth}
                if kind == "hazards":
                    return "GET /hazards", "GET", f"/api/v1/hazards?school_id={school['id']}&open=true", None, auth
                office_auth = {"Authorization": f"Bearer {office}"}
                path = rng.choice(["/api/v1/hazards/counts", "/api/v1/escalations?per_page=20",
                                   "/api/v1/inspections/coverage"])
                return f"GET {path.split('?')[0].removeprefix('/api/v1')}", "GET", path, None, office_auth

            def remember(request, status, body):
                if request[0] == "POST /inspections" and status in (200, 201):
                    with lock:
                        uuid_ = json.loads(body)["client_uuid"]
                        acknowledged[uuid_] = acknowledged.get(uuid_, 0) + 1

            run = closed_loop(port, make_request, args.clients, args.seconds, on_response=remember)
        stored = stored_submissions(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_floor (id serial PRIMARY KEY, client_uuid text UNIQUE, "
                              "payload text, created_at timestamptz DEFAULT now())"))
        engine.dispose()
        with gunicorn("bench.floor_app:app", env) as port:  # the same stack, one INSERT per request

            def floor(client: int, sequence: int):
                body, headers = as_json({"client": client, "sequence": sequence})
                return "floor", "POST", "/floor", body, headers
            closed_loop(port, floor, args.clients, 2)
            base = closed_loop(port, floor, args.clients, args.seconds)
    report(args, run, base, acknowledged, stored)


def login(port: int, username: str) -> str:
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body, headers = as_json({"username": username, "password": "demo-pass-2026"})
    conn.request("POST", "/api/v1/auth/login", body=body, headers=headers)
    return json.loads(conn.getresponse().read())["access_token"]


def report(args, run: dict, base: dict, acknowledged: dict, stored: dict) -> None:
    print(f"load: {args.clients} clients for {args.seconds:.0f} s, gunicorn (deploy/gunicorn.conf.py) + PostgreSQL")
    print(f"  total {run['requests']} requests, {run['rps']:.1f} req/s, p50 {run['p50_ms']:.1f} ms, "
          f"p95 {run['p95_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, errors {len(run['errors'])}")
    print(f"  floor (1 INSERT) {base['rps']:.1f} req/s, p95 {base['p95_ms']:.1f} ms; "
          f"mix/floor {run['rps'] / base['rps']:.2f}x")
    for label, figures in run["by_label"].items():
        print(f"  {label:<28} {figures['requests']:6d} req   p50 {figures['p50_ms']:7.1f} ms   "
              f"p95 {figures['p95_ms']:7.1f} ms   p99 {figures['p99_ms']:7.1f} ms   "
              f"app CPU {figures['cpu_ms']:5.1f} ms/req")
    if run["errors"]:
        print("  errors:", ", ".join(sorted(set(run["errors"]))[:10]))
    missing = [u for u in acknowledged if stored.get(u, 0) != 1]
    print(f"  acknowledged submissions {len(acknowledged)}; in the database exactly once: "
          f"{len(acknowledged) - len(missing)}; missing or duplicated: {len(missing)}")


if __name__ == "__main__":
    main()
