"""pytest plugin for bench/mutation.py: which test runs which line of the mutated modules, and how long each takes.

Loaded with `-p mutation_trace` (bench/ on PYTHONPATH) only for the one unmutated run of a group. Traces only
the files named in MUTATION_TRACE_FILES (absolute paths, os.pathsep-separated) and writes
{"tests": {nodeid: {"seconds": s, "lines": {path: [line, …]}}}} to MUTATION_TRACE_OUT. Lines run while a
project module is imported are filed under the nodeid "" — a mutant there changes every test.
"""
from __future__ import annotations

import functools
import inspect
import json
import os
import sys
import threading
import time

import pytest

_root = os.path.join(os.getcwd(), "safety")
_files = set(filter(None, os.environ.get("MUTATION_TRACE_FILES", "").split(os.pathsep)))
_current = ""
_lines: dict[str, dict[str, set[int]]] = {}
_seconds: dict[str, float] = {}


def _importing(frame) -> bool:
    """True while a project module is being imported (module or class body on the stack): the code run then is
    shared by every test, whichever test happened to trigger the import."""
    while frame is not None:
        code = frame.f_code
        if not code.co_flags & inspect.CO_OPTIMIZED and code.co_filename.startswith(_root):
            return True
        frame = frame.f_back
    return False


def _global(frame, event, arg):
    if frame.f_code.co_filename not in _files:
        return None
    found = _lines.setdefault("" if _importing(frame) else _current, {}).setdefault(frame.f_code.co_filename, set())
    found.add(frame.f_lineno)

    def local(frame, event, arg):
        if event == "line":
            found.add(frame.f_lineno)
        return local
    return local


sys.settrace(_global)
threading.settrace(_global)


def _clear_caches() -> None:
    """Empty the traced modules' memo caches (`functools.lru_cache`/`cache`), so a line that builds a cached
    value is filed under every test that needs it, not only the first test that happened to fill the cache."""
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) in _files:
            for value in vars(module).values():
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _current
    _clear_caches()
    _current, started = item.nodeid, time.perf_counter()
    try:
        return (yield)
    finally:
        _seconds[item.nodeid] = time.perf_counter() - started
        _current = ""


def pytest_sessionfinish(session):
    sys.settrace(None)
    threading.settrace(None)
    tests = {nodeid: {"seconds": _seconds.get(nodeid, 0.0),
                      "lines": {path: sorted(found) for path, found in _lines.get(nodeid, {}).items()}}
             for nodeid in set(_seconds) | set(_lines)}
    with open(os.environ["MUTATION_TRACE_OUT"], "w") as out:
        json.dump({"tests": tests}, out)
