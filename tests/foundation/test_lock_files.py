"""The lock files (make lock) must hold what pyproject.toml pins, at the same versions."""

import re
import tomllib

from .. import conftest

PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)
RUN_MAKE_LOCK = "pyproject.toml and the lock files disagree: run `make lock` and commit both"


def pins(text):
    """{normalised name: version} of every `name==version` requirement in the text."""
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in PINNED.findall(text)}


def locked(name):
    return pins((conftest.PROJECT_DIR / name).read_text())


def declared(*groups):
    project = tomllib.loads((conftest.PROJECT_DIR / "pyproject.toml").read_text())["project"]
    lines = [
        line
        for group in groups
        for line in (
            project["dependencies"]
            if group == "runtime"
            else project["optional-dependencies"][group]
        )
    ]
    return pins("\n".join(lines))


def test_every_pinned_dependency_is_locked_at_its_version():
    runtime, development = locked("requirements.lock"), locked("requirements-dev.lock")
    assert declared("runtime").items() <= runtime.items(), RUN_MAKE_LOCK
    assert declared("runtime", "dev").items() <= development.items(), RUN_MAKE_LOCK


def test_development_installs_the_runtime_versions_the_image_gets():
    runtime, development = locked("requirements.lock"), locked("requirements-dev.lock")
    assert runtime.items() <= development.items()


def test_every_locked_package_carries_hashes():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (conftest.PROJECT_DIR / name).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        assert entries and all("--hash=sha256:" in entry for entry in entries), name
