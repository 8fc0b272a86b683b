# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment files agree with galaxy.yml, requirements.txt and the Makefile.

execution-environment.yml, meta/ee-requirements.txt, requirements.yml and bindep.txt are what AWX
runs the collection with; galaxy.yml, requirements.txt and the Makefile are what `make test` checks.
These tests keep the two from drifting apart.
"""

from __future__ import annotations

import json
import re
import typing as t
from pathlib import Path

import pytest
import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]

# A Galaxy version range is comma-separated constraints: ">=2.5.0,<4.0.0", "==1.0.0", "1.0.0", "*".
_CONSTRAINT = re.compile(r"^\s*(?P<op>==|!=|>=|<=|>|<|=)?\s*(?P<version>[^\s,]+)\s*$")
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*(?P<version>[^\s;#]+)")


def _load_yaml(name: str) -> t.Any:
    path = ROOT / name
    if not path.is_file():
        pytest.fail(f"{name} is missing from the collection root")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _normalize(name: str) -> str:
    """PEP 503 name normalization (requests_ntlm and requests-ntlm are the same package)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(name: str) -> dict[str, str]:
    """Exact pins (name==version) of a pip requirements file, by normalized name."""
    pins: dict[str, str] = {}
    for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = _PIN.match(line)
        if match:
            pins[_normalize(match.group("name"))] = match.group("version")
    return pins


def _requirement_lines(name: str) -> list[str]:
    lines = []
    for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _interval(spec: str) -> tuple[tuple[Version, bool] | None, tuple[Version, bool] | None, set[Version]]:
    """(lower bound, upper bound, excluded versions) of a Galaxy range; a bound is (version, inclusive)."""
    lower: tuple[Version, bool] | None = None
    upper: tuple[Version, bool] | None = None
    excluded: set[Version] = set()
    for part in str(spec).split(","):
        if part.strip() in ("", "*"):
            continue
        match = _CONSTRAINT.match(part)
        assert match, f"cannot read version constraint {part!r} of {spec!r}"
        op = match.group("op") or "=="
        try:
            version = Version(match.group("version"))
        except InvalidVersion as error:
            pytest.fail(f"invalid version in {spec!r}: {error}")
        if op in ("==", "="):
            lower = _tighter_lower(lower, (version, True))
            upper = _tighter_upper(upper, (version, True))
        elif op == "!=":
            excluded.add(version)
        elif op in (">=", ">"):
            lower = _tighter_lower(lower, (version, op == ">="))
        else:
            upper = _tighter_upper(upper, (version, op == "<="))
    return lower, upper, excluded


def _tighter_lower(a: tuple[Version, bool] | None, b: tuple[Version, bool]) -> tuple[Version, bool]:
    if a is None or b[0] > a[0] or (b[0] == a[0] and not b[1]):
        return b
    return a


def _tighter_upper(a: tuple[Version, bool] | None, b: tuple[Version, bool]) -> tuple[Version, bool]:
    if a is None or b[0] < a[0] or (b[0] == a[0] and not b[1]):
        return b
    return a


def _overlap(*specs: str) -> bool:
    """Whether some version satisfies every one of the Galaxy ranges."""
    lower: tuple[Version, bool] | None = None
    upper: tuple[Version, bool] | None = None
    excluded: set[Version] = set()
    for spec in specs:
        spec_lower, spec_upper, spec_excluded = _interval(spec)
        if spec_lower:
            lower = _tighter_lower(lower, spec_lower)
        if spec_upper:
            upper = _tighter_upper(upper, spec_upper)
        excluded |= spec_excluded
    if lower is None or upper is None:
        return True
    if lower[0] < upper[0]:
        return True
    return lower[0] == upper[0] and lower[1] and upper[1] and lower[0] not in excluded


def _satisfies(version: str, spec: str) -> bool:
    return _overlap(spec, f"=={version}")


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ((">=2.5.0", ">=2.5.0,<4.0.0"), True),
        ((">=2.5.0", "<2.5.0"), False),
        ((">=2.5.0", "<=2.5.0"), True),
        ((">2.5.0", "<=2.5.0"), False),
        (("==3.3.0", ">=3.0.0,<4.0.0"), True),
        (("3.3.0", "!=3.3.0"), False),
        (("*", "==1.0.0"), True),
    ],
)
def test_range_overlap_helper(specs: tuple[str, ...], expected: bool) -> None:
    assert _overlap(*specs) is expected


def _ee() -> dict[str, t.Any]:
    ee = _load_yaml("execution-environment.yml")
    assert isinstance(ee, dict), "execution-environment.yml is not a mapping"
    return ee


def _requirements_yml() -> dict[str, str]:
    data = _load_yaml("requirements.yml")
    collections = data.get("collections") or []
    ranges: dict[str, str] = {}
    for entry in collections:
        if isinstance(entry, str):
            ranges[entry] = "*"
        else:
            ranges[entry["name"]] = str(entry.get("version", "*"))
    return ranges


