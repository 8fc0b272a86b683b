# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Windows host's raw TLS state, as read live or from offline exports (internal use only).

The state holds facts only (OS identity, hotfix ids, registry values, file
versions); judging them is the job of ``_evaluate``. The live reader and the
offline reader both produce a :class:`HostState`, so policy code never knows
where the facts came from.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from .._errors import InputError

REG_TYPES = ("dword", "qword", "sz", "expand_sz", "multi_sz", "binary", "none")

_HIVE_ALIASES = {
    "HKEY_LOCAL_MACHINE": "HKLM",
    "HKEY_CURRENT_USER": "HKCU",
    "HKEY_USERS": "HKU",
    "HKEY_CLASSES_ROOT": "HKCR",
    "HKEY_CURRENT_CONFIG": "HKCC",
    "HKLM:": "HKLM",
    "HKCU:": "HKCU",
}

RegData = t.Union[int, str, t.Tuple[str, ...], bytes, None]


def normalize_key(path: str) -> str:
    """Return the comparable form of a registry key path.

    ``HKEY_LOCAL_MACHINE\\Software\\X`` and ``HKLM:\\SOFTWARE\\x\\`` both become
    ``HKLM\\SOFTWARE\\X``; Windows compares key names case-insensitively.
    """
    parts = [p for p in re.split(r"[\\/]+", path.strip()) if p]
    if not parts:
        return ""
    hive = parts[0].upper()
    parts[0] = _HIVE_ALIASES.get(hive, hive)
    return "\\".join(parts).upper()


def parse_version(text: str) -> tuple[int, ...]:
    """Parse a dotted file or OS version such as ``6.1.7601.23375``.

    Windows appends build-lab text to file versions
    (``6.1.7601.23375 (win7sp1_ldr.160301-0600)``); only the leading numbers count.

    Raises:
        ValueError: when the text does not start with a number.
    """
    match = re.match(r"\s*(\d+(?:\.\d+)*)", text or "")
    if not match:
        raise ValueError(f"not a version number: {text!r}")
    return tuple(int(p) for p in match.group(1).split("."))


def format_version(version: t.Sequence[int]) -> str:
    """Return ``6.1.7601`` for ``(6, 1, 7601)``."""
    return ".".join(str(p) for p in version)


@dataclasses.dataclass(frozen=True)
class RegValue:
    """One registry value: its type (one of ``REG_TYPES``) and its data.

    ``dword``/``qword`` hold ``int``, ``sz``/``expand_sz`` hold ``str``,
    ``multi_sz`` holds a tuple of ``str``, ``binary``/``none`` hold ``bytes``.
    """

    type: str
    data: RegData

    def to_dict(self) -> dict[str, t.Any]:
        data: t.Any = self.data
        if isinstance(data, bytes):
            data = data.hex()
        elif isinstance(data, tuple):
            data = list(data)
        return {"type": self.type, "data": data}


@dataclasses.dataclass(frozen=True)
class Provenance:
    """Which export (and which Windows tool) each group of facts came from.

    Attributes:
        os_identity: the source of the OS name, version, product type and architecture,
            e.g. ``registry (osidentity.txt, reg query)`` or ``systeminfo (systeminfo.csv, German)``.
        hotfixes: the source of the installed updates list, e.g. ``wmic qfe (hotfixes.csv)``.
        file_versions: the source of the file versions, e.g. ``wmic datafile (fileversions.csv)``.
        hotfixes_declared: how many updates the source says are installed (systeminfo's
            "273 Hotfix(s) Installed."); None when it does not say.
        hotfixes_listed: how many update entries the source lists; None when not counted.
    """

    os_identity: str = "live"
    hotfixes: str = "live"
    file_versions: str = "live"
    hotfixes_declared: int | None = None
    hotfixes_listed: int | None = None

    @property
    def hotfixes_complete(self) -> bool:
        """False when the source declares more updates than it lists: absence from it proves nothing."""
        if self.hotfixes_declared is None or self.hotfixes_listed is None:
            return True
        return self.hotfixes_listed >= self.hotfixes_declared

    def to_dict(self) -> dict[str, t.Any]:
        return {**dataclasses.asdict(self), "hotfixes_complete": self.hotfixes_complete}

    @classmethod
    def from_dict(cls, data: t.Mapping[str, t.Any]) -> Provenance:
        def count(key: str) -> int | None:
            return None if data.get(key) is None else _integer(data[key])
        return cls(os_identity=str(data.get("os_identity", "live")), hotfixes=str(data.get("hotfixes", "live")),
                   file_versions=str(data.get("file_versions", "live")),
                   hotfixes_declared=count("hotfixes_declared"), hotfixes_listed=count("hotfixes_listed"))


