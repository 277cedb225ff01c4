"""The "TCP States" profile loads in the real tshark: its columns show the
plugin's fields and its coloring rules compile and match the right segments."""
import os
import shutil

import pytest

from tshark_env import SRC

PROFILE = os.path.join(SRC, "profile", "TCP States")

# (sample, frame, coloring rule): refused frame 2 is the RST answering the SYN
# (expert info tcpstate.refused), client-rst frame 8 the client's RST,
# client-close 8-11 the teardown, 1-3 the handshake.
EXPECT = [("refused", 2, "TCP State: anomaly"), ("client-rst", 8, "TCP State: reset"),
          ("client-close", 1, "TCP State: handshake"), ("client-close", 8, "TCP State: teardown"),
          ("client-close", 11, "TCP State: teardown"), ("client-close", 5, "")]


@pytest.fixture(scope="module", autouse=True)
def profile(tshark):
    """The profile in the tshark user's personal profile folder."""
    dest = os.path.join(tshark.home, ".config", "wireshark", "profiles", "TCP States")
    shutil.copytree(PROFILE, dest)
    tshark.hand_over(os.path.join(tshark.home, ".config"))


def test_columns(tshark, sample):
    _, out, err = tshark.run(["-C", "TCP States", "-r", sample("client-close")])
    row8 = out.splitlines()[7].split()
    assert "teardown" in row8 and "FIN_WAIT_1" in row8 and "CLOSE_WAIT" in row8 and not err.strip(), \
        "profile columns on client-close frame 8: %r %s" % (out.splitlines()[7], err)


@pytest.mark.parametrize("name,frame,rule", EXPECT, ids=["%s-%d" % e[:2] for e in EXPECT])
def test_coloring_rule(tshark, sample, name, frame, rule):
    _, out, err = tshark.run(["-C", "TCP States", "--color", "-r", sample(name), "-Y", "frame.number==%d" % frame,
                              "-T", "fields", "-e", "frame.coloring_rule.name"])
    assert out.strip() == rule and "Could not compile" not in err, \
        "%s frame %d: coloring rule %r, want %r %s" % (name, frame, out.strip(), rule, err)