def test_ee_file_is_builder_v3_with_the_agreed_dependency_files() -> None:
    ee = _ee()
    assert ee["version"] == 3
    deps = ee["dependencies"]
    assert deps["python"] == "meta/ee-requirements.txt"
    assert deps["galaxy"] == "requirements.yml"
    assert deps["system"] == "bindep.txt"
    for key in ("python", "galaxy", "system"):
        assert (ROOT / deps[key]).is_file(), f"{deps[key]} (dependencies.{key}) is missing"


def test_ee_base_image_is_a_plain_placeholder() -> None:
    name = _ee()["images"]["base_image"]["name"]
    assert isinstance(name, str) and name
    assert not re.search(r"[{}$]", name), f"base image must not use variables: {name!r}"


def test_every_galaxy_dependency_is_in_requirements_yml_with_an_overlapping_range() -> None:
    galaxy = _load_yaml("galaxy.yml")
    dependencies = galaxy.get("dependencies") or {}
    ranges = _requirements_yml()
    for name, spec in dependencies.items():
        assert name in ranges, f"galaxy.yml depends on {name}, which requirements.yml does not list"
        assert _overlap(str(spec), ranges[name]), (
            f"{name}: galaxy.yml asks for {spec!r}, requirements.yml for {ranges[name]!r}; no version satisfies both"
        )


def test_requirements_yml_lists_the_collections_awx_needs() -> None:
    ranges = _requirements_yml()
    assert "ansible.windows" in ranges
    assert "awx.awx" in ranges, "playbooks/awx_setup.yml uses awx.awx"


def _bundled_collection_version(name: str) -> str | None:
    """Version of a collection bundled with the installed `ansible` package, if any."""
    namespace, collection = name.split(".")
    try:
        import ansible_collections  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    for base in getattr(ansible_collections, "__path__", []):
        manifest = Path(base) / namespace / collection / "MANIFEST.json"
        if manifest.is_file():
            return str(json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]["version"])
    return None


def test_requirements_yml_ranges_include_the_bundled_collection_versions() -> None:
    checked = 0
    for name, spec in _requirements_yml().items():
        bundled = _bundled_collection_version(name)
        if bundled is None:
            continue
        checked += 1
        assert _satisfies(bundled, spec), f"{name} {bundled} (bundled with ansible) is outside {spec!r} in requirements.yml"
    if not checked:
        pytest.skip("no collection of requirements.yml is installed in this Python environment")


def test_ee_ansible_core_matches_the_requirements_txt_pin() -> None:
    pins = _pins("requirements.txt")
    assert "ansible-core" in pins, "requirements.txt does not pin ansible-core"
    assert _ee()["dependencies"]["ansible_core"]["package_pip"] == f"ansible-core=={pins['ansible-core']}"


def test_makefile_pins_agree_with_requirements_txt() -> None:
    """Any ansible-core pin written in the Makefile is the requirements.txt one."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    core = _pins("requirements.txt")["ansible-core"]
    for found in re.findall(r"ansible-core\s*==\s*([0-9][^\s'\"]*)", makefile):
        assert found == core, f"Makefile pins ansible-core=={found}, requirements.txt ansible-core=={core}"


def test_ee_ansible_runner_is_pinned_exactly() -> None:
    spec = _ee()["dependencies"]["ansible_runner"]["package_pip"]
    match = _PIN.match(spec)
    assert match and _normalize(match.group("name")) == "ansible-runner", f"ansible_runner must be name==version: {spec!r}"
    for name in ("requirements.txt", "requirements-dev.txt"):
        path = ROOT / name
        pinned = _pins(name).get("ansible-runner") if path.is_file() else None
        if pinned:
            assert pinned == match.group("version"), f"{name} pins ansible-runner=={pinned}, the EE {spec}"


def test_ee_python_requirements_are_pinned_as_in_requirements_txt() -> None:
    pins = _pins("requirements.txt")
    lines = _requirement_lines("meta/ee-requirements.txt")
    assert lines, "meta/ee-requirements.txt lists no package"
    for line in lines:
        match = _PIN.match(line)
        assert match, f"meta/ee-requirements.txt: {line!r} is not pinned as name==version"
        name = _normalize(match.group("name"))
        assert name not in ("ansible-core", "ansible-runner", "ansible"), (
            f"{name} belongs in execution-environment.yml (dependencies.ansible_core/ansible_runner), not in the EE's Python list"
        )
        assert name in pins, f"meta/ee-requirements.txt has {name}, which requirements.txt does not pin"
        assert match.group("version") == pins[name], (
            f"{name}: meta/ee-requirements.txt pins {match.group('version')}, requirements.txt {pins[name]}"
        )


def test_ee_has_the_winrm_transport() -> None:
    names = {_normalize(_PIN.match(line).group("name")) for line in _requirement_lines("meta/ee-requirements.txt") if _PIN.match(line)}
    assert "pywinrm" in names
