"""Run the real tshark with this build's tcpstate plugin and nothing else of ours.

The plugin goes into a throwaway personal plugin folder. tshark ignores the
personal folder when it runs as root, so as root it runs as 'nobody'.
"""
import os
import re
import shutil
import subprocess
import tempfile

# The top of the source tree.
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def expert_names():
    """The expert filter names (after "tcpstate.") of plugin/tcpstate_events.h,
    the one list of events: those of the events first, then the others."""
    with open(os.path.join(SRC, "plugin", "tcpstate_events.h")) as f:
        text = f.read().replace("\\\n", " ")
    return [m.group(1) for m in re.finditer(
        r'X\(\s*\w+\s*,\s*"[^"]*"\s*,\s*"[^"]*"\s*,\s*"([^"]+)"', text)]


def tshark_major_minor():
    """The installed tshark's version, major.minor: its plugin folder's name."""
    out = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    m = re.search(r"TShark \(Wireshark\) (\d+\.\d+)", out)
    if not m:
        raise RuntimeError("cannot tell the tshark version from: %r" % out[:200])
    return m.group(1)


def names(folder, suffix, but=()):
    """Sorted names of the files folder/NAME+suffix, suffix removed, except
    those ending in one of but: what a harness makes one test case of each.
    Raises when there is none, so that a wrong folder fails instead of
    running nothing."""
    found = sorted(n[:-len(suffix)] for n in os.listdir(folder)
                   if n.endswith(suffix) and not n.endswith(tuple(but)))
    if not found:
        raise RuntimeError("no *%s in %s" % (suffix, folder))
    return found


def readable_copy(path, folder):
    """A copy of path in folder that anyone can read."""
    dst = os.path.join(folder, os.path.basename(path))
    shutil.copy(path, dst)
    os.chmod(dst, 0o644)
    return dst


def bool_digits(value):
    """A boolean as tshark 4.0 prints it in -T fields (1/0); 4.4 and 4.6 print
    True/False."""
    return {"True": "1", "False": "0"}.get(value, value)


