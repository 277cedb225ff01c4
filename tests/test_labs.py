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

One test case per lab. --update rewrites the expected outputs in the
Markdown files from the actual ones (then read the diff: each value must still
be justified by the lab's text).
"""
import glob
import os
import re
import shutil
import subprocess

import pytest

from tshark_env import names

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


def pytest_generate_tests(metafunc):
    if "lab" in metafunc.fixturenames:
        metafunc.parametrize("lab", names(metafunc.config.getoption("labs"), ".md"))


@pytest.fixture(scope="module")
def work(tshark, samples):
    """The folder the commands run in: samples/ holds readable copies of the samples."""
    work = os.path.join(tshark.home, "work")
    os.makedirs(os.path.join(work, "samples"))
    for p in glob.glob(os.path.join(samples, "*.pcap")) + glob.glob(os.path.join(samples, "*.kernel")):
        shutil.copy(p, os.path.join(work, "samples"))
    # The truth-rig captures and their ss snapshots, as samples/rig/.
    os.makedirs(os.path.join(work, "samples", "rig"))
    for p in glob.glob(os.path.join(samples, "rig", "*.pcap")) + glob.glob(os.path.join(samples, "rig", "*.ss")):
        shutil.copy(p, os.path.join(work, "samples", "rig"))
    # The folder is the user's own: labs write files there (mergecap, editcap).
    tshark.hand_over(work)
    return work


def test_lab(tshark, work, options, lab):
    path = os.path.join(options.labs, lab + ".md")
    timeout = options.run_timeout or 120
    with open(path, encoding="utf-8") as f:
        text = f.read()
    blocks = transcripts(text)
    failures, edits = [], []
    if lab.lower() != "readme" and not blocks:
        failures.append("no console blocks")
    for cmd, want, span in blocks:
        full = (tshark.prefix + ["env"] + ["%s=%s" % kv for kv in tshark.env.items()] +
                ["bash", "-o", "pipefail", "-c", "cd %s && %s" % (work, cmd)])
        try:
            p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired:
            failures.append("no answer after %d s: $ %s" % (timeout, cmd))
            continue
        got = p.stdout
        if p.returncode != 0:
            failures.append("exit %d: $ %s\n%s" % (p.returncode, cmd, p.stderr))
        elif norm(got) != norm(want):
            if options.update:
                edits.append((span, norm(got) + "\n" if norm(got) else ""))
            else:
                failures.append("$ %s\n--- expected\n%s\n--- got\n%s" % (cmd, norm(want), norm(got)))
    if edits:
        for (s, e), new in sorted(edits, reverse=True):
            text = text[:s] + new + text[e:]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print("updated %d outputs in %s" % (len(edits), path))
    assert not failures, "%s.md: %d of %d commands\n%s" % (lab, len(failures), len(blocks), "\n".join(failures))
