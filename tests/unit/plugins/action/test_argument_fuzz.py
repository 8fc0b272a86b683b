# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property tests: every action plugin fed random and mutated task arguments.

Each invalid case carries one known mistake (a wrong type, an unknown key, a bad
choice, a bad profile, a bad or conflicting override, a garbage ``state``, a bad
path). For every one the plugin must return a failed result whose message names
the offending field (and the allowed values where there is a choice), must not
raise or carry a traceback, and must write nothing: no file in the backup or
report folder, no change in the offline host's folder, no module call that writes
on a live host (the module calls go to a recording stand-in).

A second property feeds arbitrary dictionaries: whatever happens, no exception
escapes and a failure writes nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import shutil
import string
import tempfile
import typing as t
from unittest.mock import MagicMock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsready.windows.plugins.action import (
    tls_converge,
    tls_facts,
    tls_hotfix,
    tls_report,
    tls_restore,
    tls_settings,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.guards import GUARDS
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.settings import PROFILES, SETTINGS_BY_ID

from .test_tls_actions import FIXTURES, action, live_connection, load_read_result, offline_connection

# Fixed examples (derandomize, no example database) so that CI is stable: 9 x 300 + 5 x 80 = 3,100 examples here,
# with the 2,400 of test_export_fuzz.py 5,500 in all.
INVALID = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
ANYTHING = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

READ_MODULE = "tlsready.windows.win_tls_read"
READ_ONLY_MODULES = {READ_MODULE, "ansible.windows.win_find"}
GUARD_NAMES = sorted(GUARDS)
SETTING_IDS = sorted(SETTINGS_BY_ID)
PROTOCOL_IDS = [s for s in SETTING_IDS if SETTINGS_BY_ID[s].kind == "protocol"]
MASK_IDS = [s for s in SETTING_IDS if SETTINGS_BY_ID[s].kind == "mask"]
FLAG_IDS = [s for s in SETTING_IDS if SETTINGS_BY_ID[s].kind == "flag"]
BOOLEAN_WORDS = {"y", "yes", "on", "1", "true", "t", "n", "no", "off", "0", "false", "f"}
REQUIRED_STATE_KEYS = ("version", "os_name", "product_type", "architecture")


@dataclasses.dataclass
class Case:
    """Task arguments with one known mistake: ``fields`` (one must be named) and ``allowed`` (all must be named)."""

    args: dict[str, t.Any]
    fields: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    says: str = ""
    check_mode: bool = False


# ------------------------------------------------------------------ the world the plugins run in


def _digest(folder: str) -> dict[str, str]:
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder)
            if os.path.isdir(path):
                found[rel] = "dir"
            else:
                with open(path, "rb") as handle:
                    found[rel] = hashlib.sha256(handle.read()).hexdigest()
    return found