class Tshark:
    def __init__(self, plugin, ws_version, env=None, wrapper=(), load_env=None):
        """env: extra environment variables for every run (sanitizer options...);
        wrapper: a command tshark runs under (valgrind ...); load_env: extra
        variables for the plugin load check only."""
        self.home = tempfile.mkdtemp(prefix="tcpstate-home-")
        epan = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", ws_version, "epan")
        os.makedirs(epan)
        shutil.copy(plugin, epan)
        for root, dirs, files in os.walk(self.home):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        os.chmod(self.home, 0o755)
        self.prefix = []
        self._names = self._booleans = None
        if os.geteuid() == 0:
            self.prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        # An empty global plugin folder: a tcpstate.so installed on this machine
        # must not be loaded instead of, or besides, the one under test.
        global_dir = os.path.join(self.home, "global-plugins")
        os.makedirs(global_dir)
        os.chmod(global_dir, 0o755)
        # No extcap helpers either: tshark would start every one of them
        # (androiddump, sshdump...) to list its interfaces, with our environment.
        extcap_dir = os.path.join(self.home, "extcap")
        os.makedirs(extcap_dir)
        os.chmod(extcap_dir, 0o755)
        self.env = {"HOME": self.home, "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
                    "WIRESHARK_PLUGIN_DIR": global_dir, "WIRESHARK_EXTCAP_DIR": extcap_dir,
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self.env.update(env or {})
        self.wrapper = list(wrapper)
        _, out, err = self.run(["-G", "plugins"], env=load_env, wrapper=())
        loaded = [l for l in out.splitlines() if l.startswith("tcpstate")]
        if len(loaded) != 1 or self.home not in loaded[0] or "multiple" in err:
            raise RuntimeError("tshark did not load the plugin under test: %r %s" % (loaded, err))

    def readable(self, path):
        """A copy of path inside the throwaway home, which the unprivileged tshark can read
        wherever the work tree is (a clone under /root is not readable by nobody)."""
        caps = os.path.join(self.home, "captures")
        os.makedirs(caps, mode=0o755, exist_ok=True)
        dst = os.path.join(caps, os.path.basename(path))
        return dst if os.path.exists(dst) else readable_copy(path, caps)

    def hand_over(self, path, file_mode=0o644):
        """Makes the tree at path the tshark user's: folders 0755, files
        file_mode, owned by that user when tshark runs as nobody."""
        for root, dirs, files in os.walk(path):
            os.chmod(root, 0o755)
            for n in files:
                os.chmod(os.path.join(root, n), file_mode)
            if self.prefix:
                for n in [root] + [os.path.join(root, f) for f in files]:
                    shutil.chown(n, "nobody", "nogroup")

    def run(self, args, check=True, timeout=None, env=None, wrapper=None):
        """Returns (returncode, stdout, stderr); returncode None when tshark was
        killed after timeout seconds. env: extra variables for this run only;
        wrapper: instead of the one given to the constructor."""
        envs = dict(self.env, **(env or {}))
        cmd = (self.prefix + ["env"] + ["%s=%s" % kv for kv in envs.items()] +
               list(self.wrapper if wrapper is None else wrapper) + ["tshark"] + list(args))
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
            if check:
                raise RuntimeError("tshark %s: no answer after %s s" % (" ".join(args), timeout))
            return None, out, err
        if check and p.returncode != 0:
            raise RuntimeError("tshark %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def field_names(self):
        """Names of all protocols and fields this tshark knows (tshark -G fields)."""
        self._read_registered()
        return self._names

    def boolean_fields(self):
        """Names of all FT_BOOLEAN fields this tshark knows."""
        self._read_registered()
        return self._booleans

    def _read_registered(self):
        if self._names is None:
            _, out, _ = self.run(["-G", "fields"])
            rows = [l.split("\t") for l in out.splitlines()]
            self._names = {c[2] for c in rows if len(c) > 2}
            self._booleans = {c[2] for c in rows if len(c) > 3 and c[0] == "F" and c[3] == "FT_BOOLEAN"}

    def fields(self, pcap, fields, two_pass=False, extra=()):
        """Rows of -T fields output. A boolean field reads 1 or 0 whatever the tshark:
        tshark 4.0 prints FT_BOOLEAN values in -T fields as 1/0, 4.4 and 4.6 as
        True/False (every boolean field, Wireshark's own tcp.flags.syn too)."""
        args = ["-r", pcap, "-T", "fields", "-E", "occurrence=f"]
        if two_pass:
            args.append("-2")
        args += list(extra)
        for f in fields:
            args += ["-e", f]
        _, out, err = self.run(args)
        rows = [line.split("\t") for line in out.splitlines()]
        bools = [i for i, f in enumerate(fields) if f in self.boolean_fields()]
        for row in rows:
            for i in bools:
                if i < len(row):
                    row[i] = bool_digits(row[i])
        return rows, err

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)


# What the checks below look for in tshark's output: a dissector bug, a failed
# assertion, a crash, the plugin's own malformed-packet marker, a sanitizer
# report. tshark exits 2 for a capture file cut short in the middle of a packet,
# which is fine.
BAD_WORDS = ("Dissector bug", "assertion", "Assertion", "Segmentation", "core dumped",
             "[Malformed Packet: TCPSTATE", "Unhandled exception")
SANITIZER_WORDS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: AddressSanitizer", "SUMMARY: UndefinedBehaviorSanitizer",
                   "AddressSanitizer:DEADLYSIGNAL", "WARNING: AddressSanitizer")


# The robustness checks' ways of reading a capture: one pass with the tree,
# two passes with every field explained, and the fields alone.
ROBUSTNESS_FIELDS = ["frame.number", "tcpstate.phase", "tcpstate.sender", "tcpstate.client.state",
                     "tcpstate.server.state", "tcpstate.client.prev", "tcpstate.server.prev",
                     "tcpstate.client.via", "tcpstate.server.via", "tcpstate.step", "tcpstate.changed",
                     "tcpstate.acks_frame", "tcpstate.inferred", "tcpstate.revised", "tcpstate.transition"]
ROBUSTNESS_MODES = (["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"],
                    ["-T", "fields"] + [x for f in ROBUSTNESS_FIELDS for x in ("-e", f)])


