# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading systeminfo output, CSV and list formats."""

from __future__ import annotations

import os

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.systeminfo import parse_systeminfo, SystemInfo

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "exports")

HEADER = ('"Host Name","OS Name","OS Version","OS Manufacturer","OS Configuration","OS Build Type",'
          '"System Type","Hotfix(s)","Network Card(s)"')


def fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def csv_row(host: str = "SRV-01", os_name: str = "Microsoft Windows Server 2012 R2 Standard",
            version: str = "6.3.9600 N/A Build 9600", config: str = "Member Server",
            system_type: str = "x64-based PC", hotfixes: str = "2 Hotfix(s) Installed.,[01]: KB2919355,[02]: KB3000850",
            ) -> str:
    fields = [host, os_name, version, "Microsoft Corporation", config, "Multiprocessor Free", system_type, hotfixes,
              "1 NIC(s) Installed.,[01]: vmxnet3 Ethernet Adapter,      Connection Name: Ethernet0"]
    return ",".join(f'"{field}"' for field in fields)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp437")


def error(data: bytes, path: str = "systeminfo.csv") -> ExportFormatError:
    with pytest.raises(ExportFormatError) as info:
        parse_systeminfo(data, path)
    assert info.value.path == path
    return info.value


class TestWindows7Fixtures:
    def test_csv(self) -> None:
        info = parse_systeminfo(fixture("systeminfo-win7sp1.csv"), "systeminfo.csv")
        assert (info.hostname, info.os_name, info.version, info.service_pack, info.product_type, info.architecture) == (
            "PC-0042", "Microsoft Windows 7 Professional", (6, 1, 7601), 1, "client", "x64")
        assert len(info.hotfixes) == 104  # 105 entries, one of them "File 1"
        assert {"KB2479943", "KB3140245", "KB976902"} <= info.hotfixes
        assert all(kb.startswith("KB") and kb[2:].isdigit() for kb in info.hotfixes)

    def test_list_gives_the_same_facts_as_csv(self) -> None:
        listed = parse_systeminfo(fixture("systeminfo-win7sp1.txt"), "systeminfo.txt")
        assert listed == parse_systeminfo(fixture("systeminfo-win7sp1.csv"), "systeminfo.csv")

    def test_list_does_not_take_network_card_lines_as_updates(self) -> None:
        text = fixture("systeminfo-win7sp1.txt").replace(b"[02]: fe80::", b"[02]: KB9999999 fe80::")
        assert "KB9999999" not in parse_systeminfo(text, "systeminfo.txt").hotfixes


