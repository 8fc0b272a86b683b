# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Group Policy settings that own registry values tlsready reads (internal use only).

Group Policy writes the values under ``HKLM\\SOFTWARE\\Policies`` again at every refresh, and a
program that honours a policy reads the policy value first and its own (machine) value only when no
policy is set (docs/reference/tls-facts.md 2f). tlsready therefore never writes a policy value,
nor a machine value that a set policy overrides: the evaluator puts the GPO setting to change on the
finding (``Finding.group_policy``), and the converge leaves the value alone.
"""

from __future__ import annotations

from .._sources import keys as src

# gpedit.msc / GPMC paths of the settings that write the keys of _sources.READ_KEYS.
WININET_ENCRYPTION = ("Computer Configuration > Administrative Templates > Windows Components > Internet Explorer > "
                      "Internet Control Panel > Advanced Page > Turn off encryption support")
CIPHER_SUITE_ORDER = ("Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > "
                      "SSL Cipher Suite Order")
FIPS_ALGORITHMS = ("Computer Configuration > Windows Settings > Security Settings > Local Policies > Security Options > "
                   "System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing")

GPO_SETTINGS: dict[str, str] = {
    src.WININET_POLICY: WININET_ENCRYPTION,
    src.CIPHER_POLICY: CIPHER_SUITE_ORDER,
    # Not under Policies: the security option writes it, from the local policy or a GPO [KB811833].
    src.FIPS_POLICY: FIPS_ALGORITHMS,
}

# Machine values that a policy value overrides whenever the policy value is set:
# (machine key, value name) -> (policy key, value name).
OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    (src.WININET, "SecureProtocols"): (src.WININET_POLICY, "SecureProtocols"),
}

_POLICIES_ROOT = "hklm\\software\\policies\\"


def policy_setting(path: str) -> str:
    """The Group Policy setting that writes registry key ``path``, or "" when no policy does."""
    lowered = path.lower()
    for key, setting in GPO_SETTINGS.items():
        if lowered == key.lower() or lowered.startswith(key.lower() + "\\"):
            return setting
    if lowered.startswith(_POLICIES_ROOT):
        return "the Group Policy object that sets " + path
    return ""


def overriding_policy(path: str, name: str) -> tuple[str, str] | None:
    """The (policy key, value name) that overrides machine value ``path``\\``name`` when set, else None."""
    for (key, value_name), policy in OVERRIDES.items():
        if path.lower() == key.lower() and name.lower() == value_name.lower():
            return policy
    return None