def problems(rc, out, err):
    """What is wrong with one tshark run: [] when nothing."""
    text = out + "\n" + err
    found = [w for w in BAD_WORDS + SANITIZER_WORDS if w in text]
    if rc is None:
        found.insert(0, "hang (killed after the timeout)")
    elif rc < 0:
        found.insert(0, "killed by signal %d" % -rc)
    elif rc not in (0, 2):
        found.insert(0, "exit code %d" % rc)
    return found


def sanitizer_runtime(plugin):
    """The sanitizer runtime libraries tcpstate.so was linked against (its
    DT_NEEDED entries, resolved by ldd), ASan's first: what LD_PRELOAD must
    put in front of the uninstrumented tshark. [] for a plugin built without
    sanitizers."""
    out = subprocess.run(["ldd", plugin], stdout=subprocess.PIPE, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) == 2 and ("san" in parts[0] or "clang_rt" in parts[0]):
            path = parts[1].split("(")[0].strip()
            if path and path != "not found":
                libs.append(path)
    return sorted(libs, key=lambda p: "asan" not in os.path.basename(p))


def sanitizer_env(plugin, lsan_suppressions, thorough=False):
    """Environment for tshark with a plugin built with TCPSTATE_SANITIZE=ON.

    Allocation stacks are recorded with ASan's fast frame-pointer unwinder,
    which stops at the first frame of Debian's glib or libwireshark (built
    without frame pointers): leak reports then cannot be told apart by their
    stacks, but there are none unless something leaks. thorough=True records
    full stacks (fast_unwind_on_malloc=0, about 2 s more per tshark run with
    Wireshark 4.0) so that the suppressions can match, and makes glib's slice
    allocator use malloc, as glib 2.76 and later always do, which with glib
    2.74 shows Wireshark's own leaks of slice memory (see lsan.supp)."""
    runtime = sanitizer_runtime(plugin)
    if not any("asan" in os.path.basename(p) for p in runtime):
        raise RuntimeError("%s is not linked against a shared ASan runtime: "
                           "build it with -DTCPSTATE_SANITIZE=ON" % plugin)
    env = {
        # tshark is not instrumented: the runtime must be the first library loaded.
        "LD_PRELOAD": " ".join(runtime),
        # abort_on_error: a report ends tshark with SIGABRT, which no exit code
        # check can mistake for tshark's own exit 2.
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:halt_on_error=1:"
                        "detect_stack_use_after_return=1:malloc_context_size=30",
        "LSAN_OPTIONS": "suppressions=%s:print_suppressions=0" % lsan_suppressions,
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:abort_on_error=1",
        # Every wmem allocation a malloc of its own, so that ASan sees the
        # bounds of the plugin's wmem memory (the default block allocator hands
        # out pieces of large blocks, where an overflow goes unnoticed).
        "WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple",
    }
    if thorough:
        env["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"
        env["G_SLICE"] = "always-malloc"
    return env


def sanitizer_envs(plugin, folder):
    """(environment of every run, the thorough one) of sanitizer_env() for a
    plugin built with TCPSTATE_SANITIZE=ON, with tests/suppressions/lsan.supp
    copied into folder for the unprivileged tshark; (None, None) for a plugin
    built without sanitizers."""
    if not sanitizer_runtime(plugin):
        return None, None
    supp = readable_copy(os.path.join(SRC, "tests", "suppressions", "lsan.supp"), folder)
    return sanitizer_env(plugin, supp), sanitizer_env(plugin, supp, thorough=True)


def run_checked(ts, args, timeout, thorough=None):
    """ts.run(args) without raising; with thorough (the thorough environment
    of a sanitized plugin), a run that LeakSanitizer complains about runs
    again with its ASAN_OPTIONS (full allocation stacks), whose result
    counts, so that the suppressions can decide. Returns (rc, out, err, ran_again)."""
    rc, out, err = ts.run(args, check=False, timeout=timeout)
    if thorough and "ERROR: LeakSanitizer" in err:
        rc, out, err = ts.run(args, check=False, timeout=timeout, env={"ASAN_OPTIONS": thorough["ASAN_OPTIONS"]})
        return rc, out, err, True
    return rc, out, err, False
