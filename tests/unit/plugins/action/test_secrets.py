# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An update source carrying a credential never appears in a task result.

The planted secrets go in as tls_hotfix's ``source`` (a URL with user:password and a
signed query, a share with user:password); modules stand-ins echo the source back the
way win_find and win_hotfix do in their messages. The whole result, str()-ed, must not
contain any planted part.
"""

from __future__ import annotations

import json
import os
import typing as t

import pytest

from ansible_collections.tlsready.windows.plugins.action import tls_hotfix
from ansible_collections.tlsready.windows.plugins.plugin_utils._secrets import describe, MASK, Redactor

from .test_tls_actions import ModuleCalls, action, live_connection, load_read_result, offline_connection

PASSWORD = "S3cretPl4nted"
TOKEN = "TOKENPLANTED123"
URL = f"https://user:{PASSWORD}@host/kb?sig={TOKEN}"
SHARE = f"\\\\admin:{PASSWORD}@files\\msu"
SOURCES = [URL, SHARE, f"https://host/kb/?sv=2022&sig={TOKEN}&se=2030", f"https://user:{PASSWORD}@host:8443/kb#{TOKEN}"]


def assert_no_secret(result: t.Any) -> None:
    text = str(result) + repr(result)
    assert PASSWORD not in text and TOKEN not in text, text


def test_source_is_no_log_in_the_argument_spec() -> None:
    assert tls_hotfix.ActionModule.ARGUMENT_SPEC["source"]["no_log"] is True


@pytest.mark.parametrize("source", SOURCES)
def test_a_failed_find_does_not_show_the_source(source: str) -> None:
    plugin = action(tls_hotfix, {"source": source}, live_connection())
    echo = {"failed": True, "msg": f"Argument paths contains an invalid path '{source}': access denied"}
    plugin._execute_module = ModuleCalls(load_read_result(), echo)
    result = plugin.run(task_vars={})
    assert result["failed"] and result["msg"].startswith("Cannot install KB3140245 from ")
    assert_no_secret(result)
    # The module itself still gets the real source.
    assert plugin._execute_module.calls[1][1]["paths"] == [source]


@pytest.mark.parametrize("source", SOURCES)
def test_a_failed_install_does_not_show_the_file_path(source: str) -> None:
    plugin = action(tls_hotfix, {"source": source}, live_connection())
    path = source + "\\windows6.1-kb3140245-x64.msu"
    plugin._execute_module = ModuleCalls(load_read_result(), {"files": [{"path": path}]},
                                         {"failed": True, "msg": f"failed to install {path}: 0x80070005"})
    result = plugin.run(task_vars={})
    assert result["failed"] and "Installing KB3140245 failed" in result["msg"]
    assert_no_secret(result)


def test_the_message_names_the_source_without_its_credential() -> None:
    plugin = action(tls_hotfix, {"source": URL}, live_connection())
    plugin._execute_module = ModuleCalls(load_read_result(), {"files": []})
    result = plugin.run(task_vars={})
    assert "from https://host/kb (credentials hidden): no file matching" in result["msg"]
    assert_no_secret(result)


@pytest.mark.parametrize("source", SOURCES)
def test_an_offline_host_refuses_the_source_without_showing_it(source: str, tmp_path: t.Any) -> None:
    from .test_tls_actions import FIXTURES  # pylint: disable=import-outside-toplevel
    import shutil  # pylint: disable=import-outside-toplevel

    folder = os.path.join(str(tmp_path), "pc-0042")
    os.makedirs(folder)
    for source_name, target in (("systeminfo-win7sp1.csv", "systeminfo.csv"), ("schannel-win7sp1.reg", "schannel.reg")):
        shutil.copyfile(os.path.join(FIXTURES, "exports", source_name), os.path.join(folder, target))
    before = sorted(os.listdir(folder))
    for check_mode in (True, False):
        result = action(tls_hotfix, {"source": source}, offline_connection(folder), check_mode=check_mode).run(task_vars={})
        assert result["failed"] and result["msg"].startswith("source: ")
        assert_no_secret(result)
    assert sorted(os.listdir(folder)) == before


def test_a_bad_argument_next_to_the_source_does_not_show_it() -> None:
    plugin = action(tls_hotfix, {"source": URL, "method": URL}, live_connection())
    plugin._execute_module = ModuleCalls()
    result = plugin.run(task_vars={})
    assert result["failed"] and "method" in result["msg"]
    assert_no_secret(result)


def test_the_redactor_keeps_ordinary_text() -> None:
    redact = Redactor([URL, r"\\files\msu", ""])
    assert describe(r"\\files\msu") == r"\\files\msu"
    assert redact({"msg": r"from \\files\msu and " + URL, "n": 3, "l": [PASSWORD]}) == {
        "msg": r"from \\files\msu and https://host/kb (credentials hidden)", "n": 3, "l": [MASK]}
    assert not Redactor([r"\\files\msu"])


# Every form a share or URL credential takes: short passwords, "/", spaces, ":" and "@" in them.
FORMS = [
    ("\\\\admin:ab@files\\msu", "ab"),
    ("\\\\admin:p/ss w0rd@files\\msu", "p/ss w0rd"),
    ("\\\\admin:x@y:z@files.example.com\\msu\\kb", "x@y:z"),
    ("//admin:Zq9@files/msu", "Zq9"),
    ("https://user:a/b c@host/kb?sig=TOKENPLANTED123", "a/b c"),
    ("https://user:%2Fq%20@host:8443/kb", "%2Fq%20"),
]


@pytest.mark.parametrize(("source", "password"), FORMS)
def test_every_credential_form_is_hidden_also_when_repr_escaped(source: str, password: str) -> None:
    redact = Redactor([source])
    message = {"msg": f"cannot list {source!r}: access denied; path {source}",
               "json": json.dumps({"path": source}), "nested": [repr(repr(source))]}
    shown = str(redact(message))
    for form in (source, repr(source)[1:-1], f":{password}@", password.replace("\\", "\\\\")):
        assert form not in shown, (form, shown)
    if len(password) >= 4:
        assert password not in shown
    assert "(credentials hidden)" in shown


@pytest.mark.parametrize(("source", "password"), FORMS)
def test_describe_keeps_the_location_without_the_credential(source: str, password: str) -> None:
    shown = describe(source)
    assert f":{password}@" not in shown and shown.endswith(" (credentials hidden)")
    assert "files" in shown or "host" in shown
