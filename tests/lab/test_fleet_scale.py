# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hundreds of offline hosts in one run: strategy free, serial waves, fact caching.

The hosts are ``lab/generate.py --copies`` copies of the lab (unique names, the lab's registry).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from labkit import COLLECTIONS, COMPLIANT_AS_COLLECTED, NEVER_COMPLIANT, PLAYBOOK, ROOT, UNSUPPORTED, report

LAB_HOSTS = sorted(os.listdir(os.path.join(ROOT, "lab", "hosts")))
COPIES = 20 * len(LAB_HOSTS)  # 20 of each lab host
# The converge test's limit: 7 lab hosts of the 6.1 to 10 families.
WAVE_HOSTS = ("win7-fresh", "win7-patched", "win7-x86", "win7-nosp", "win2012", "win2012r2", "win10-22h2")


def generate(out: str) -> None:
    done = subprocess.run([sys.executable, os.path.join(ROOT, "lab", "generate.py"), "--copies", str(COPIES), "--out", out],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr


def playbook(fleet: str, name: str, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
                       ANSIBLE_HOME=os.path.join(fleet, ".ansible"), ANSIBLE_FORKS="10", **env)
    done = subprocess.run([PLAYBOOK, "-i", os.path.join(fleet, "inventory.yml"), f"tlsready.windows.{name}", *extra],
                          env=environment, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def test_audit_with_strategy_free_and_fact_cache(tmp_path: os.PathLike[str]) -> None:
    fleet, out, cache = (os.path.join(str(tmp_path), d) for d in ("fleet", "report", "cache"))
    generate(fleet)
    playbook(fleet, "audit", "-e", f"tlsready_report_dir={out}", ANSIBLE_STRATEGY="free",
             ANSIBLE_CACHE_PLUGIN="ansible.builtin.jsonfile", ANSIBLE_CACHE_PLUGIN_CONNECTION=cache)
    hosts = report(out)
    assert len(hosts) == COPIES
    counts: dict[str, int] = {}
    for entry in hosts.values():
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    # Each lab host is copied 20 times (lab/expected.yml says which are compliant as collected).
    assert set(COMPLIANT_AS_COLLECTED) | set(UNSUPPORTED) <= set(LAB_HOSTS)
    compliant, unsupported = 20 * len(COMPLIANT_AS_COLLECTED), 20 * len(UNSUPPORTED)
    assert counts == {"compliant": compliant, "unsupported": unsupported,
                      "noncompliant": COPIES - compliant - unsupported}
    cases = ET.parse(os.path.join(out, "report.xml")).getroot().findall("testcase")
    assert sorted(c.get("name") for c in cases) == sorted(hosts)
    cached = sorted(os.listdir(cache))
    assert len(cached) == COPIES
    with open(os.path.join(cache, cached[0]), encoding="utf-8") as handle:
        cached_facts = json.load(handle)
    # ansible-core 2.19+ wraps the facts as a JSON string under __payload__.
    if "__payload__" in cached_facts:
        cached_facts = json.loads(cached_facts["__payload__"])
    cached_host = cached[0].split("_", 1)[1]
    assert cached_facts["tlsready_status"]["source"].endswith(f"/hosts/{cached_host}")
    assert cached_facts["tlsready_status"]["status"] == hosts[cached_host]["status"]


def test_converge_in_waves_reports_every_host(tmp_path: os.PathLike[str]) -> None:
    fleet, out = os.path.join(str(tmp_path), "fleet"), os.path.join(str(tmp_path), "report")
    generate(fleet)
    # An AWX-style limit without localhost: the report play must still run, on the limited hosts only.
    done = playbook(fleet, "converge", "-e", f"tlsready_report_dir={out}", "-e", "tlsready_wave_size=100",
                    "-e", f"tlsready_backup_dir={tmp_path}/backups", "--limit", ",".join(f"{h}-0*" for h in WAVE_HOSTS))
    hosts = report(out)
    limited = [h for h in hosts if h.rsplit("-", 1)[0] in WAVE_HOSTS]
    assert len(limited) == len(hosts) == 20 * 7
    assert done.stdout.count("PLAY [Converge hosts to TLS 1.2 readiness]") == -(-len(limited) // 100)
    assert all(hosts[h]["status"] == "compliant" for h in limited if h.rsplit("-", 1)[0] not in NEVER_COMPLIANT)
