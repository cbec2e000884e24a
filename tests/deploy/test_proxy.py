"""The real proxy set-up: Debian's nginx with deploy/nginx.conf's proxy settings in front of gunicorn running the
service with TRUSTED_PROXY_COUNT=1, on loopback ports. Clients connect from 127.0.0.2 and 127.0.0.3 (both
loopback), so nginx sees two real client addresses, as it would on the Internet."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from safety.audit.models import AuditEvent
from safety.config import PROJECT_ROOT
from safety.extensions import db
from tests.conftest import require_tool
from tests.factories import PASSWORD, create_point

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_config(tmp: Path, listen: int, upstream: int) -> str:
    """deploy/nginx.conf's site, pointed at the test's ports, inside a main block that keeps every file in tmp."""
    site = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    site, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", site)
    site, servers = re.subn(r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{upstream} ", site)
    assert listens == servers == 1, "deploy/nginx.conf changed shape: update this test"
    site = site.replace("/opt/safety/app/", f"{PROJECT_ROOT}/")
    temp = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp folder under /tmp
    return f"""{user}daemon off;
worker_processes 1;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp / 'access.log'};
{temp}
{site}
}}
"""


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"exited early:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    pytest.fail(f"no answer on {port}:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def behind_nginx(database_url, tmp_path):
    """The address nginx listens on; gunicorn (one worker) behind it runs on the tests' database."""
    require_tool("nginx", NGINX is not None, "the proxy test runs Debian's nginx in front of gunicorn")
    app_port, proxy_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "proxy-test", "TRUSTED_PROXY_COUNT": "1",
           "PHOTO_STORAGE_DIR": str(tmp_path / "photos"), "PUBLIC_REPORTS_PER_HOUR": "2",
           "GUNICORN_BIND": f"127.0.0.1:{app_port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2"}
    app_log = tmp_path / "gunicorn.log"
    with app_log.open("w") as out:
        app = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "deploy/gunicorn.conf.py"),
                                "safety:create_app()"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(app_port, app, app_log)
        config = tmp_path / "nginx.conf"
        config.write_text(nginx_config(tmp_path, proxy_port, app_port))
        nginx_log = tmp_path / "nginx.out"
        with nginx_log.open("w") as out:
            proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
                                     stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(proxy_port, proxy, nginx_log)
            yield proxy_port
        finally:
            stop(proxy)
    finally:
        stop(app)


def call(port: int, client: str, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    """A POST from a socket bound to the client's own loopback address."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(client, 0))
    try:
        connection.request("POST", path, json.dumps(body).encode(),
                           {"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_behind_nginx_two_clients_are_throttled_independently(behind_nginx, world):
    point = create_point(world.school_a, code="A-GATE-01")
    token = point.qr_token
    db.session.commit()  # nothing held open while the other processes write (SQLite has one writer)

    def login(client, username, password=PASSWORD, **headers):
        return call(behind_nginx, client, "/api/v1/auth/login", {"username": username, "password": password},
                    headers)[0]

    assert [login("127.0.0.2", "principal_a", "wrong-password") for _ in range(5)] == [401] * 5
    assert login("127.0.0.2", "principal_a") == 429
    assert login("127.0.0.2", "principal_a", **{"X-Forwarded-For": "127.0.0.9"}) == 429  # nginx appends the truth
    assert login("127.0.0.3", "principal_b") == 200  # another client, another user
    assert login("127.0.0.2", "principal_b") == 200  # even from the first client's address

    report = f"/api/v1/public/reports/{token}"
    codes = [call(behind_nginx, "127.0.0.2", report, {"description": "门口积水"})[0] for _ in range(3)]
    assert codes == [202, 202, 429]  # PUBLIC_REPORTS_PER_HOUR=2 for this server
    assert call(behind_nginx, "127.0.0.3", report, {"description": "门口积水"})[0] == 202

    addresses = set(db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action.like("auth.%"))))
    db.session.commit()
    assert addresses == {"127.0.0.2", "127.0.0.3"}