class TestCsv:
    def test_server_2012_r2_utf16_from_powershell(self) -> None:
        data = b"\xff\xfe" + (HEADER + "\r\n" + csv_row() + "\r\n").encode("utf-16-le")
        assert parse_systeminfo(data, "systeminfo.csv") == SystemInfo(
            "SRV-01", "Microsoft Windows Server 2012 R2 Standard", (6, 3, 9600), 0, "server", "x64",
            frozenset({"KB2919355", "KB3000850"}), hotfixes_declared=2, hotfixes_listed=2)

    def test_utf8_with_bom_and_a_leading_blank_line(self) -> None:
        data = b"\xef\xbb\xbf\r\n" + csv_file(csv_row())
        assert parse_systeminfo(data, "s.csv").hostname == "SRV-01"

    def test_oem_code_page(self) -> None:
        data = csv_file(csv_row(host="PC-J\u00dcRGEN"))
        assert b"\x9a" in data  # U with diaeresis in code page 437
        assert parse_systeminfo(data, "s.csv").hostname == "PC-J\u00dcRGEN"

    def test_no_hotfixes(self) -> None:
        assert parse_systeminfo(csv_file(csv_row(hotfixes="N/A")), "s.csv").hotfixes == frozenset()

    def test_file_and_q_entries_are_skipped(self) -> None:
        row = csv_row(hotfixes="3 Hotfix(s) Installed.,[01]: File 1,[02]: Q147222,[03]: kb958488-v2")
        assert parse_systeminfo(csv_file(row), "s.csv").hotfixes == frozenset({"KB958488"})

    def test_appended_runs_use_the_last_data_row(self) -> None:
        data = csv_file(csv_row(hotfixes="N/A"), HEADER, csv_row(hotfixes="1 Hotfix(s) Installed.,[01]: KB3140245"))
        assert parse_systeminfo(data, "s.csv").hotfixes == frozenset({"KB3140245"})

    def test_header_only(self) -> None:
        err = error(csv_file())
        assert str(err) == "systeminfo.csv: expected a header row and a data row, as 'systeminfo /fo csv' writes"

    def test_row_with_missing_fields(self) -> None:
        err = error(csv_file('"SRV-01","Windows"'))
        assert (err.line, err.detail) == (2, "expected 9 fields like the header row, got 2")

    def test_german_export_is_read(self) -> None:
        header = ('"Hostname","Betriebssystemname","Betriebssystemversion","Betriebssystemhersteller",'
                  '"Betriebssystemkonfiguration","Betriebssystem-Buildtyp","Systemtyp","Hotfix(es)","Netzwerkkarte(n)"')
        info = parse_systeminfo(csv_file(csv_row(config="Mitgliedsserver"), header=header), "s.csv")
        assert (info.language, info.hostname, info.product_type, info.hotfixes) == (
            "German", "SRV-01", "server", frozenset({"KB2919355", "KB3000850"}))

    def test_unknown_language_names_what_was_found_and_how_to_collect(self) -> None:
        header = ",".join(f'"X{n}"' for n in range(9))
        err = error(csv_file(csv_row(), header=header))
        assert err.detail.startswith("found the labels 'X0', 'X1', 'X2', 'X3', 'X4', 'X5', ... (9 in all), none of "
                                     "which is a systeminfo label tlsready knows (it reads systeminfo in English, "
                                     "German, French,")
        assert "Collect this host with files/collect.cmd" in err.detail
        assert "English systeminfo only" not in err.detail

    def test_one_missing_column_is_named(self) -> None:
        err = error(csv_file(csv_row(), header=HEADER.replace('"System Type"', '"Sys Type"')))
        assert err.detail.startswith("read as English systeminfo output, but missing 'System Type' (system type)")

    def test_csv_module_errors_become_format_errors(self) -> None:
        err = error(csv_file(csv_row(host="x" * 200_000)))
        assert (err.line, err.detail) == (2, "not valid CSV (field larger than field limit (131072))")


class TestFacts:
    @pytest.mark.parametrize("version, expected, service_pack", [
        ("6.1.7601 Service Pack 1 Build 7601", (6, 1, 7601), 1),
        ("6.0.6002 Service Pack 2 Build 6002", (6, 0, 6002), 2),
        ("10.0.17763 N/A Build 17763", (10, 0, 17763), 0),
    ])
    def test_version_and_service_pack(self, version: str, expected: tuple[int, int, int], service_pack: int) -> None:
        info = parse_systeminfo(csv_file(csv_row(version=version)), "s.csv")
        assert (info.version, info.service_pack) == (expected, service_pack)

    @pytest.mark.parametrize("config, os_name, product_type", [
        ("Standalone Workstation", "Microsoft Windows 10 Enterprise", "client"),
        ("Member Workstation", "Microsoft Windows 7 Professional", "client"),
        ("Standalone Server", "Microsoft Windows Server 2016 Datacenter", "server"),
        ("Primary Domain Controller", "Microsoft Windows Server 2008 R2 Standard", "server"),
        ("Backup Domain Controller", "Microsoft Windows Server 2008 R2 Standard", "server"),
        ("", "Microsoft Windows Server 2019 Standard", "server"),
        ("", "Microsoft Windows 8.1 Pro", "client"),
    ])
    def test_product_type(self, config: str, os_name: str, product_type: str) -> None:
        info = parse_systeminfo(csv_file(csv_row(config=config, os_name=os_name)), "s.csv")
        assert info.product_type == product_type

    def test_product_type_from_os_name_without_the_configuration_column(self) -> None:
        header = HEADER.replace('"OS Configuration"', '"Other"')
        info = parse_systeminfo(csv_file(csv_row(config="x"), header=header), "s.csv")
        assert info.product_type == "server"

    @pytest.mark.parametrize("system_type, architecture", [
        ("x64-based PC", "x64"), ("X86-based PC", "x86"), ("ARM64-based PC", "arm64")])
    def test_architecture(self, system_type: str, architecture: str) -> None:
        assert parse_systeminfo(csv_file(csv_row(system_type=system_type)), "s.csv").architecture == architecture

    def test_itanium_is_refused(self) -> None:
        err = error(csv_file(csv_row(system_type="Itanium (TM) -based System")))
        assert err.detail == ("expected 'System Type' to be x64-based PC, X86-based PC or ARM64-based PC, "
                              "got 'Itanium (TM) -based System'")

    def test_bad_version(self) -> None:
        err = error(csv_file(csv_row(version="6.1 Build")))
        assert err.detail == "expected 'OS Version' like '6.1.7601 Service Pack 1 Build 7601', got '6.1 Build'"

    def test_empty_host_name(self) -> None:
        assert error(csv_file(csv_row(host=""))).detail == "'Host Name' is empty; expected the computer name"


