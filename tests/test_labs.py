#!/usr/bin/env python3
"""The answer keys of docs/labs/*.md still hold.

Every fenced block marked ```console in a lab is a transcript: a line
starting with "$ " is a command, the lines up to the next "$ " line or the
end of the block are its expected standard output. Each command runs with
bash (pipefail) from a folder holding samples/ (readable copies of the
repository's samples), as the harness user with this build's plugin as the
only tcpstate (tests/tshark_env.py), so "tshark -r samples/X.pcap ..." works
as it does for a reader at the top of the repository. Output and expectation
are compared exactly after removing trailing whitespace from every line and
trailing empty lines.

--update rewrites the expected outputs in the Markdown files from the actual
ones (then read the diff: each value must still be justified by the lab's text).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LABS = os.path.join(HERE, "..", "docs", "labs")
FENCE = re.compile(r"^```console[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def transcripts(text):
    """(command, expected output, (start, end) of the output in text) of every console block."""
    out = []
    for m in FENCE.finditer(text):
        body, base = m.group(1), m.start(1)
        pos, cmd, start = 0, None, None
        for line in body.splitlines(True):
            if line.startswith("$ "):
                if cmd is not None:
                    out.append((cmd, body[start:pos], (base + start, base + pos)))
                cmd, start = line[2:].strip(), pos + len(line)
            pos += len(line)
        if cmd is not None:
            out.append((cmd, body[start:pos], (base + start, base + pos)))
    return out


def norm(s):
    return "\n".join(l.rstrip() for l in s.splitlines()).rstrip("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--labs", default=LABS)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()

    ts = Tshark(a.plugin, a.ws_version)
    checks, failures = 0, []
    try:
        work = os.path.join(ts.home, "work")
        os.makedirs(os.path.join(work, "samples"))
        for p in glob.glob(os.path.join(a.samples, "*.pcap")) + glob.glob(os.path.join(a.samples, "*.kernel")):
            shutil.copy(p, os.path.join(work, "samples"))
        # The folder is the user's own: labs write files there (mergecap, editcap).
        for root, dirs, files in os.walk(work):
            os.chmod(root, 0o755)
            for n in files:
                os.chmod(os.path.join(root, n), 0o644)
            if ts.prefix:
                for n in [root] + [os.path.join(root, f) for f in files]:
                    shutil.chown(n, "nobody", "nogroup")
        labs = sorted(glob.glob(os.path.join(a.labs, "*.md")))
        if not labs:
            failures.append("no labs in %s" % a.labs)
        for lab in labs:
            with open(lab, encoding="utf-8") as f:
                text = f.read()
            blocks = transcripts(text)
            name = os.path.basename(lab)
            if name.lower() != "readme.md" and not blocks:
                failures.append("%s: no console blocks" % name)
            edits = []
            for cmd, want, span in blocks:
                checks += 1
                full = (ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] +
                        ["bash", "-o", "pipefail", "-c", "cd %s && %s" % (work, cmd)])
                try:
                    p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       errors="replace", timeout=a.timeout)
                except subprocess.TimeoutExpired:
                    failures.append("%s: no answer after %d s: $ %s" % (name, a.timeout, cmd))
                    continue
                got = p.stdout
                if p.returncode != 0:
                    failures.append("%s: exit %d: $ %s\n%s" % (name, p.returncode, cmd, p.stderr))
                elif norm(got) != norm(want):
                    if a.update:
                        edits.append((span, norm(got) + "\n" if norm(got) else ""))
                    else:
                        failures.append("%s: $ %s\n--- expected\n%s\n--- got\n%s" % (name, cmd, norm(want), norm(got)))
            if edits:
                for (s, e), new in sorted(edits, reverse=True):
                    text = text[:s] + new + text[e:]
                with open(lab, "w", encoding="utf-8") as f:
                    f.write(text)
                print("updated %d outputs in %s" % (len(edits), name))
    finally:
        ts.close()
    for f in failures:
        print("FAIL", f)
    print("labs: %d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