class World:
    """An offline host folder, a live read result and a scratch area, made once per module."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.host = os.path.join(root, "pc-0042")
        self.copy_host()
        self.host_digest = _digest(self.host)
        # The scratch folder must stay empty: backups, reports and bundles would land here.
        self.scratch = os.path.join(root, "scratch")
        os.makedirs(self.scratch)
        # Bad paths: a regular file, a directory, a garbage .reg file, a backup holding a key deletion.
        self.bad = os.path.join(root, "bad")
        os.makedirs(os.path.join(self.bad, "a-directory.reg"))
        self.files = {
            "plain": os.path.join(self.bad, "plain-file"),
            "garbage": os.path.join(self.bad, "garbage.reg"),
            "key_deletion": os.path.join(self.bad, "key-deletion.reg"),
            "empty_msu_folder": os.path.join(self.bad, "no-msu-here"),
        }
        with open(self.files["plain"], "w", encoding="utf-8") as handle:
            handle.write("not a folder\n")
        with open(self.files["garbage"], "wb") as handle:
            handle.write(b"\x00\x01 this is no registry file")
        with open(self.files["key_deletion"], "wb") as handle:
            handle.write(b"Windows Registry Editor Version 5.00\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n")
        os.makedirs(self.files["empty_msu_folder"])
        with open(os.path.join(self.files["empty_msu_folder"], "readme.txt"), "w", encoding="utf-8") as handle:
            handle.write("no updates\n")
        self.bad_digest = _digest(self.bad)
        self.read = load_read_result()
        facts = action(tls_facts, {}, offline_connection(self.host)).run(task_vars={})
        self.state = facts["state"]
        self.live_state = {**self.state, "source": "live"}

    def copy_host(self) -> None:
        """Create the offline host folder from the Windows 7 SP1 export fixtures."""
        os.makedirs(self.host)
        exports = os.path.join(FIXTURES, "exports")
        for source, target in (("systeminfo-win7sp1.csv", "systeminfo.csv"), ("schannel-win7sp1.reg", "schannel.reg"),
                               ("cipher-order-win7sp1.reg", "cipher-local.reg"),
                               ("fileversions-win7sp1.csv", "fileversions.csv")):
            shutil.copyfile(os.path.join(exports, source), os.path.join(self.host, target))

    def assert_untouched(self) -> None:
        assert _digest(self.host) == self.host_digest, "the offline host folder was modified"
        assert os.listdir(self.scratch) == [], f"files were written: {os.listdir(self.scratch)}"
        assert _digest(self.bad) == self.bad_digest, "a file given as a bad path was modified"

    def reset(self) -> None:
        """Undo a successful run's writes (the anything-goes property only)."""
        shutil.rmtree(self.host)
        self.copy_host()
        for name in os.listdir(self.scratch):
            path = os.path.join(self.scratch, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)


@pytest.fixture(scope="module")
def world() -> t.Iterator[World]:
    root = tempfile.mkdtemp(prefix="tlsready-fuzz-")
    try:
        yield World(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


class RecordingModules:
    """Stands in for ``_execute_module``: answers reads, records every call, performs nothing."""

    def __init__(self, read: dict[str, t.Any]) -> None:
        self.read = read
        self.calls: list[tuple[str, dict[str, t.Any]]] = []

    def __call__(self, module_name: str, module_args: dict[str, t.Any] | None = None, task_vars: t.Any = None,
                 **_kwargs: t.Any) -> dict[str, t.Any]:
        self.calls.append((module_name, copy.deepcopy(module_args or {})))
        if module_name == READ_MODULE:
            return copy.deepcopy(self.read)
        if module_name == "ansible.windows.win_find":
            return {"files": []}
        return {"changed": True}

    @property
    def writes(self) -> list[tuple[str, dict[str, t.Any]]]:
        return [call for call in self.calls if call[0] not in READ_ONLY_MODULES]


def run_plugin(module: t.Any, args: dict[str, t.Any], world: World, live: bool, check_mode: bool = False,
               task_vars: dict[str, t.Any] | None = None) -> tuple[dict[str, t.Any], RecordingModules]:
    connection = live_connection() if live else offline_connection(world.host)
    plugin = action(module, copy.deepcopy(args), connection, check_mode=check_mode)
    modules = RecordingModules(world.read)
    plugin._execute_module = modules
    plugin._shared_loader_obj = MagicMock(name="shared_loader_obj")  # win_updates would be loaded through it
    cwd = os.getcwd()
    os.chdir(world.scratch)  # a relative path written by mistake lands in the folder that must stay empty
    try:
        result = plugin.run(task_vars=dict(task_vars or {}))
    except Exception as err:  # pylint: disable=broad-except
        pytest.fail(f"{module.__name__} raised {type(err).__name__}: {err} for {args!r}")
    finally:
        os.chdir(cwd)
    return result, modules


def assert_clean(result: t.Any) -> None:
    assert isinstance(result, dict)
    text = str(result)
    assert "Traceback" not in text, text
    assert "exception" not in result, result.get("exception")
    assert isinstance(result.get("msg", ""), str)


def assert_refused(case: Case, result: dict[str, t.Any], modules: RecordingModules, world: World) -> None:
    assert_clean(result)
    assert result.get("failed") is True, (case, result)
    msg = result.get("msg", "")
    assert msg, result
    assert any(field in msg for field in case.fields), (case, msg)
    for allowed in case.allowed:
        assert allowed in msg, (case, msg)
    assert case.says in msg, (case, msg)
    assert not result.get("changed"), result
    assert modules.writes == [], modules.writes
    assert not [c for c in modules.calls if c[0] in ("ansible.windows.win_find",)], modules.calls
    world.assert_untouched()


# ------------------------------------------------------------------ values

NAMES = st.text(string.ascii_letters + string.digits + "_.-", min_size=1, max_size=14)
JUNK_TEXT = st.text(string.ascii_letters + string.digits + " _.-:/\\", max_size=16)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False, width=32),
                    st.text(max_size=12))


