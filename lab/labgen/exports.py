# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files of a lab host folder other than systeminfo (systeminfo.py), as Windows writes them.

* ``render_file_versions``: fileversions.csv (``wmic datafile ... /format:csv`` runs, UTF-16 LE).
* ``export_keys`` and ``render_exports``: the ``.reg`` files of ``reg export`` for each key of
  model.EXPORTS, rendered by the collection's own ``render_reg``; ``render_collect_log``: collect.log.
* ``identity_values``, ``render_osidentity``, ``render_qfe`` and ``render_collected``: what the new
  collect.cmd writes instead of systeminfo (osidentity.txt, hotfixes.csv, its collect.log).
* ``render_simulate``: simulate.yml of the canary host (hosts_verdict.canary_hosts).
"""

from __future__ import annotations

import typing as t

from .model import EXPORTS, FILES, Host, Registry, Values

# How systeminfo's "OS Configuration" maps to the registry's ProductType (osidentity.txt, live.py).
PRODUCT_TYPES = (("domain controller", "LanmanNt"), ("workstation", "WinNT"), ("server", "ServerNT"))


# ---------------------------------------------------------------------------- rendering: wmic


def render_file_versions(host: Host, hostname: str) -> bytes:
    """``wmic datafile ... get Name,Version /format:csv`` appended once per file (UTF-16 LE runs)."""
    runs = []
    for path in FILES:
        version = host.versions.get(path.lower())
        if version is None:
            continue  # collect.cmd skips files that do not exist (the log says so)
        text = f"\r\r\nNode,Name,Version\r\r\n{hostname},{path.lower()},{version}\r\r\n"
        runs.append(b"\xff\xfe" + text.encode("utf-16-le"))
    return b"".join(runs)


# ---------------------------------------------------------------------------- rendering: registry


def _under(key: str, root: str) -> bool:
    """``key`` is ``root`` or one of its subkeys (registry paths compare case-insensitively)."""
    key_l, root_l = key.lower(), root.lower()
    return key_l == root_l or key_l.startswith(root_l + "\\")


def export_keys(registry: Registry, root: str) -> list[tuple[str, Values]] | None:
    """The keys ``reg export <root>`` writes, depth first in name order; None when root does not exist.

    Intermediate keys between the root and a listed key exist on the host, so they are
    written too (empty), as reg.exe does.
    """
    keys = {k: v for k, v in registry.items() if _under(k, root)}
    if not keys:
        return None
    for key in list(keys):
        parts = key.split("\\")
        depth = len(root.split("\\"))
        for end in range(depth, len(parts)):
            keys.setdefault("\\".join(parts[:end]), [])
    # Windows lists subkeys in case-insensitive name order, each followed by its own subkeys.
    return sorted(keys.items(), key=lambda item: [p.lower() for p in item[0].split("\\")])


def render_exports(host: Host, render_reg: t.Callable[..., bytes], reg_value: t.Callable[[str, t.Any], t.Any]
                   ) -> tuple[dict[str, bytes], list[str]]:
    """Render every ``reg export`` collect.cmd makes on ``host``; return the files and the log lines."""
    files: dict[str, bytes] = {}
    log: list[str] = []
    for export in EXPORTS:
        if export.x64_only and not host.x64:
            log.append(f"skipped {export.key}: no 32-bit registry view on 32-bit Windows")
            continue
        keys = export_keys(host.registry, export.key)
        if keys is None:
            log.append(f"skipped {export.key}: key not found")
            continue
        rendered = [(key, [(name, reg_value(kind, data)) for name, (kind, data) in values]) for key, values in keys]
        encoding = "utf-8" if export.file in host.utf8_files else "utf-16"
        files[export.file] = render_reg(rendered, encoding=encoding)
        log.append(f"exported {export.key} to {export.file}")
    return files, log


def render_collect_log(host: Host, hostname: str, reg_log: t.Sequence[str]) -> bytes:
    """collect.log as collect.cmd writes it (fixed date and time, so the lab stays deterministic)."""
    arch = "AMD64" if host.x64 else "x86"
    lines = [f"tlsready collect.cmd on {hostname}, {arch}, Mon 03/04/2024 10:15:02.31",
             "wrote systeminfo.csv", *reg_log]
    for path in FILES:
        if path.lower() in host.versions:
            lines.append(f"read the version of {path}")
        else:
            lines.append(f"skipped {path}: file not found")
    lines.append("done")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


# ---------------------------------------------------------------------------- rendering: the new collect.cmd (issue 15)

# What collect.cmd queries into osidentity.txt (plugins/plugin_utils/_sources/osidentity.IDENTITY_VALUES).
_IDENTITY_KEYS = (
    (r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName", "ComputerName", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "ProductName", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentVersion", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuildNumber", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CSDVersion", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ProductOptions", "ProductType", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Environment", "PROCESSOR_ARCHITECTURE",
     "REG_SZ"),
)


def identity_values(host: Host, hostname: str) -> dict[str, str]:
    """The registry values a Windows Vista to 8.1 host holds for its identity (Windows 10's
    CurrentMajorVersionNumber is not modelled: the collected lab host is Windows 7)."""
    version = host.os_version.split()[0].split(".")
    sp = host.os_version.split("Service Pack ")[1].split()[0] if "Service Pack " in host.os_version else None
    configuration = host.os_configuration.lower()
    product_type = next(code for label, code in PRODUCT_TYPES if label in configuration)
    values = {"ComputerName": hostname, "ProductName": host.os_name.replace("Microsoft ", "", 1).strip(),
              "CurrentVersion": f"{version[0]}.{version[1]}", "CurrentBuildNumber": version[2],
              "ProductType": product_type, "PROCESSOR_ARCHITECTURE": "AMD64" if host.x64 else "x86"}
    if sp is not None:
        values["CSDVersion"] = f"Service Pack {sp}"
    return values


def render_osidentity(host: Host, hostname: str) -> bytes:
    """``reg query KEY /v NAME`` appended per value, as cmd.exe redirects it (ANSI text, CRLF)."""
    values = identity_values(host, hostname)
    out = []
    for key, name, kind in _IDENTITY_KEYS:
        if name in values:
            out += ["", key, f"    {name}    {kind}    {values[name]}", ""]
    return ("\r\n".join(out) + "\r\n").encode("ascii")


def render_qfe(host: Host, hostname: str) -> bytes:
    """``wmic qfe get HotFixID,InstalledOn /format:csv``: UTF-16 LE, a blank first line, \\r\\r\\n."""
    rows = ["", "Node,HotFixID,InstalledOn"] + [f"{hostname},{kb},3/9/2016" for kb in host.hotfixes]
    return b"\xff\xfe" + "\r\r\n".join(rows + [""]).encode("utf-16-le")


def render_collected(host: Host, hostname: str, reg_log: t.Sequence[str]) -> dict[str, bytes]:
    """The files the new collect.cmd writes besides the .reg exports and fileversions.csv."""
    arch = "AMD64" if host.x64 else "x86"
    lines = [f"tlsready collect.cmd on {hostname}, {arch}, Mon 03/04/2024 10:15:02.31",
             "wrote osidentity.txt", "wrote hotfixes.csv with wmic qfe", *reg_log]
    for path in FILES:
        lines.append(f"read the version of {path}" if path.lower() in host.versions else
                     f"skipped {path}: file not found")
    lines.append("done")
    return {"osidentity.txt": render_osidentity(host, hostname), "hotfixes.csv": render_qfe(host, hostname),
            "collect.log": ("\r\n".join(lines) + "\r\n").encode("ascii")}


# ---------------------------------------------------------------------------- rendering: the canary host (issue 14)


def render_simulate(host: Host) -> bytes:
    """The host's simulate.yml (plugins/plugin_utils/_rollout/simulate.py reads it)."""
    return (f"# Lab simulation (docs/canary-rollout.md): what happens to {host.name} once tlsready changed it.\n"
            f"after_change: {host.after_change}\n").encode("ascii")