LIST = """
Host Name:                 WS2008R2
OS Name:                   Microsoft Windows Server 2008 R2 Enterprise
OS Version:                6.1.7601 Service Pack 1 Build 7601
OS Configuration:          Member Server
Original Install Date:     3/4/2015, 10:12:44 AM
System Type:               x64-based PC
Virtual Memory: Max Size:  16,232 MB
Virtual Memory: Available: 13,177 MB
Hotfix(s):                 3 Hotfix(s) Installed.
                           [01]: KB2999226
                           [02]: File 1
                           [03]: KB3080079
Network Card(s):           1 NIC(s) Installed.
                           [01]: Intel(R) PRO/1000 MT Network Connection
                                 IP address(es)
                                 [01]: 10.0.0.5
""".replace("Enterprise\n", "Enterprise \n")  # Windows 7 and 2008 R2 end the OS name with a space


class TestList:
    def test_server_2008_r2(self) -> None:
        info = parse_systeminfo(LIST.replace("\n", "\r\n").encode("cp437"), "systeminfo.txt")
        assert info == SystemInfo("WS2008R2", "Microsoft Windows Server 2008 R2 Enterprise", (6, 1, 7601), 1,
                                  "server", "x64", frozenset({"KB2999226", "KB3080079"}), hotfixes_declared=3,
                                  hotfixes_listed=3)
        assert info.hotfixes_complete

    def test_lf_only_and_no_hotfixes(self) -> None:
        text = LIST.split("Hotfix(s):", maxsplit=1)[0] + "Hotfix(s):                 N/A\n"
        assert parse_systeminfo(text.encode(), "s.txt").hotfixes == frozenset()

    def test_missing_label_is_named(self) -> None:
        text = LIST.replace("OS Version:      ", "Versionx:        ")
        err = error(text.encode("cp437"), "systeminfo.txt")
        assert str(err).startswith("systeminfo.txt: read as English systeminfo output, but missing 'OS Version' "
                                   "(OS version)")

    def test_a_label_of_another_language_counts_for_its_field(self) -> None:
        # A partly translated Windows (language pack added later) mixes labels.
        text = LIST.replace("OS Version:      ", "Version du syst\u00e8me:")
        assert parse_systeminfo(text.encode("cp850"), "systeminfo.txt").version == (6, 1, 7601)

    def test_table_format_is_not_read(self) -> None:
        table = "\r\nHost Name       OS Name\r\n=============== =======\r\nPC-0042         Microsoft Windows 7\r\n"
        assert "none of which is a systeminfo label" in error(table.encode(), "s.txt").detail

    def test_windows_xp_lower_case_labels(self) -> None:
        text = LIST.replace("System Type:", "System type:").replace("OS Name:", "OS name:")
        assert parse_systeminfo(text.encode("cp437"), "s.txt").architecture == "x64"

    def test_bare_numeric_ids_are_kb_ids(self) -> None:
        text = LIST.replace("[02]: File 1", "[02]: 982861")
        assert "KB982861" in parse_systeminfo(text.encode("cp437"), "s.txt").hotfixes

    def test_empty_file(self) -> None:
        err = error(b"\r\n\r\n", "s.txt")
        assert err.detail == "the file is empty; expected the output of 'systeminfo /fo csv' or 'systeminfo'"

    def test_utf16_without_bom(self) -> None:
        err = error(LIST.encode("utf-16-le"), "s.txt")
        assert err.detail.startswith("looks like UTF-16 without a byte order mark")

    def test_broken_utf16(self) -> None:
        assert "not valid UTF-16 text" in error(b"\xff\xfe" + LIST.encode("utf-16-le") + b"\x00", "s.txt").detail