def _containers(inner: st.SearchStrategy[t.Any]) -> st.SearchStrategy[t.Any]:
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4))


JSONISH = st.recursive(SCALARS, _containers, max_leaves=12)
NOT_A_STRING = st.one_of(st.lists(SCALARS, max_size=3), st.dictionaries(NAMES, SCALARS, min_size=1, max_size=3),
                         st.integers(), st.booleans(), st.floats(allow_nan=False))
NOT_A_DICT = st.one_of(st.lists(SCALARS, max_size=3), st.integers(), st.floats(allow_nan=False),
                       st.text(string.ascii_letters + " ", min_size=1, max_size=10).filter(lambda s: s.strip()))
NOT_A_BOOL = st.one_of(
    st.text(string.ascii_letters + string.digits, min_size=1, max_size=8).filter(lambda s: s.lower() not in BOOLEAN_WORDS),
    st.integers().filter(lambda i: i not in (0, 1)), st.lists(SCALARS, min_size=1, max_size=2),
    st.dictionaries(NAMES, SCALARS, min_size=1, max_size=2))
NOT_A_LIST = st.dictionaries(NAMES, SCALARS, min_size=1, max_size=3)


def _not_in(choices: t.Iterable[str]) -> st.SearchStrategy[str]:
    chosen = set(choices)
    return st.one_of(JUNK_TEXT, st.sampled_from(sorted(chosen)).map(lambda c: c.upper() + "x")).filter(
        lambda s: s not in chosen)


VALID_OVERRIDE_VALUES: dict[str, list[t.Any]] = {
    "schannel.tls1_0.server": ["enabled", "disabled", "unmanaged", True],
    "schannel.ssl3_0.client": ["disabled", "Unmanaged"],
    "schannel.tls1_3.client": ["enabled", "unmanaged"],
    "dotnet4.strong_crypto": ["enabled", "unmanaged"],
    "winhttp.default_secure_protocols": [0xA80, "0x800", "unmanaged", 0x2800],
    "wininet.secure_protocols": [0xA00, "2048", "unmanaged"],
}
VALID_OVERRIDES = st.lists(st.sampled_from(sorted(VALID_OVERRIDE_VALUES)), unique=True, max_size=2).flatmap(
    lambda keys: st.fixed_dictionaries({k: st.sampled_from(VALID_OVERRIDE_VALUES[k]) for k in keys}))


@st.composite
def policy_base(draw: st.DrawFn) -> dict[str, t.Any]:
    """Valid policy arguments (each may be left out)."""
    args: dict[str, t.Any] = {}
    if draw(st.booleans()):
        args["profile"] = draw(st.sampled_from(PROFILES))
    if draw(st.booleans()):
        args["overrides"] = draw(VALID_OVERRIDES)
    if draw(st.booleans()):
        args["pin_explicit"] = draw(st.sampled_from([True, False, "yes", "no"]))
    if draw(st.booleans()):
        args["accept_risks"] = draw(st.lists(st.sampled_from(GUARD_NAMES), unique=True, max_size=3))
    return args


