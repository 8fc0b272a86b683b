# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab hosts built for one verdict or one behaviour rather than modelled on a captured machine.

* ``verdict_hosts`` (issue 10): hosts built from Microsoft's documented defaults, whose verdict the
  corrected reference settles (lab/README.md): modern Windows at defaults with the .NET values set,
  Windows 11 25H2, a .NET 4.5.2-only host, .NET 3.5 without its TLS System Default Versions update,
  Windows 7 with only DisabledByDefault=0.
* ``canary_hosts`` (issue 14): the host whose converge is checked afterwards and fails the check
  (docs/canary-rollout.md); exports.render_simulate writes its simulate.yml.
"""

from __future__ import annotations

from .builders import (
    HYPERV_PC,
    HYPERV_VM,
    W7_NDP,
    Ndp,
    client_pc,
    legacy_host,
    server_vm,
    versions,
    win10_host,
    with_dotnet_flags,
)
from .model import Host, dword
from .suites import WIN7_SUITES, WIN10_1809_SUITES, WIN11_22H2_SUITES, WIN81_SUITES, WS2022_SUITES


def verdict_hosts() -> list[Host]:
    """Hosts whose verdict the corrected reference settles (tls-facts 1a, 1c, 2a, 2b)."""
    net35 = Ndp(v2="2.0.50727.4927", v3="3.0.30729.4926", v35="3.5.30729.4926", v4_release=528040,
                v4_version="4.8.03761")
    return [
        Host(
            name="win2022-defaults", family="windows_10", hostname="FILE22",
            os_name="Microsoft Windows Server 2022 Datacenter", os_version="10.0.20348 N/A Build 20348",
            product_id="00454-40000-00001-AA081", install_date="6/3/2024, 10:02:44 AM",
            boot_time="11/10/2026, 3:31:27 AM", hotfixes=("KB5041160", "KB5044281"),
            registry=with_dotnet_flags(win10_host(WS2022_SUITES, 528449, "4.8.04161")),
            versions=versions("10.0.20348.2849", "10.0.20348.2849", "10.0.20348.2849", True),
            hyperv=HYPERV_VM, ip="10.20.1.122", **server_vm(),
        ),
        Host(
            name="win2025-defaults", family="windows_10", hostname="FILE25",
            os_name="Microsoft Windows Server 2025 Datacenter", os_version="10.0.26100 N/A Build 26100",
            product_id="00491-50000-00001-AA117", install_date="2/11/2025, 2:15:09 PM",
            boot_time="11/10/2026, 3:40:12 AM", hotfixes=("KB5043080", "KB5046617"),
            registry=with_dotnet_flags(win10_host(WIN11_22H2_SUITES, 533325, "4.8.09037")),
            versions=versions("10.0.26100.2314", "10.0.26100.2314", "10.0.26100.2314", True),
            hyperv=HYPERV_VM, ip="10.20.1.125", **server_vm(),
        ),
        Host(
            name="win11-25h2", family="windows_10", hostname="PC-2620",
            os_name="Microsoft Windows 11 Enterprise", os_version="10.0.26200 N/A Build 26200",
            product_id="00330-80000-00000-AA620", install_date="10/14/2025, 9:20:31 AM",
            boot_time="11/17/2026, 7:44:50 AM", hotfixes=("KB5054156", "KB5066835"),
            registry=win10_host(WIN11_22H2_SUITES, 533509, "4.8.09221"),
            versions=versions("10.0.26100.6899", "10.0.26100.6899", "10.0.26100.6899", True),
            hyperv=HYPERV_PC, ip="10.20.42.200",
            **client_pc(manufacturer="LENOVO", model="21KCS0X400", bios="LENOVO R2AET45W (1.20 ), 8/1/2025",
                        processor="Intel64 Family 6 Model 170 Stepping 4 GenuineIntel ~1400 Mhz",
                        memory_mb=32156),
        ),
        Host(
            name="win2012r2-net452", family="windows_6_3", hostname="APP12",
            os_name="Microsoft Windows Server 2012 R2 Standard", os_version="6.3.9600 N/A Build 9600",
            product_id="00252-70000-00000-AA812", install_date="4/9/2015, 1:44:02 PM",
            boot_time="11/10/2026, 3:12:40 AM",
            hotfixes=("KB2919355", "KB2919442", "KB2932046", "KB2934018", "KB2937592", "KB2938439", "KB2959977"),
            registry=legacy_host(True, WIN81_SUITES, Ndp(v4_release=379893, v4_version="4.5.51650"),
                                 v4=True, winhttp_key=True, flags=True),
            versions=versions("6.3.9600.17415", "6.3.9600.17415", "6.3.9600.17415", True),
            hyperv=HYPERV_VM, ip="10.20.1.112", **server_vm(),
        ),
        Host(
            name="win81-net35", family="windows_6_3", hostname="PC-0835",
            os_name="Microsoft Windows 8.1 Enterprise", os_version="6.3.9600 N/A Build 9600",
            product_id="00260-00000-00000-AA835", install_date="3/2/2015, 11:08:17 AM",
            boot_time="11/17/2026, 8:02:19 AM",
            hotfixes=("KB2919355", "KB2919442", "KB2932046", "KB2934018", "KB2937592", "KB2938439", "KB2959977"),
            registry=legacy_host(True, WIN81_SUITES, net35, v4=True, winhttp_key=True, flags=True),
            versions=versions("6.3.9600.17415", "6.3.9600.17415", "6.3.9600.17415", True),
            hyperv=HYPERV_PC, ip="10.20.31.135",
            **client_pc(manufacturer="Hewlett-Packard", model="HP EliteDesk 800 G1 SFF",
                        bios="Hewlett-Packard L01 v02.53, 3/18/2014",
                        processor="Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3392 Mhz"),
        ),
        Host(
            name="win7-dbd0", family="windows_6_1", hostname="PC-0170",
            os_name="Microsoft Windows 7 Enterprise ", os_version="6.1.7601 Service Pack 1 Build 7601",
            product_id="00392-918-5000002-85170", install_date="9/2/2015, 3:12:40 PM",
            boot_time="11/17/2026, 7:58:02 AM",
            hotfixes=("KB2479943", "KB2491683", "KB2506212", "KB2533552", "KB3020369", "KB3042058", "KB3080079",
                      "KB3140245", "KB3154518", "KB976902"),
            registry=legacy_host(
                True, WIN7_SUITES, W7_NDP._replace(v4_release=528049, v4_version="4.8.03761"), v4=True,
                schannel_extra=[(r"TLS 1.2\Client", [("DisabledByDefault", dword(0))])], winhttp_dsp=0xA00,
                flags=True),
            versions=versions("6.1.7601.23375", "6.1.7601.23375", "6.1.7601.23845", True),
            ip="10.20.33.70",
            **client_pc(model="OptiPlex 9020", bios="Dell Inc. A25, 5/30/2019", processor=(
                "Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3392 Mhz")),
        ),
    ]


# A host whose converge is checked afterwards and fails the check (docs/canary-rollout.md): its
# simulate.yml makes every read fail once tlsready's change is in force in its folder, as a host
# whose management connection the change broke. The restore still reaches it, so a canary converge
# reverts it. It is a copy of win2019 otherwise (4 .NET values to set, no update missing).


def canary_hosts() -> list[Host]:
    """The lab host that loses management after its change."""
    return [
        Host(
            name="win2019-loses-mgmt", family="windows_10", hostname="APP19",
            os_name="Microsoft Windows Server 2019 Standard", os_version="10.0.17763 N/A Build 17763",
            product_id="00429-70000-00000-AA919", install_date="7/22/2020, 10:14:52 AM",
            boot_time="2/25/2024, 3:31:07 AM", hotfixes=("KB5005112", "KB5034768"),
            registry=win10_host(WIN10_1809_SUITES, 461808, "4.7.03190"),
            versions=versions("10.0.17763.5458", "10.0.17763.5458", "10.0.17763.5458", True),
            hyperv=HYPERV_VM, ip="10.20.1.69", after_change="lose_management", **server_vm(),
        ),
    ]
