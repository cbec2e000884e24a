"""The app as bench/load.py serves it: each response carries the CPU its worker thread spent on it.

gunicorn's threaded workers handle a request on one thread from start to response, so the thread's CPU clock
before and after is that request's Python work (the database's own CPU is not in it).
"""
import time

from safety import create_app

HEADER = "X-Bench-CPU-us"


def with_cpu_header(wsgi_app):
    def timed(environ, start_response):
        began = time.thread_time()

        def start(status, headers, exc_info=None):
            headers.append((HEADER, str(round((time.thread_time() - began) * 1_000_000))))
            return start_response(status, headers, exc_info)
        return wsgi_app(environ, start)
    return timed


app = create_app()
app.wsgi_app = with_cpu_header(app.wsgi_app)