# ------------------------------------------------------------------ one mistake each


@st.composite
def unknown_key(draw: st.DrawFn, spec: t.Mapping[str, t.Any], args: dict[str, t.Any]) -> Case:
    name = draw(NAMES.filter(lambda n: n not in spec and not n.startswith("_")))
    return Case({**args, name: draw(JSONISH)}, (name,))


@st.composite
def wrong_type(draw: st.DrawFn, spec: t.Mapping[str, t.Any], args: dict[str, t.Any]) -> Case:
    field = draw(st.sampled_from(sorted(spec)))
    kind = spec[field].get("type", "str")
    value = draw({"str": NOT_A_STRING, "path": NOT_A_STRING, "bool": NOT_A_BOOL, "dict": NOT_A_DICT,
                  "list": NOT_A_LIST}[kind])
    return Case({**args, field: value}, (field,))


@st.composite
def bad_profile(draw: st.DrawFn, args: dict[str, t.Any]) -> Case:
    return Case({**args, "profile": draw(_not_in(PROFILES))}, ("profile",), tuple(PROFILES))


@st.composite
def bad_accept_risks(draw: st.DrawFn, args: dict[str, t.Any]) -> Case:
    good = draw(st.lists(st.sampled_from(GUARD_NAMES), unique=True, max_size=2))
    bad = draw(_not_in(GUARD_NAMES))
    risks = good + [bad]
    draw(st.randoms()).shuffle(risks)
    return Case({**args, "accept_risks": risks}, ("accept_risks",), tuple(GUARD_NAMES))


@st.composite
def bad_override(draw: st.DrawFn, args: dict[str, t.Any]) -> Case:
    profile = args.get("profile", "m365_client")
    kind = draw(st.sampled_from(["unknown", "protocol", "mask", "flag", "conflict", "conflict_mask", "string"]))
    valid = dict(draw(VALID_OVERRIDES))
    if kind == "unknown":
        key = draw(NAMES.filter(lambda n: n not in SETTINGS_BY_ID))
        return Case({**args, "overrides": {**valid, key: draw(JSONISH)}}, (f"overrides.{key}",))
    if kind == "protocol":
        key = draw(st.sampled_from(PROTOCOL_IDS))
        value = draw(st.one_of(JUNK_TEXT, st.integers(), st.lists(SCALARS, max_size=2)).filter(
            lambda v: str(v).strip().lower() not in ("enabled", "disabled", "unmanaged")))
        valid.pop(key, None)
        return Case({**args, "overrides": {**valid, key: value}}, (f"overrides.{key}",),
                    ("enabled", "disabled", "unmanaged"))
    if kind == "mask":
        key = draw(st.sampled_from(MASK_IDS))
        value = draw(st.one_of(st.integers(max_value=-1), st.integers(0, 2**20).map(lambda i: i * 2 + 1),
                               st.integers(15, 40).map(lambda i: 1 << i),
                               st.text("ghijklmnopqrstuvwxyz", min_size=1, max_size=6),
                               st.lists(st.integers(), max_size=2), st.none()))
        valid.pop(key, None)
        return Case({**args, "overrides": {**valid, key: value}}, (f"overrides.{key}",), ("unmanaged", "0x800"))
    if kind == "flag":
        key = draw(st.sampled_from(FLAG_IDS))
        value = draw(st.one_of(st.just("disabled"), st.just(False), JUNK_TEXT.filter(
            lambda v: v.strip().lower() not in ("enabled", "unmanaged"))))
        valid.pop(key, None)
        return Case({**args, "overrides": {**valid, key: value}}, (f"overrides.{key}",), ("enabled", "unmanaged"))
    if kind == "conflict":
        needed = ["schannel.tls1_2.client"] + (["schannel.tls1_2.server"] if profile == "strict" else [])
        key = draw(st.sampled_from(needed))
        valid.pop(key, None)
        value = draw(st.sampled_from(["disabled", "Disabled", " DISABLED ", False]))
        return Case({**args, "overrides": {**valid, key: value}}, (f"overrides.{key}",), (profile,),
                    says="conflicts with profile")
    if kind == "conflict_mask":
        key = draw(st.sampled_from(MASK_IDS))
        bits = draw(st.sets(st.sampled_from([0x8, 0x20, 0x80, 0x200, 0x2000]), max_size=4))
        value = sum(bits)
        valid.pop(key, None)
        shown = draw(st.sampled_from([value, hex(value), str(value)]))
        return Case({**args, "overrides": {**valid, key: shown}}, (f"overrides.{key}",), ("TLS 1.2",),
                    says="conflicts with profile")
    # A key=value string, as on the command line: the TLS 1.2 client disabled.
    return Case({**args, "overrides": "schannel.tls1_2.client=disabled"}, ("overrides.schannel.tls1_2.client",),
                says="conflicts with profile")


