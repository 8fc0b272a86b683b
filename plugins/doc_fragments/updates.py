# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How tlsready installs updates on a live host (tls_converge, tls_hotfix)."""

    # Notes only; ansible-doc wants an options (or attributes) key in every fragment.
    DOCUMENTATION = r"""
options: {}
notes:
  - Live hosts, C(update_method=msu) (C(method=msu) for tls_hotfix) - one M(ansible.windows.win_find) lists the source for every
    missing update at once, with C(get_checksum=false) (hashing each C(.msu) over SMB costs minutes); then one
    remote call per update.
  - On Windows 7 SP1, Server 2008 R2 and Server 2008 SP2 (NT 6.0 and 6.1) M(ansible.windows.win_hotfix) cannot
    work - it needs the DISM PowerShell module, which those releases do not have and WMF 5.1 does not add. There the
    C(.msu) is expanded with C(expand.exe -F:*) into C(%SystemRoot%\Temp\tlsready-<KB>) and its package C(.cab)
    added with C(dism.exe /Online /Add-Package /NoRestart /Quiet), both in one M(ansible.windows.win_command).
    Exit code 0 is installed, 3010 installed with a restart needed, 0x00240006 or an "already installed" message
    success, 0x800F081E (not applicable) a failure that says so. Newer releases use M(ansible.windows.win_hotfix).
  - These module calls run with C(no_log) on the host, so the update source does not appear in the host's
    event log through the modules' "Invoked with" entry.
  - A UNC share as source - over NTLM or Kerberos without delegation the host cannot open the share (the
    double hop); M(ansible.windows.win_find)'s warning is then part of the error. Use C(become) with
    C(become_method=runas), C(become_flags=logon_type=new_credentials logon_flags=netcredentials_only) and an
    account that can read the share, or CredSSP / Kerberos delegation; see
    C(docs/connecting-to-unremediated-hosts.md).
  - C(update_method=windows_update) (C(method=windows_update) for tls_hotfix) - M(ansible.windows.win_updates) limited to the
    missing ids; an update counts as installed only when its entry says C(installed) (a failed one is reported
    with its C(failure_hresult_code)).
"""
