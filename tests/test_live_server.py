"""The live server the browser and phone-contract tests run against closes every file it serves, even when the
browser resets the connection while the response drains (it does, leaving a page while an icon loads)."""
from __future__ import annotations

import gc
import socket
import struct
import warnings

from tests.conftest import served


def test_a_static_file_is_closed_when_the_client_resets_the_connection(app):
    with warnings.catch_warnings(record=True) as caught, served(app) as url:
        warnings.simplefilter("always", ResourceWarning)
        port = int(url.rsplit(":", 1)[1])
        for _ in range(40):
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(b"GET /static/pages/icon-192.png HTTP/1.1\r\nHost: localhost\r\n\r\n")
                assert conn.recv(64).startswith(b"HTTP/1.1 200")
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        gc.collect()
        leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []
