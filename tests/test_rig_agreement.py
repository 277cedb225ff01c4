"""Kernel agreement score of the truth-rig samples (--rig, samples/rig;
scored by tests/agreement.py): at or above the floors --min-sequences and
--min-packets, and --min-remote for the endpoints not local to a capture
(tests/CMakeLists.txt, docs/agreement.md)."""
import pytest

from agreement import below_floors, score


@pytest.fixture(scope="module")
def rig_score(tshark, rig):
    return score(tshark, rig)


def test_floors(rig_score, options):
    """The table, misses and summary of agreement.py are in the message."""
    short = below_floors(rig_score, options.min_sequences, options.min_packets, options.min_remote)
    assert not short, "\n".join(rig_score.report() + short)
    print("\n".join(rig_score.report()))
