# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``plugins/modules/win_tls_read.ps1`` returns on each lab host (``generate.py --live-reads``).

Built from the host model, not from the rendered exports, so that the unit tests can compare the
live and offline paths (tests/unit/plugins/action/test_live_equals_offline.py, against the
recorded results in tests/unit/fixtures/live/lab). The keys and files read are the collection's
own ``_sources/keys.READ_KEYS`` and ``READ_FILES``, as the module receives them.
"""

from __future__ import annotations

import json
import os
import typing as t

from .collection import keys
from .exports import PRODUCT_TYPES, export_keys
from .hosts import lab_hosts
from .model import FILES, Host


def _live_value(kind: str, data: t.Any) -> t.Any:
    """A value's data as the module returns it in JSON: lists for REG_MULTI_SZ, hex for bytes."""
    if kind == "multi_sz":
        return list(data)
    if kind in ("binary", "none"):
        return bytes(data).hex()
    return data


def render_live_read(host: Host) -> dict[str, t.Any]:
    """The win_tls_read result for ``host``, as documented in plugins/modules/win_tls_read.py RETURN."""
    registry: list[dict[str, t.Any]] = []
    missing: list[str] = []
    for source in keys.READ_KEYS:
        if source.x64_only and not host.x64:
            continue
        exported = export_keys(host.registry, source.path)
        if exported is None:
            missing.append(source.path)
            continue
        for key, values in exported:
            if key.lower() == source.path.lower() or source.recursive:
                registry.extend({"path": key, "name": name, "type": kind, "data": _live_value(kind, data)}
                                for name, (kind, data) in values)
    version = host.os_version.split()[0]
    service_pack = host.os_version.split("Service Pack ")[1].split()[0] if "Service Pack " in host.os_version else "0"
    configuration = host.os_configuration.lower()
    files = {}
    for name, path in zip(keys.READ_FILES, FILES):
        files[name] = {"path": path, "version": host.versions.get(path.lower())}
    return {
        "changed": False,
        "os": {
            "caption": host.os_name.replace("Microsoft ", "", 1).strip(),
            "version": version,
            "csd_version": int(service_pack) * 256,
            "product_type": next(code for label, code in PRODUCT_TYPES if label in configuration),
            "processor_architecture": "AMD64" if host.x64 else "x86",
            "hostname": host.hostname,
            # Server 2008 SP2 cannot run WMF 5.1 (ansible-core 2.16+ then refuses it: audit it offline).
            "powershell_version": "3.0" if version.startswith("6.0") else "5.1.14409.1005" if version.startswith("6.") else "5.1.19041.4291",
        },
        "hotfixes": list(host.hotfixes),
        "files": files,
        "registry": registry,
        "missing_keys": missing,
        "reboot_pending_keys": [],
        "problems": [],
    }


def write_live_reads(out: str) -> list[str]:
    """Write ``<host name>.json`` (the win_tls_read result) for every lab host into ``out``."""
    os.makedirs(out, exist_ok=True)
    names = []
    for host in lab_hosts():
        with open(os.path.join(out, f"{host.name}.json"), "w", encoding="utf-8", newline="\n") as handle:
            json.dump(render_live_read(host), handle, indent=1, sort_keys=True)
            handle.write("\n")
        names.append(host.name)
    return names
