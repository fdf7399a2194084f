"""The lock files, read as data: every dependency pyproject.toml declares is
pinned with `==` and its hashes, the lock holds what those pins need in turn, and
`make install` and the Dockerfile install from them with `--require-hashes`."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = "requirements.lock"
DEV_LOCK = "requirements-dev.lock"
# One entry: `name==version \` then one `--hash=sha256:…` line per file.
ENTRY = re.compile(
    r"^([A-Za-z0-9][\w.-]*)==(\S+)((?: \\\n +--hash=sha256:[0-9a-f]{64})*)", re.M
)


def pins(lock: str) -> dict[str, tuple[str, int]]:
    """Each locked project, by normalised name: its version and its number of hashes."""
    text = (ROOT / lock).read_text()
    found = {
        canonicalize_name(name): (version, hashes.count("--hash="))
        for name, version, hashes in ENTRY.findall(text)
    }
    # Every requirement line was read: none is pinned without `==` or left out.
    lines = [line for line in text.splitlines() if re.match(r"[A-Za-z0-9]", line)]
    assert len(found) == len(lines), lines
    return found


def declared(*, dev: bool) -> list[Requirement]:
    found = [Requirement(r) for r in PYPROJECT["dependencies"]]
    if dev:
        found += [Requirement(r) for r in PYPROJECT["optional-dependencies"]["dev"]]
    return found


@pytest.mark.parametrize(("lock", "dev"), [(LOCK, False), (DEV_LOCK, True)])
def test_every_declared_dependency_is_pinned_with_its_hashes(
    lock: str, dev: bool
) -> None:
    locked = pins(lock)
    for requirement in declared(dev=dev):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} n'est pas dans {lock}"
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} : {name}=={version} hors de « {requirement} »"
        )
    assert all(hashes for _, hashes in locked.values()), f"{lock} : une ligne sans hash"


def test_the_application_lock_pins_the_dev_lock_versions_without_the_tools() -> None:
    application, dev = pins(LOCK), pins(DEV_LOCK)
    assert {n: v for n, (v, _) in application.items()} == {
        n: dev[n][0] for n in application
    }
    assert not {"pip-tools", "pytest", "ruff", "schemathesis"} & application.keys()


def test_the_dev_lock_holds_what_its_pins_require() -> None:
    """pip --require-hashes refuses a dependency the lock forgot; find it here first.
    The metadata read is the installed one: `make install` installs this lock."""
    locked = pins(DEV_LOCK)
    wanted = [(r, set(r.extras)) for r in declared(dev=True)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while wanted:
        requirement, extras = wanted.pop()
        name = canonicalize_name(requirement.name)
        if (name, frozenset(extras)) in seen:
            continue
        seen.add((name, frozenset(extras)))
        assert name in locked, f"{name} (pour {requirement}) n'est pas dans {DEV_LOCK}"
        try:
            metadata = distribution(name).metadata
        except (
            PackageNotFoundError
        ):  # the project itself, or a venv not installed by make
            continue
        for line in metadata.get_all("Requires-Dist") or []:
            needed = Requirement(line)
            environments = [{"extra": e} for e in extras] or [{"extra": ""}]
            if needed.marker is None or any(
                needed.marker.evaluate(e) for e in environments
            ):
                wanted.append((needed, set(needed.extras)))


def test_make_install_and_the_dockerfile_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert f"LOCK     := {LOCK}" in makefile
    assert f"DEV_LOCK := {DEV_LOCK}" in makefile
    assert re.search(
        r"^\$\(STAMP\): pyproject\.toml \$\(LOCK\) \$\(DEV_LOCK\)$", makefile, re.M
    )
    assert "pip install --require-hashes -r $(DEV_LOCK)" in makefile
    assert "pip install --no-deps --no-build-isolation -e ." in makefile
    assert "pip install -e '.[dev]'" not in makefile
    assert re.search(r"^lock: ", makefile, re.M)

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(rf"^COPY {LOCK} \./$", dockerfile, re.M)
    assert re.search(rf"^RUN pip install --require-hashes -r {LOCK}$", dockerfile, re.M)
    assert re.search(r"^RUN pip install --no-deps \.", dockerfile, re.M)
    assert dockerfile.index(f"-r {LOCK}") < dockerfile.index("--no-deps .")
