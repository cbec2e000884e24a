"""Fork server for bench/mutation.py: pays pytest's and the libraries' import time once, not once per mutant.

Started in the scratch copy (cwd and PYTHONPATH = the copy). It first collects the given tests in a forked child
to learn which modules a run imports, then imports every one of them that is not the project's own (safety,
tests, bench) — the project's modules stay unimported here, so each forked run imports the mutated source
fresh. Then, per request line on stdin ({"args": [...], "timeout": s, "env": {...}}), it forks a child that runs
`pytest.main(args)` and answers {"code": exit code or null on timeout, "seconds": s} on stdout.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import time
import traceback

import pytest

OWN = ("safety", "tests", "bench", "mutation_", "conftest", "__main__", "__mp_main__")


def _fork_run(args: list[str], timeout: float, env: dict, report_modules: int | None = None,
              log: str = os.devnull) -> int | None:
    """Runs pytest in a forked child (its own process group, output to `log`); None when it timed out."""
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        devnull = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.environ.update(env)
        code = 3
        try:
            code = int(pytest.main(args))
            if report_modules is not None:
                os.write(report_modules, json.dumps(sorted(sys.modules)).encode())
        except BaseException:  # reported in the run's log; the run counts as an error
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.05)


def _preimport(tests: list[str]) -> None:
    reader, writer = os.pipe()
    _fork_run(["--co", "-q", "-p", "no:cacheprovider", *tests], 600, {}, report_modules=writer)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        text = pipe.read()
    for name in json.loads(text or "[]"):
        if not name.startswith(OWN) and name not in sys.modules:
            with contextlib.suppress(Exception):  # one that will not import here is imported per run instead
                importlib.import_module(name)


def main() -> None:
    _preimport(json.loads(sys.argv[1]))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        code = _fork_run(request["args"], request["timeout"], request.get("env", {}), log=request["log"])
        print(json.dumps({"code": code, "seconds": time.monotonic() - started}), flush=True)


if __name__ == "__main__":
    main()
