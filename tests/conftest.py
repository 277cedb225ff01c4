"""Options and fixtures shared by the pytest harnesses in tests/.

ctest runs each harness as `pytest tests/test_X.py --plugin BUILD/tcpstate.so
--ws-version 4.0 ...` (tests/CMakeLists.txt). By hand the defaults suffice
after scripts/build.sh: `pytest-3 tests/test_golden.py` tests build/tcpstate.so
with the installed tshark on samples/.

A run in which every test was skipped exits 77, which ctest reports as skipped
(SKIP_RETURN_CODE 77).
"""
import os
import shutil
import subprocess
import tempfile

import pytest

from tshark_env import SRC, Tshark, names, tshark_major_minor

SKIP = 77


def pytest_addoption(parser):
    g = parser.getgroup("tcpstate")
    add = g.addoption
    add("--plugin", default=os.environ.get("TCPSTATE_SO", os.path.join(SRC, "build", "tcpstate.so")),
        help="the tcpstate.so under test (default: $TCPSTATE_SO, else build/tcpstate.so)")
    add("--ws-version", default=None, help="its plugin folder's version (default: the installed tshark's)")
    add("--samples", default=os.path.join(SRC, "samples"), help="the captures")
    add("--rig", default=os.path.join(SRC, "samples", "rig"),
        help="the truth-rig captures (test_vantage.py, test_rig_agreement.py)")
    add("--golden", default=os.path.join(SRC, "tests", "golden"), help="expected files (test_golden.py)")
    add("--craft", default=os.path.join(SRC, "build", "craft"), help="the craft tool (tools/craft)")
    add("--gencap", default=os.path.join(SRC, "build", "gencap"), help="the capture generator (bench/gencap.c)")
    add("--scenarios", default=os.path.join(SRC, "tests", "crafted"), help="folder of *.scn (test_crafted.py)")
    add("--out", default=os.path.join(SRC, "build", "crafted"), help="folder for the crafted captures")
    add("--copy-to", default=None, help="also copy each crafted capture here (samples/crafted)")
    add("--robustness-only", action="store_true", help="only the tests marked robustness")
    add("--labs", default=os.path.join(SRC, "docs", "labs"), help="the labs (test_labs.py)")
    add("--update", action="store_true", help="test_labs.py: rewrite the expected outputs from the actual ones")
    add("--screenshot", default="screenshot-gui.png", help="where test_gui.py keeps its screenshot")
    add("--min-sequences", type=int, default=None, help="rig agreement floor: endpoint sequences")
    add("--min-packets", type=int, default=None, help="rig agreement floor: per-packet states")
    add("--min-remote", type=int, default=None,
        help="rig agreement floor: per-packet states of the endpoints not local to the capture")
    add("--min-ss-snapshots", type=int, default=None,
        help="ss agreement floor: snapshots (test_ss_agreement.py; default: every one)")
    add("--min-ss-remote", type=int, default=None,
        help="ss agreement floor: snapshots read from the other capture points (default: every one)")
    add("--all", action="store_true", help="test_valgrind.py: the long form")
    add("--variants", type=int, default=20, help="test_mutation_fuzz.py: editcap -E variants per sample")
    add("--keep", default=os.path.join(SRC, "build", "mutate-failures"),
        help="test_mutation_fuzz.py: where failing variants are kept")
    add("--jobs", type=int, default=os.cpu_count() or 2, help="parallel tshark runs")
    add("--run-timeout", type=float, default=None, help="seconds one run may take (default: the harness's)")
    # test_sanitizers.py: the sanitized build (without --build-dir, --plugin is a sanitized tcpstate.so)
    add("--source", default=SRC, help="source tree of the sanitized build")
    add("--build-dir", default=None, help="configure and build the sanitized plugin there")
    add("--cc", default=None, help="C compiler of the sanitized build")
    add("--generator", default=None, help="CMake generator of the sanitized build")
    add("--werror", action="store_true", help="the sanitized build with warnings as errors")


def pytest_configure(config):
    config.addinivalue_line("markers", "robustness: no crash or dissector bug (kept by --robustness-only)")


def pytest_generate_tests(metafunc):
    """A test that takes kernel_sample runs once per --samples/NAME.kernel (a
    connection recorded with the kernel's transitions, or a rig scenario)."""
    if "kernel_sample" in metafunc.fixturenames:
        metafunc.parametrize("kernel_sample", names(metafunc.config.getoption("samples"), ".kernel"))


def pytest_collection_modifyitems(config, items):
    if config.getoption("robustness_only"):
        keep = [i for i in items if i.get_closest_marker("robustness")]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def pytest_report_header(config):
    return "tcpstate: %s, Wireshark %s plugin folder" % (config.getoption("plugin"), ws_version_of(config))


def pytest_sessionfinish(session, exitstatus):
    """Every test skipped (and none failed): exit 77, skipped for ctest."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    stats = reporter.stats if reporter else {}
    if exitstatus == 0 and stats.get("skipped") and not stats.get("passed"):
        session.exitstatus = SKIP


def ws_version_of(config):
    return config.getoption("ws_version") or tshark_major_minor()


@pytest.fixture(scope="session")
def options(pytestconfig):
    """The command line options, as attributes (options.samples...)."""
    return pytestconfig.option


@pytest.fixture(scope="session")
def plugin(options):
    return os.path.abspath(options.plugin)


@pytest.fixture(scope="session")
def ws_version(pytestconfig):
    return ws_version_of(pytestconfig)


@pytest.fixture(scope="session")
def samples(options):
    return os.path.abspath(options.samples)


@pytest.fixture(scope="session")
def rig(options):
    return os.path.abspath(options.rig)


@pytest.fixture(scope="session")
def make_tshark(plugin, ws_version):
    """make_tshark(plugin=None, **kw): a Tshark (tshark_env.py) with this build's
    plugin, or another, and Tshark's keyword arguments; all closed at the end."""
    made = []

    def make(other_plugin=None, **kw):
        ts = Tshark(other_plugin or plugin, ws_version, **kw)
        made.append(ts)
        return ts
    yield make
    for ts in made:
        ts.close()


@pytest.fixture(scope="session")
def tshark(make_tshark):
    """tshark with the plugin under test, as an unprivileged user."""
    return make_tshark()


@pytest.fixture(scope="session")
def sample(tshark, samples):
    """sample(NAME): the path of samples/NAME.pcap that the tshark fixture can read."""
    return lambda name: tshark.readable(os.path.join(samples, name + ".pcap"))


@pytest.fixture(scope="session")
def scenario_capture(options, tmp_dir):
    """scenario_capture(NAME, TEXT): the capture tools/craft writes from the
    scenario TEXT into tmp_dir (once per NAME), readable by the unprivileged tshark."""
    def make(name, text):
        scn, path = os.path.join(tmp_dir, name + ".scn"), os.path.join(tmp_dir, name + ".pcap")
        if not os.path.exists(path):
            with open(scn, "w") as f:
                f.write(text)
            subprocess.run([options.craft, scn, path], check=True)
            os.chmod(path, 0o644)
        return path
    return make


@pytest.fixture(scope="session")
def tmp_dir():
    """A scratch folder that the unprivileged tshark can read, removed at the end."""
    path = tempfile.mkdtemp(prefix="tcpstate-test-")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