@st.composite
def bad_choice(draw: st.DrawFn, spec: t.Mapping[str, t.Any], args: dict[str, t.Any]) -> Case:
    field = draw(st.sampled_from(sorted(f for f, s in spec.items() if "choices" in s)))
    choices = spec[field]["choices"]
    return Case({**args, field: draw(_not_in(choices))}, (field,), tuple(choices))


@st.composite
def garbage_state(draw: st.DrawFn, state: dict[str, t.Any], args: dict[str, t.Any]) -> Case:
    kind = draw(st.sampled_from(["random", "drop", "version", "product_type", "registry", "registry_item",
                                 "service_pack", "file_versions", "listish"]))
    bad = copy.deepcopy(state)
    if kind == "random":
        bad = draw(st.dictionaries(st.text(max_size=10), JSONISH, min_size=1, max_size=5).filter(
            lambda d: any(k not in d for k in REQUIRED_STATE_KEYS)))
    elif kind == "drop":
        del bad[draw(st.sampled_from(REQUIRED_STATE_KEYS))]
    elif kind == "version":
        bad["version"] = draw(st.one_of(st.none(), st.lists(SCALARS, max_size=2), st.dictionaries(NAMES, SCALARS),
                                        st.text(string.ascii_letters + ".-", min_size=1, max_size=8)))
    elif kind == "product_type":
        bad["product_type"] = draw(st.one_of(JUNK_TEXT, st.integers(), st.none()).filter(
            lambda v: v not in ("client", "server")))
    elif kind == "registry":
        bad["registry"] = draw(st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(),
                                         st.dictionaries(NAMES, SCALARS, min_size=1, max_size=2),
                                         st.text(min_size=1, max_size=5)))
    elif kind == "registry_item":
        items = bad["registry"]
        index = draw(st.integers(0, len(items) - 1))
        item = dict(items[index])
        mutation = draw(st.sampled_from(["replace", "drop", "path", "type", "data"]))
        if mutation == "replace":
            items[index] = draw(st.one_of(st.integers(), st.none(), st.text(min_size=1, max_size=5),
                                          st.lists(SCALARS, max_size=2)))
        elif mutation == "drop":
            del item[draw(st.sampled_from(["path", "name", "type"]))]
            items[index] = item
        elif mutation == "path":
            item["path"] = draw(st.one_of(st.integers(), st.none(), st.lists(SCALARS, max_size=2),
                                          st.dictionaries(NAMES, SCALARS, max_size=2), st.booleans()))
            items[index] = item
        elif mutation == "type":
            item["type"] = draw(_not_in(["dword", "qword", "sz", "expand_sz", "multi_sz", "binary", "none"]))
            items[index] = item
        else:
            item["type"] = draw(st.sampled_from(["dword", "qword", "binary"]))
            item["data"] = draw(st.one_of(st.text("ghijklmnopqrstuvwxyz", min_size=1, max_size=6),
                                          st.lists(st.integers(), min_size=1, max_size=2),
                                          st.dictionaries(NAMES, SCALARS, min_size=1, max_size=2)))
            items[index] = item
    elif kind == "service_pack":
        bad["service_pack"] = draw(st.one_of(st.none(), st.text(string.ascii_letters, min_size=1, max_size=5),
                                             st.lists(SCALARS, max_size=2), st.dictionaries(NAMES, SCALARS, max_size=2)))
    elif kind == "file_versions":
        bad["file_versions"] = draw(st.one_of(
            st.integers(), st.dictionaries(NAMES, st.text(string.ascii_letters, min_size=1, max_size=5), min_size=1,
                                           max_size=2),
            st.lists(st.integers(), min_size=1, max_size=3)))
    else:
        key = draw(st.sampled_from(["hotfixes", "problems"]))
        bad[key] = draw(st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans()))
    return Case({**args, "state": bad}, ("state",))


