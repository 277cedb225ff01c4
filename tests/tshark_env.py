"""Run the real tshark with this build's tcpstate plugin and nothing else of ours.

The plugin goes into a throwaway personal plugin folder. tshark ignores the
personal folder when it runs as root, so as root it runs as 'nobody'.
"""
import os
import shutil
import subprocess
import tempfile


class Tshark:
    def __init__(self, plugin, ws_version):
        self.home = tempfile.mkdtemp(prefix="tcpstate-home-")
        epan = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", ws_version, "epan")
        os.makedirs(epan)
        shutil.copy(plugin, epan)
        for root, dirs, files in os.walk(self.home):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        os.chmod(self.home, 0o755)
        self.prefix = []
        self._booleans = None
        if os.geteuid() == 0:
            self.prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        # An empty global plugin folder: a tcpstate.so installed on this machine
        # must not be loaded instead of, or besides, the one under test.
        global_dir = os.path.join(self.home, "global-plugins")
        os.makedirs(global_dir)
        os.chmod(global_dir, 0o755)
        self.env = {"HOME": self.home, "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
                    "WIRESHARK_PLUGIN_DIR": global_dir,
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        _, out, err = self.run(["-G", "plugins"])
        loaded = [l for l in out.splitlines() if l.startswith("tcpstate")]
        if len(loaded) != 1 or self.home not in loaded[0] or "multiple" in err:
            raise RuntimeError("tshark did not load the plugin under test: %r %s" % (loaded, err))

    def readable(self, path):
        """A copy of path inside the throwaway home, which the unprivileged tshark can read
        wherever the work tree is (a clone under /root is not readable by nobody)."""
        caps = os.path.join(self.home, "captures")
        os.makedirs(caps, mode=0o755, exist_ok=True)
        dst = os.path.join(caps, os.path.basename(path))
        if not os.path.exists(dst):
            shutil.copy(path, dst)
            os.chmod(dst, 0o644)
        return dst

    def run(self, args, check=True):
        """Returns (returncode, stdout, stderr)."""
        cmd = self.prefix + ["env"] + ["%s=%s" % kv for kv in self.env.items()] + ["tshark"] + list(args)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise RuntimeError("tshark %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def boolean_fields(self):
        """Names of all FT_BOOLEAN fields this tshark knows (tshark -G fields)."""
        if self._booleans is None:
            _, out, _ = self.run(["-G", "fields"])
            self._booleans = {c[2] for c in (l.split("\t") for l in out.splitlines())
                              if len(c) > 3 and c[0] == "F" and c[3] == "FT_BOOLEAN"}
        return self._booleans

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
                    row[i] = {"True": "1", "False": "0"}.get(row[i], row[i])
        return rows, err

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)


def common_args(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--golden", default=None)
    return ap.parse_args(argv)
