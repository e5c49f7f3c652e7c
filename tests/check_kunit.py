#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count every KUnit case the guest reported, through the kernel's own
KTAP parser (tools/testing/kunit/kunit.py parse).

Usage: check_kunit.py RESULT_FILE KERNEL_SOURCE_DIR   (env VM_TAG)
One "ok"/"not ok" line per leaf case (parameterised cases count each
parameter), then "passed=N failed=M".  A skipped case is a failure: every
case has what it needs in the guest.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from check_scenario import Judge, read_sections  # noqa: E402


def leaves(group, prefix):
    """(suite.case[.param], status) of every leaf in kunit.py's JSON."""
    name = f"{prefix}.{group['name']}" if prefix else group["name"]
    for case in group.get("test_cases", []):
        yield f"{name}.{case['name']}", case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, name)


def main():
    judge = Judge(os.environ.get("VM_TAG", ""))
    kunit_py = os.path.join(sys.argv[2], "tools/testing/kunit/kunit.py")
    sections = {k: v for k, v in read_sections(sys.argv[1]).items()
                if k.startswith("kunit:")}
    want = {f"kunit:tcpstates_{s}" for s in
            ("states", "render", "walk", "proc", "ring", "seen", "pairs",
             "kept")}
    judge.check("KUnit results were collected from every suite",
                set(sections) == want, f"suites: {sorted(sections)}")
    for name, (lines, _) in sorted(sections.items()):
        with tempfile.NamedTemporaryFile("w", suffix=".ktap") as ktap, \
                tempfile.NamedTemporaryFile("r", suffix=".json") as out:
            ktap.write("\n".join(lines) + "\n")
            ktap.flush()
            proc = subprocess.run(
                [sys.executable, kunit_py, "parse", f"--json={out.name}",
                 ktap.name], capture_output=True, text=True)
            parsed = json.load(out) if proc.returncode in (0, 1) else None
        if not judge.check(f"{name}: kunit.py parses it", parsed,
                           proc.stdout[-500:] + proc.stderr[-500:]):
            continue
        cases = [leaf for t in parsed["sub_groups"] for leaf in leaves(t, "")]
        judge.check(f"{name}: has cases", cases)
        for case, status in cases:
            judge.check(f"kunit {case}", status == "PASS", status)
    print(f"passed={judge.passed} failed={judge.failed}")
    return 1 if judge.failed else 0


if __name__ == "__main__":
    sys.exit(main())