@st.composite
def policy_case(draw: st.DrawFn, spec: t.Mapping[str, t.Any], state: dict[str, t.Any]) -> Case:
    args = draw(policy_base())
    makers: list[st.SearchStrategy[Case]] = [
        unknown_key(spec, args), wrong_type(spec, args), bad_profile(args), bad_accept_risks(args), bad_override(args),
    ]
    if "state" in spec:
        makers.append(garbage_state(state, args))
    if any("choices" in s for s in spec.values()):
        makers.append(bad_choice(spec, args))
    case = draw(st.one_of(makers))
    case.check_mode = draw(st.booleans())
    return case


@st.composite
def bad_path(draw: st.DrawFn, world: World, field: str) -> Case:
    """A path that cannot be used: under a regular file, a directory, a file that is not a .reg backup."""
    choice = draw(st.sampled_from(["under_file", "directory", "garbage", "key_deletion"]))
    path = {
        "under_file": os.path.join(world.files["plain"], draw(NAMES) + ".reg"),
        "directory": os.path.join(world.bad, "a-directory.reg"),
        "garbage": world.files["garbage"],
        "key_deletion": world.files["key_deletion"],
    }[choice]
    return Case({field: path}, (field,))


# ------------------------------------------------------------------ the properties


def _settings_case(world: World) -> st.SearchStrategy[Case]:
    spec = tls_settings.ActionModule.ARGUMENT_SPEC

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        if draw(st.integers(0, 5)) == 0:
            case = draw(bad_path(world, "backup"))
            case.args.update(draw(policy_base()))
            case.check_mode = draw(st.booleans())
            return case
        case = draw(policy_case(spec, world.state))
        if draw(st.booleans()) and "backup" not in case.args:
            case.args["backup"] = os.path.join(world.scratch, "backups", "pc-0042.reg")
        return case

    return build()


def _hotfix_case(world: World, live: bool) -> st.SearchStrategy[Case]:
    spec = tls_hotfix.ActionModule.ARGUMENT_SPEC

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        if not live and draw(st.integers(0, 5)) == 0:
            source = draw(st.sampled_from([world.files["plain"], world.files["empty_msu_folder"],
                                           os.path.join(world.bad, "missing", draw(NAMES))]))
            return Case({**draw(policy_base()), "source": source}, ("source",))
        case = draw(policy_case(spec, world.state))
        if draw(st.booleans()) and "source" not in case.args:
            case.args["source"] = r"\\files\msu" if live else world.files["empty_msu_folder"]
        return case

    return build()


def host_case(name: str, world: World, live: bool) -> st.SearchStrategy[Case]:
    """The bad-argument cases of the plugin ``name`` that reads or changes a host."""
    if name == "tls_facts":
        return policy_case(tls_facts.ActionModule.ARGUMENT_SPEC, world.state)
    if name == "tls_settings":
        return _settings_case(world)
    return _hotfix_case(world, live)


HOST_PLUGINS = {"tls_facts": tls_facts, "tls_settings": tls_settings, "tls_hotfix": tls_hotfix}


