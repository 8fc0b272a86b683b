# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""systeminfo output of a lab host, in both forms, in English and in the localised languages.

* ``systeminfo_fields``: the English labels and values (Windows Vista to 11).
* ``render_systeminfo_csv`` (``systeminfo /fo csv``) and ``render_systeminfo_list`` (``systeminfo``):
  English hosts as cmd.exe redirects them; a localised host, or one whose update list is cut, goes
  to ``render_localised_csv`` / ``render_localised_list``, with the labels of
  localisation.LOCALISATIONS and the host's encoding (console code page, UTF-16, ANSI page).
"""

from __future__ import annotations

from .localisation import LOCALISATIONS, Localisation
from .model import Host


# The columns of English "systeminfo /fo csv" (Windows Vista to 11), in order; Windows 8 / 2012
# and later add "Hyper-V Requirements" at the end.
HYPERV_COLUMN = "Hyper-V Requirements"


def _mb(number: int) -> str:
    return f"{number:,} MB"


def systeminfo_fields(host: Host, hostname: str) -> list[tuple[str, list[str]]]:
    """The systeminfo labels and values; a value with several lines is a list."""
    free = host.memory_mb * 2 // 3
    page = host.memory_mb
    hotfix_lines = [f"{len(host.hotfixes)} Hotfix(s) Installed."] + [
        f"[{i:02d}]: {kb}" for i, kb in enumerate(host.hotfixes, start=1)]
    server = host.os_configuration.endswith("Server")
    nic = "vmxnet3 Ethernet Adapter" if host.manufacturer.startswith("VMware") else (
        "Intel(R) Ethernet Connection I217-LM")
    # Windows 8 / 2012 and later name the first wired connection "Ethernet".
    connection = "Ethernet" if host.hyperv is not None else "Local Area Connection"
    dhcp = ["      DHCP Enabled:    No"] if server else [
        "      DHCP Enabled:    Yes", "      DHCP Server:     " + host.ip.rsplit(".", 1)[0] + ".1"]
    fields: list[tuple[str, list[str]]] = [
        ("Host Name", [hostname]),
        ("OS Name", [host.os_name]),
        ("OS Version", [host.os_version]),
        ("OS Manufacturer", ["Microsoft Corporation"]),
        ("OS Configuration", [host.os_configuration]),
        ("OS Build Type", ["Multiprocessor Free"]),
        ("Registered Owner", ["Windows User"]),
        ("Registered Organization", [""]),
        ("Product ID", [host.product_id]),
        ("Original Install Date", [host.install_date]),
        ("System Boot Time", [host.boot_time]),
        ("System Manufacturer", [host.manufacturer]),
        ("System Model", [host.model]),
        ("System Type", [host.system_type]),
        ("Processor(s)", ["1 Processor(s) Installed.", f"[01]: {host.processor}"]),
        ("BIOS Version", [host.bios]),
        ("Windows Directory", [r"C:\Windows"]),
        ("System Directory", [r"C:\Windows\system32"]),
        ("Boot Device", [r"\Device\HarddiskVolume1"]),
        ("System Locale", ["en-us;English (United States)"]),
        ("Input Locale", ["en-us;English (United States)"]),
        ("Time Zone", ["(UTC-05:00) Eastern Time (US & Canada)"]),
        ("Total Physical Memory", [_mb(host.memory_mb)]),
        ("Available Physical Memory", [_mb(free)]),
        ("Virtual Memory: Max Size", [_mb(host.memory_mb + page)]),
        ("Virtual Memory: Available", [_mb(free + page - 400)]),
        ("Virtual Memory: In Use", [_mb(host.memory_mb - free + 400)]),
        ("Page File Location(s)", [r"C:\pagefile.sys"]),
        ("Domain", [host.domain]),
        ("Logon Server", ["\\\\" + (hostname if host.domain == "WORKGROUP" else "DC01")]),
        ("Hotfix(s)", hotfix_lines),
        ("Network Card(s)", [
            "1 NIC(s) Installed.",
            f"[01]: {nic}",
            f"      Connection Name: {connection}",
            *dhcp,
            "      IP address(es)",
            f"      [01]: {host.ip}",
        ]),
    ]
    if host.hyperv is not None:
        fields.append((HYPERV_COLUMN, host.hyperv.split(",")))
    return fields


def render_systeminfo_csv(host: Host, hostname: str) -> bytes:
    """``systeminfo /fo csv`` as cmd.exe redirects it: OEM code page, CRLF, every field quoted."""
    if host.language != "English" or host.hotfixes_listed is not None:
        return render_localised_csv(host, hostname)
    fields = systeminfo_fields(host, hostname)
    header = ",".join(f'"{field[0]}"' for field in fields)
    # Multi-line values are joined with commas inside one quoted field; leading spaces of the
    # network card sub-lines are kept, as systeminfo does.
    row = ",".join('"' + ",".join(field[1]) + '"' for field in fields)
    return (header + "\r\n" + row + "\r\n").encode("cp437")


def render_systeminfo_list(host: Host, hostname: str) -> bytes:
    """``systeminfo`` (list format): a blank first line, labels padded to column 27, lists indented."""
    if host.language != "English" or host.hotfixes_listed is not None:
        return render_localised_list(host, hostname)
    out = [""]
    for label, lines in systeminfo_fields(host, hostname):
        out.append(f"{label}:".ljust(27) + lines[0])
        out.extend(" " * 27 + line for line in lines[1:])
    return ("\r\n".join(out) + "\r\n").encode("cp437")


# ---------------------------------------------------------------------------- localised (issue 15)


def localised_fields(host: Host, hostname: str) -> list[tuple[str, list[str]]]:
    """systeminfo_fields in the host's language, with the update list cut where the host says."""
    fields = systeminfo_fields(host, hostname)
    listed = host.hotfixes if host.hotfixes_listed is None else host.hotfixes[:host.hotfixes_listed]
    loc: Localisation | None
    if host.language == "English":
        loc = None
    else:
        loc = LOCALISATIONS[host.language]
    out: list[tuple[str, list[str]]] = []
    for label, lines in fields:
        lines = list(lines)
        if label == "Hotfix(s)":
            count = (loc.hotfix_count if loc else "{n} Hotfix(s) Installed.").format(n=len(host.hotfixes))
            lines = [count] + [f"[{i:02d}]: {kb}" for i, kb in enumerate(listed, start=1)]
        if loc is not None:
            replacements = {"OS Name": loc.os_name, "OS Version": loc.os_version, "OS Configuration": loc.configuration}
            if label in replacements:
                lines[0] = replacements[label]
            elif label == "Processor(s)":
                lines[0] = loc.processor_count
            elif label == "Network Card(s)":
                lines[0] = loc.nic_count
            label = loc.labels.get(label, label)
        out.append((label, lines))
    return out


def _encode(host: Host, text: str) -> bytes:
    """``text`` in the host's encoding; UTF-16 with the BOM PowerShell's ``>`` writes."""
    if host.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(host.encoding)


def render_localised_csv(host: Host, hostname: str) -> bytes:
    """``systeminfo /fo csv`` of a localised host or of one whose update list is cut."""
    fields = localised_fields(host, hostname)
    header = ",".join(f'"{field[0]}"' for field in fields)
    row = ",".join('"' + ",".join(field[1]) + '"' for field in fields)
    return _encode(host, header + "\r\n" + row + "\r\n")


def render_localised_list(host: Host, hostname: str) -> bytes:
    """``systeminfo`` (list format) of such a host: labels padded to the longest one, as Windows does."""
    fields = localised_fields(host, hostname)
    width = max(len(label) for label, _lines in fields) + 2
    out = [""]
    for label, lines in fields:
        out.append(f"{label}:".ljust(width) + lines[0])
        out.extend(" " * width + line for line in lines[1:])
    return _encode(host, "\r\n".join(out) + "\r\n")