# Fixtures written once by lab/generate.py's localised renderer (labels as real Windows prints
# them) for the lab's win7-patched host; the English reference is the same host in English.
LOCALISED = [
    ("systeminfo-win7sp1-de-cp850.txt", "German"), ("systeminfo-win7sp1-de-utf16.csv", "German"),
    ("systeminfo-win7sp1-fr-cp850.csv", "French"), ("systeminfo-win7sp1-fr-utf8.txt", "French"),
    ("systeminfo-win7sp1-ru-cp866.txt", "Russian"), ("systeminfo-win7sp1-ru-cp1251.csv", "Russian"),
    ("systeminfo-win7sp1-zh-gbk.csv", "Chinese (Simplified)"),
    ("systeminfo-win7sp1-zh-utf16.txt", "Chinese (Simplified)"),
]


class TestLocalisedFixtures:
    @pytest.mark.parametrize("name, language", LOCALISED)
    def test_same_facts_as_english(self, name: str, language: str) -> None:
        english = parse_systeminfo(fixture("systeminfo-win7sp1-en-reference.csv"), "en.csv")
        info = parse_systeminfo(fixture(name), name)
        assert info.language == language
        assert (info.hostname, info.version, info.service_pack, info.product_type, info.architecture,
                info.hotfixes, info.hotfixes_declared, info.hotfixes_listed) == (
            english.hostname, english.version, english.service_pack, english.product_type, english.architecture,
            english.hotfixes, english.hotfixes_declared, english.hotfixes_listed)
        assert info.hotfixes_complete

    def test_truncated_list_declares_more_than_it_lists(self) -> None:
        info = parse_systeminfo(fixture("systeminfo-win7sp1-truncated.txt"), "systeminfo.txt")
        assert (info.hotfixes_declared, info.hotfixes_listed) == (108, 96)
        assert not info.hotfixes_complete
        assert "KB3140245" not in info.hotfixes and "KB3080079" in info.hotfixes

    @pytest.mark.parametrize("language, label, configuration, product_type", [
        ("Spanish", "Nombre de host", "Estación de trabajo miembro", "client"),
        ("Italian", "Nome host", "Server membro", "server"),
        ("Portuguese (Brazil)", "Nome do host", "Estação de trabalho autônoma", "client"),
        ("Polish", "Nazwa hosta", "Serwer członkowski", "server"),
        ("Turkish", "Ana Bilgisayar Adı", "Üye İş İstasyonu", "client"),
        ("Japanese", "ホスト名", "メンバー サーバー", "server"),
        ("Korean", "호스트 이름", "구성원 워크스테이션", "client"),
        ("Dutch", "Hostnaam", "Lidserver", "server"),
    ])
    def test_other_languages(self, language: str, label: str, configuration: str, product_type: str) -> None:
        from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.systeminfo_labels import LANGUAGES

        labels = next(lang for lang in LANGUAGES if lang.name == language)
        assert labels.host_name == label
        header = ",".join(f'"{x}"' for x in (labels.host_name, labels.os_name, labels.os_version,
                                             labels.os_configuration, labels.system_type, labels.hotfixes))
        row = ",".join(f'"{x}"' for x in ("SRV-9", "Microsoft Windows Server 2008 R2", "6.1.7601 Service Pack 1 7601",
                                          configuration, "x64-based PC", "2 x,[01]: KB3140245,[02]: 982861"))
        codec = {"Japanese": "cp932", "Korean": "cp949", "Polish": "cp852", "Turkish": "cp857"}.get(language, "cp850")
        info = parse_systeminfo((header + "\r\n" + row + "\r\n").encode(codec), "s.csv")
        assert (info.language, info.product_type, info.hotfixes, info.hotfixes_declared) == (
            language, product_type, frozenset({"KB3140245", "KB982861"}), 2)