@pytest.mark.parametrize("name", sorted(HOST_PLUGINS))
@pytest.mark.parametrize("live", [False, True], ids=["offline", "live"])
@INVALID
@given(data=st.data())
def test_host_plugins_refuse_bad_arguments(world: World, live: bool, name: str, data: st.DataObject) -> None:
    case = data.draw(host_case(name, world, live))
    result, modules = run_plugin(HOST_PLUGINS[name], case.args, world, live, case.check_mode)
    assert_refused(case, result, modules, world)


@st.composite
def restore_case(draw: st.DrawFn, world: World) -> Case:
    spec = tls_restore.ActionModule.ARGUMENT_SPEC
    kind = draw(st.sampled_from(["path", "missing_file", "required", "unknown", "type"]))
    if kind == "path":
        case = draw(bad_path(world, "backup"))
    elif kind == "missing_file":
        case = Case({"backup": os.path.join(world.scratch, draw(NAMES) + ".reg")}, ("backup",))
    elif kind == "required":
        case = Case({}, ("backup",))
    elif kind == "unknown":
        case = draw(unknown_key(spec, {"backup": os.path.join(world.scratch, "x.reg")}))
    else:
        case = draw(wrong_type(spec, {}))
    case.check_mode = draw(st.booleans())
    return case


@pytest.mark.parametrize("live", [False, True], ids=["offline", "live"])
@INVALID
@given(data=st.data())
def test_tls_restore_refuses_bad_arguments(world: World, live: bool, data: st.DataObject) -> None:
    case = data.draw(restore_case(world))
    result, modules = run_plugin(tls_restore, case.args, world, live, case.check_mode)
    assert_refused(case, result, modules, world)


def report_vars(world: World) -> dict[str, t.Any]:
    """A play with three hosts: one with a result, one without, one with a garbage result."""
    return {"ansible_play_hosts_all": ["pc-0042", "pc-0043", "pc-0044"], "ansible_play_hosts": ["pc-0042"],
            "hostvars": {"pc-0042": {"tlsready_result": {"compliant": True, "release": {"supported": True}}},
                         "pc-0044": {"tlsready_result": "garbage"}}}


@st.composite
def report_case(draw: st.DrawFn, world: World) -> Case:
    spec = tls_report.ActionModule.ARGUMENT_SPEC
    args: dict[str, t.Any] = {"dest": os.path.join(world.scratch, "reports")}
    if draw(st.booleans()):
        args["formats"] = draw(st.lists(st.sampled_from(["json", "xml", "csv", "html"]), unique=True, min_size=1))
    if draw(st.booleans()):
        args["mode"] = draw(st.sampled_from(["audit", "converge"]))
    if draw(st.booleans()):
        args["hosts"] = draw(st.lists(st.sampled_from(["pc-0042", "pc-0043", "pc-9"]), max_size=3))
    # No "required" case: dest may be empty (no files written), so tls_report has no required option.
    kind = draw(st.sampled_from(["unknown", "type", "choice", "profile", "formats", "dest"]))
    if kind == "unknown":
        case = draw(unknown_key(spec, args))
    elif kind == "type":
        case = draw(wrong_type(spec, args))
    elif kind == "choice":
        case = draw(bad_choice(spec, args))
    elif kind == "profile":
        case = Case({**args, "profile": draw(_not_in(PROFILES))}, ("profile",), tuple(PROFILES))
    elif kind == "formats":
        good = args.get("formats", [])
        bad = draw(_not_in(["json", "xml", "csv", "html"]))
        case = Case({**args, "formats": good + [bad]}, ("formats",), ("json", "xml", "csv", "html"))
    elif kind == "dest":
        dest = draw(st.sampled_from([world.files["plain"], os.path.join(world.files["plain"], "reports")]))
        case = Case({**args, "dest": dest}, ("dest",))
    case.check_mode = draw(st.booleans())
    return case


