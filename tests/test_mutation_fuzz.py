"""Mutation fuzzing, short form (ctest mutation_fuzz): --variants editcap -E
variants of every sample through tshark (tests/fuzz/mutate.py, whose command
tests/fuzz/mutate.sh is the long form). One test case per sample; the runs go
in parallel (--jobs). A sanitized --plugin runs with its runtime preloaded."""
import os
import sys
import time

import pytest

from tshark_env import SRC, names, sanitizer_envs

sys.path.insert(0, os.path.join(SRC, "tests", "fuzz"))
import mutate  # noqa: E402


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", names(metafunc.config.getoption("samples"), ".pcap"))


@pytest.fixture(scope="module")
def fuzzed(plugin, make_tshark, samples, tmp_dir, options):
    t0 = time.time()
    env, thorough = sanitizer_envs(plugin, tmp_dir)
    ts = make_tshark(env=env)
    timeout = options.run_timeout or (60 if env else 20)
    res = mutate.fuzz(ts, [os.path.join(samples, n + ".pcap") for n in names(samples, ".pcap")],
                      options.variants, mutate.RATES.split(","), 1, timeout, options.jobs, options.keep,
                      thorough, tmp_dir)
    print(res.summary(time.time() - t0))
    return res


def test_mutations(fuzzed, options, case):
    """No crash, hang, dissector bug or sanitizer report on this sample's variants."""
    failures = [f for f in fuzzed.failures if f[0] == case + ".pcap"]
    variants, failed = fuzzed.per_sample[case + ".pcap"]
    assert not failures, "%d of %d runs on %d variants failed\n%s" % (
        failed, variants * len(mutate.ROBUSTNESS_MODES), variants,
        "\n".join(fuzzed.failure_text(f, options.keep) for f in failures[:20]))
