"""The lock files pin, exactly, everything pyproject.toml asks for: installs are the same on every machine."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# What each lock is compiled from (scripts/lock.sh): the runtime with the s3 extra; that plus the test tools.
LOCKS = {"runtime": ("s3",), "test": ("s3", "test")}


def pins(lock: str) -> dict[str, str]:
    pinned = {}
    for line in (ROOT / "requirements" / f"{lock}.txt").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)(\s*;.*)?", line.strip())
            assert match, f"requirements/{lock}.txt: not an exact pin: {line!r}"
            pinned[canonicalize_name(match[1])] = match[2]
    return pinned


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    requirements = [Requirement(spec) for spec in PROJECT["dependencies"]]
    for extra in extras:
        requirements += [Requirement(spec) for spec in PROJECT["optional-dependencies"][extra]]
    return [r for r in requirements if canonicalize_name(r.name) != canonicalize_name(PROJECT["name"])]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_dependency_in_pyproject_is_pinned_within_its_range(lock):
    pinned = pins(lock)
    for requirement in wanted(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is not in requirements/{lock}.txt: run bash scripts/lock.sh"
        assert requirement.specifier.contains(pinned[name], prereleases=True), \
            f"requirements/{lock}.txt pins {name}=={pinned[name]}, outside {requirement}: run bash scripts/lock.sh"


def test_the_runtime_lock_agrees_with_the_test_lock():
    runtime, test = pins("runtime"), pins("test")
    assert {name: test.get(name) for name in runtime} == runtime