@dataclasses.dataclass
class HostState:
    """Everything the policy engine needs to know about one host.

    Attributes:
        hostname: the name the host reports.
        os_name: the product name, for example ``Microsoft Windows 7 Professional``.
        version: major, minor and build numbers.
        service_pack: the service pack major number (0 when none).
        product_type: ``client`` or ``server``.
        architecture: ``x64``, ``x86`` or ``arm64``.
        hotfixes: installed update ids, upper case (``KB3140245``).
        registry: values keyed by (normalized key path, lower-case value name).
        file_versions: file versions keyed by lower-case full path.
        source: where the facts came from (``live`` or ``offline:<folder>``).
        reboot_pending: Windows reports a pending reboot (Component Based
            Servicing or Windows Update flags), so installed updates may not act yet.
        problems: facts that could not be read (``"<what>: <why>"``); the
            evaluator turns each into a finding instead of guessing.
        provenance: which export each group of facts came from, and whether the
            updates list is complete.
    """

    hostname: str
    os_name: str
    version: tuple[int, int, int]
    service_pack: int
    product_type: str
    architecture: str
    hotfixes: frozenset[str] = frozenset()
    registry: dict[tuple[str, str], RegValue] = dataclasses.field(default_factory=dict)
    file_versions: dict[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)
    source: str = "live"
    reboot_pending: bool = False
    problems: list[str] = dataclasses.field(default_factory=list)
    provenance: Provenance = Provenance()

    @property
    def hotfix_list_incomplete(self) -> bool:
        """True when the updates list is known to be cut, so an update missing from it is not proven absent."""
        return not self.provenance.hotfixes_complete

    def get(self, path: str, name: str) -> RegValue | None:
        """Return the value at ``path``/``name`` or None when it is absent."""
        return self.registry.get((normalize_key(path), name.lower()))

    def set(self, path: str, name: str, value: RegValue) -> None:
        """Store ``value`` at ``path``/``name``."""
        self.registry[(normalize_key(path), name.lower())] = value

    def delete(self, path: str, name: str) -> None:
        """Remove ``path``/``name`` when present."""
        self.registry.pop((normalize_key(path), name.lower()), None)

    def delete_key(self, path: str) -> None:
        """Remove every value under ``path`` and its subkeys (``[-KEY]`` in a .reg file)."""
        prefix = normalize_key(path)
        for key in [k for k in self.registry if k[0] == prefix or k[0].startswith(prefix + "\\")]:
            del self.registry[key]

    def file_version(self, path: str) -> tuple[int, ...] | None:
        """Return the recorded version of the file at ``path`` (case-insensitive)."""
        return self.file_versions.get(path.lower())

    def to_dict(self) -> dict[str, t.Any]:
        """Return a JSON-safe form, used for facts and for the report."""
        return {
            "hostname": self.hostname,
            "os_name": self.os_name,
            "version": format_version(self.version),
            "service_pack": self.service_pack,
            "product_type": self.product_type,
            "architecture": self.architecture,
            "hotfixes": sorted(self.hotfixes),
            "registry": [
                {"path": path, "name": name, **value.to_dict()}
                for (path, name), value in sorted(self.registry.items())
            ],
            "file_versions": {p: format_version(v) for p, v in sorted(self.file_versions.items())},
            "source": self.source,
            "reboot_pending": self.reboot_pending,
            "problems": list(self.problems),
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: t.Mapping[str, t.Any], field: str = "state") -> HostState:
        """Rebuild a state from :meth:`to_dict` output (for example facts passed back in).

        Raises:
            InputError: naming the first field that is missing or malformed.
        """
        if not isinstance(data, t.Mapping):
            raise InputError(field, "expected the dictionary returned by tlsready.windows.tls_facts")
        for key in ("version", "os_name", "product_type", "architecture"):
            if key not in data:
                raise InputError(f"{field}.{key}", "is required")
        for key, kind in (("registry", list), ("hotfixes", list), ("problems", list), ("file_versions", t.Mapping)):
            if key in data and not isinstance(data[key], kind):
                expected = "a list" if kind is list else "a dictionary"
                raise InputError(f"{field}.{key}", f"must be {expected}; got {type(data[key]).__name__}")
        registry: dict[tuple[str, str], RegValue] = {}
        for index, item in enumerate(data.get("registry", [])):
            where = f"{field}.registry[{index}]"
            if not isinstance(item, t.Mapping):
                raise InputError(where, f"must be a dictionary with path, name, type and data; got {type(item).__name__}")
            for key in ("path", "name"):
                if not isinstance(item.get(key), str):
                    raise InputError(f"{where}.{key}", "is required and must be a string")
            try:
                registry[(normalize_key(item["path"]), item["name"].lower())] = _value_from_dict(item)
            except KeyError as err:
                raise InputError(f"{where}.{err.args[0]}", "is required") from None
            except (TypeError, ValueError) as err:
                raise InputError(where, f"is not a valid registry value: {err}") from None
        try:
            version = parse_version(str(data["version"])) if isinstance(data["version"], str) else ()
            if not version:
                raise ValueError(f"not a version number: {data['version']!r}")
        except ValueError as err:
            raise InputError(f"{field}.version", str(err)) from None
        try:
            state = cls(
                hostname=str(data.get("hostname", "")),
                os_name=str(data["os_name"]),
                version=(version + (0, 0, 0))[:3],  # type: ignore[arg-type]
                service_pack=_integer(data.get("service_pack", 0)),
                product_type=str(data["product_type"]),
                architecture=str(data["architecture"]),
                hotfixes=frozenset(str(h).upper() for h in data.get("hotfixes", [])),
                registry=registry,
                file_versions={
                    str(p).lower(): parse_version(str(v)) for p, v in dict(data.get("file_versions", {})).items()
                },
                source=str(data.get("source", "live")),
                reboot_pending=bool(data.get("reboot_pending", False)),
                problems=[str(p) for p in data.get("problems", [])],
                provenance=Provenance.from_dict(data.get("provenance") or {}),
            )
        except (TypeError, ValueError, AttributeError) as err:
            raise InputError(field, f"is not a valid tlsready state: {err}") from None
        if state.product_type not in ("client", "server"):
            raise InputError(f"{field}.product_type", "must be one of client, server")
        return state


def _integer(value: t.Any) -> int:
    """An integer field: an int or its decimal text (not a float, a bool or anything else)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected an integer, got {type(value).__name__} {value!r}")
    return int(value)


def _value_from_dict(item: t.Mapping[str, t.Any]) -> RegValue:
    reg_type = str(item["type"])
    data = item.get("data")
    if reg_type not in REG_TYPES:
        raise ValueError(f"unknown registry type {reg_type!r}")
    if reg_type in ("dword", "qword"):
        data = _integer(data)
    elif reg_type in ("sz", "expand_sz"):
        data = str(data)
    elif reg_type == "multi_sz":
        data = tuple(str(s) for s in (data or []))
    else:
        data = bytes.fromhex(str(data or ""))
    return RegValue(reg_type, data)
