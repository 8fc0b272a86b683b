#!/usr/bin/env bash
# units.sh SANITY_ROOT BIN [PYTHON_VERSION] [KNOWN_FAILURES]
# Runs: BIN/ansible-test units in SANITY_ROOT (the ansible_collections/tlsready/windows copy),
# with BIN first on PATH and --python PYTHON_VERSION (default: the version of BIN/python).
# Why: one unit test run for every ansible-core. The venv already holds tests/unit/requirements.txt
# (the default venv through requirements-dev.txt, the core-range venvs through core-venv.sh), so
# ansible-test installs nothing and needs no network (no --requirements).
# KNOWN_FAILURES (make core-range) lists the tests, one pytest node id a line, that fail with that
# ansible-core for a reason written above them there: every test still runs, and the step fails
# when any other test fails, or when a listed one passes (then take it off the list).
set -euo pipefail
root=$(cd "$1" && pwd) bin=$(cd "$2" && pwd) python=${3:-} known=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/ci/use-venv.sh
. "$here/use-venv.sh" "$bin"
[ -n "$python" ] || python=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ -z "$known" ] || known=$(cd "$(dirname "$known")" && pwd)/$(basename "$known")
cd "$root"
rm -rf tests/output/junit
rc=0
"$bin/ansible-test" units --color no --python "$python" || rc=$?
if [ -z "$known" ]; then
  exit "$rc"
fi
# ansible-test writes a JUnit report per test context (modules, controller): the failed and the
# errored tests in there are compared with the list.
"$bin/python" - "$known" "$rc" tests/output/junit/*.xml <<'PY'
import os, sys
import xml.etree.ElementTree as ET

known_file, rc, reports = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
prefix = "ansible_collections.tlsready.windows."
with open(known_file, encoding="utf-8") as handle:
    known = {line.strip() for line in handle if line.strip() and not line.startswith("#")}

def node_id(classname, name):
    parts = classname[len(prefix):].split(".") if classname.startswith(prefix) else classname.split(".")
    for cut in range(len(parts), 0, -1):
        path = "/".join(parts[:cut]) + ".py"
        if os.path.isfile(path):
            return "::".join([path] + parts[cut:] + [name])
    return "::".join(parts + [name])

failed, passed, skipped = set(), set(), set()
for report in reports:
    for case in ET.parse(report).getroot().iter("testcase"):
        test = node_id(case.get("classname", ""), case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(test)
        elif case.find("skipped") is not None:
            skipped.add(test)
        else:
            passed.add(test)
passed -= failed
if not (failed or passed or skipped):
    sys.exit(f"units: no test result in tests/output/junit (ansible-test exit {rc})")
unexpected, fixed = sorted(failed - known), sorted(known - failed)
for test in sorted(failed & known):
    print(f"known failure: {test}")
for test in unexpected:
    print(f"unexpected failure: {test}")
for test in fixed:
    print(f"passed, but listed in {os.path.basename(known_file)} as a known failure: {test}")
if unexpected or fixed or (rc and not failed):
    sys.exit(f"units: {len(unexpected)} unexpected failure(s), {len(fixed)} listed test(s) passed (ansible-test exit {rc})")
print(f"units: {len(passed)} passed, {len(skipped)} skipped, {len(failed)} failed as listed in {known_file}")
PY