@INVALID
@given(data=st.data())
def test_tls_report_refuses_bad_arguments(world: World, data: st.DataObject) -> None:
    case = data.draw(report_case(world))
    result, modules = run_plugin(tls_report, case.args, world, live=False, check_mode=case.check_mode,
                                 task_vars=report_vars(world))
    assert_refused(case, result, modules, world)


# ------------------------------------------------------------------ anything goes

PLUGINS = {"tls_facts": tls_facts, "tls_settings": tls_settings, "tls_hotfix": tls_hotfix,
           "tls_restore": tls_restore, "tls_report": tls_report, "tls_converge": tls_converge}


PLAUSIBLE: dict[str, st.SearchStrategy[t.Any]] = {
    "profile": st.sampled_from([*PROFILES, "Strict", ""]),
    "overrides": st.one_of(VALID_OVERRIDES, st.dictionaries(st.sampled_from(SETTING_IDS), SCALARS, max_size=2)),
    "pin_explicit": st.sampled_from([True, False, "yes", "maybe"]),
    "accept_risks": st.lists(st.sampled_from([*GUARD_NAMES, "rdp"]), max_size=2),
    "method": st.sampled_from(["msu", "windows_update", "wsus"]),
    "update_method": st.sampled_from(["msu", "windows_update", "wsus"]),
    "install_updates": st.booleans(),
    "reboot": st.sampled_from([True, False, "yes"]),
    "reboot_timeout": st.sampled_from([1800, 0, -5, "60", "soon"]),
    "fail_noncompliant": st.booleans(),
    "install": st.booleans(),
    "mode": st.sampled_from(["audit", "converge", "check"]),
    "formats": st.lists(st.sampled_from(["json", "xml", "csv", "html", "pdf"]), max_size=3),
    "fail_on_noncompliant": st.booleans(),
    "result_var": st.sampled_from(["tlsready_result", "missing", "ansible_play_hosts"]),
    "hosts": st.lists(st.sampled_from(["pc-0042", "pc-0043", "pc-0044", ""]), max_size=3),
}


@st.composite
def any_args(draw: st.DrawFn, module: t.Any, world: World) -> dict[str, t.Any]:
    """Known options with plausible or arbitrary values, sometimes an unknown one."""
    spec = module.ActionModule.ARGUMENT_SPEC
    paths = st.sampled_from([os.path.join(world.scratch, "out", "x.reg"), world.files["garbage"], world.files["plain"],
                             world.files["empty_msu_folder"], "", "relative/path.reg"])
    states = st.sampled_from([world.state, {**world.state, "version": "x"}, {}])
    args: dict[str, t.Any] = {}
    for name in draw(st.lists(st.sampled_from(sorted(spec)), unique=True, max_size=len(spec))):
        kind = spec[name].get("type", "str")
        plausible = PLAUSIBLE.get(name, paths if kind == "path" or name in ("source", "update_source") else states)
        args[name] = draw(st.one_of(plausible, plausible, JSONISH))
    if draw(st.integers(0, 4)) == 0:
        args[draw(NAMES.filter(lambda n: n not in spec and not n.startswith("_")))] = draw(JSONISH)
    return args


@pytest.mark.parametrize("name", sorted(PLUGINS))
@ANYTHING
@given(data=st.data())
def test_any_arguments_never_raise(world: World, name: str, data: st.DataObject) -> None:
    module = PLUGINS[name]
    args = data.draw(any_args(module, world))
    live = data.draw(st.booleans())
    check_mode = data.draw(st.booleans())
    try:
        result, modules = run_plugin(module, args, world, live, check_mode, task_vars=report_vars(world))
        assert_clean(result)
        # tls_report's fail_on_noncompliant fails after writing the report, by design (it has a summary).
        if result.get("failed") and "summary" not in result:
            assert result.get("msg"), result
            if not result.get("changed"):
                assert modules.writes == []
                world.assert_untouched()
    finally:
        world.reset()
