"""Smoke test of the real Wireshark GUI with the plugin and the "TCP States" profile.

Starts Xvfb and wireshark (Qt) as an unprivileged user, with the plugin in a
throwaway personal plugin folder and the profile in its personal profile
folder (installed by scripts/install-profile.sh run as that user), opens
samples/client-close.pcap with -C "TCP States", takes a
screenshot of the screen and reads it back with OCR: the profile's column
headers must be there and the client/server state columns must show the
states the kernel recorded for that connection (samples/client-close.kernel:
client ESTABLISHED, FIN_WAIT1, FIN_WAIT2, then TIME_WAIT (logged as CLOSE);
server ESTABLISHED, CLOSE_WAIT, LAST_ACK), in a 1280-pixel window with the
profile's column widths. Then opens Tools > TCP State > Summary, Connections,
Hosts and Ladder through the menu bar and reads each dialog (kept as
SCREENSHOT-summary.png, -connections, -hosts, -ladder): the endpoint states in
lifecycle order and the Zeek conn_state the kernel record implies, each
host's sockets, each state change on its segment. Then Statistics > Flow
Graph with the flow type TCP states (SCREENSHOT-flow.png), and again in a
second Wireshark on samples/simultaneous-close.pcap
(SCREENSHOT-flow-simultaneous-close.png): the states after each teardown
segment. Each Wireshark must quit on Ctrl+Q with status 0.

Skipped (pytest.skip; the run then exits 77, skipped for ctest) when
Wireshark, Xvfb, xdotool, xwd, ImageMagick or tesseract is missing and cannot
be installed. --run-timeout: seconds for the main window (default 90).
"""
import os
import re
import secrets
import shutil
import subprocess
import time

import pytest

from tshark_env import SRC

PROFILE = os.path.join(SRC, "profile", "TCP States")
INSTALL_PROFILE = os.path.join(SRC, "scripts", "install-profile.sh")
# Seconds for each Statistics dialog.
STATS_TIMEOUT = 30
# The packet selected: the server's FIN (teardown step 3).
SELECT = 10
# The profile's column widths (profile/TCP States/recent) fit this width.
WIDTH, HEIGHT = 1280, 860

# command -> Debian package
TOOLS = {"wireshark": "wireshark", "Xvfb": "xvfb", "xauth": "xauth", "xdotool": "xdotool",
         "xwd": "x11-apps", "convert": "imagemagick", "tesseract": "tesseract-ocr"}

# What the screenshot must show, compared without spaces, underscores and
# case (OCR reads "FIN_WAIT_1" as "FIN_WAIT_1", "FIN WAIT 1" or "FINWAIT1").
# Column headers of the profile, then states of client-close.pcap.
WANT = ["Phase", "Client state", "Server state", "handshake", "teardown", "ESTABLISHED",
        "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "Profile: TCP States"]

# The TCP State tree of frame 10, the server's FIN: it moves the server from
# CLOSE_WAIT to LAST_ACK and the client from FIN_WAIT_2 to TIME_WAIT (RFC 9293
# 3.10.7.4; the kernel file shows the server's CLOSE_WAIT>LAST_ACK there).
TREE = ["Phase: teardown", "Sender: server", "Client state: TIME_WAIT (was FIN_WAIT_2)",
        "Server state: LAST_ACK (was CLOSE_WAIT)", "Step: 3"]


def squash(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


def install_missing():
    """Installs the missing tools' packages where it can; why not, or None."""
    missing = sorted({pkg for tool, pkg in TOOLS.items() if not shutil.which(tool)})
    if not missing:
        return None
    if os.geteuid() == 0:
        sudo = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        sudo = ["sudo", "-n"]
    else:
        return "missing %s and no root to install them" % " ".join(missing)
    print("installing %s" % " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing, env=env)
    except OSError as e:
        print("cannot install: %s" % e)
    still = [t for t in TOOLS if not shutil.which(t)]
    return "still missing: %s" % " ".join(still) if still else None


class Session:
    """Xvfb and the programs run on it, as the user the Tshark harness runs as."""

    def __init__(self, ts):
        self.ts = ts
        self.procs = []
        runtime = os.path.join(ts.home, "runtime")
        os.makedirs(runtime, mode=0o700)
        self.chown(runtime)
        # The X server accepts only clients holding this cookie.
        cookie = secrets.token_hex(16)
        server_auth = os.path.join(ts.home, "xserver.auth")
        subprocess.run(["xauth", "-q", "-f", server_auth, "add", ":0", "MIT-MAGIC-COOKIE-1", cookie],
                       check=True, stderr=subprocess.DEVNULL)
        self.chown(server_auth)
        r, w = os.pipe()
        xvfb = subprocess.Popen(ts.prefix + ["Xvfb", "-displayfd", str(w), "-auth", server_auth, "-nolisten", "tcp",
                                             "-screen", "0", "%dx%dx24" % (WIDTH, HEIGHT)],
                                pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.procs.append(xvfb)
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start: %s" % xvfb.stderr.read().decode(errors="replace"))
        self.display = ":" + number
        client_auth = os.path.join(ts.home, ".Xauthority")
        subprocess.run(["xauth", "-q", "-f", client_auth, "add", self.display, "MIT-MAGIC-COOKIE-1", cookie],
                       check=True, stderr=subprocess.DEVNULL)
        self.chown(client_auth)
        self.env = dict(ts.env, DISPLAY=self.display, XAUTHORITY=client_auth, XDG_RUNTIME_DIR=runtime)

    def chown(self, path):
        if self.ts.prefix:
            shutil.chown(path, "nobody", "nogroup")

    def cmd(self, args):
        return self.ts.prefix + ["env"] + ["%s=%s" % kv for kv in self.env.items()] + list(args)

    def run(self, args, **kw):
        return subprocess.run(self.cmd(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)

    def start(self, args, log):
        p = subprocess.Popen(self.cmd(args), stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def screenshot(s, png, window=None):
    """The whole screen, or one window, as PNG (xwd, converted by ImageMagick)."""
    xwd = os.path.join(s.ts.home, "screen.xwd")
    with open(xwd, "wb") as f:
        subprocess.run(s.cmd(["xwd", "-silent"] + (["-id", window] if window else ["-root"])),
                       stdout=f, check=True)
    subprocess.run(["convert", xwd, png], check=True)


def ocr(png, work):
    """Text of the screenshot: scaled up 3x in grey for tesseract."""
    big = os.path.join(work, "screen-ocr.png")
    subprocess.run(["convert", png, "-colorspace", "Gray", "-resize", "300%", big], check=True)
    p = subprocess.run(["tesseract", big, "-", "--psm", "11"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return p.stdout


def ocr_words(png, work, left=0, width=None):
    """Words of the screenshot (or of its columns left to left + width) as
    (text, x, y, line key) with the image coordinates of the word's centre;
    the line key is tesseract's block, paragraph, line."""
    big = os.path.join(work, "screen-ocr.png")
    crop = ["-crop", "%dx100000+%d+0" % (width, left), "+repage"] if width else []
    subprocess.run(["convert", png] + crop + ["-colorspace", "Gray", "-resize", "300%", big], check=True)
    p = subprocess.run(["tesseract", big, "-", "--psm", "11", "tsv"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    rows = [r.split("\t") for r in p.stdout.splitlines()[1:]]
    x0 = left
    words = []
    for r in rows:
        if len(r) == 12 and r[11].strip():
            left, top, width, height = (int(v) for v in r[6:10])
            words.append((r[11].strip(), x0 + (left + width // 2) // 3, (top + height // 2) // 3, tuple(r[2:5])))
    return words


def find_words(png, work, first, second, exact=False):
    """Screen position (x, y) of the word first followed by second on one line, or None.
    second is a prefix unless exact."""
    words = ocr_words(png, work)
    for w, nxt in zip(words, words[1:]):
        if w[0] == first and (nxt[0] == second if exact else nxt[0].startswith(second)) and w[3] == nxt[3]:
            return w[1], w[2]
    return None


def row_after(words, label):
    """The words right of the first word label (exactly), at its height: one
    row of a table as OCR reads it."""
    for w in words:
        if w[0] == label:
            return [v[0] for v in sorted((v for v in words if abs(v[2] - w[2]) <= 6 and v[1] > w[1]),
                                         key=lambda v: v[1])]
    return None


# Window names of the dialogs (xdotool takes a regular expression): the
# tables' titles start with "TCP State/", the Flow Graph's is "Flow".
DIALOG_NAME = "TCP State/|Flow"


def menu_click(s, png, work, pick, deadline, left=250, width=900):
    """Screenshots of the menus until pick(words) gives a position; clicks it."""
    while time.time() < deadline:
        time.sleep(1)
        screenshot(s, png)
        # the menu and its submenus: from the menu's left edge on
        where = pick(ocr_words(png, work, left, width))
        if where:
            s.run(["xdotool", "mousemove", str(where[0]), str(where[1]), "click", "1"])
            return True
    return False


def open_dialog(s, main_window, menu, path, png, work, deadline):
    """A menu entry through the menu bar, as a user would: Alt+key of the
    menu ("s": Statistics, "t": Tools), then a click on each word of path in
    turn, found by OCR, or keys ("key:Up"). Returns the dialog's window, or a
    failure (str)."""
    s.run(["xdotool", "windowfocus", "--sync", main_window])
    s.run(["xdotool", "key", "alt+" + menu])
    for word in path:
        if word.startswith("key:"):
            time.sleep(0.5)
            s.run(["xdotool", "key", word[4:]])
            continue
        if not menu_click(s, png, work, lambda ws: next(((w[1], w[2]) for w in ws if w[0] == word), None),
                          deadline):
            for _ in range(3):
                s.run(["xdotool", "key", "Escape"])
            return "no '%s' in the menu (OCR)" % " > ".join(path)
    while time.time() < deadline:
        time.sleep(1)
        out = s.run(["xdotool", "search", "--onlyvisible", "--name", DIALOG_NAME]).stdout.split()
        if out:
            # wide enough for every column
            s.run(["xdotool", "windowsize", "--sync", out[-1], str(WIDTH - 60), str(HEIGHT - 120)])
            s.run(["xdotool", "windowmove", "--sync", out[-1], "30", "50"])
            return out[-1]
    return "no dialog window for %s" % " > ".join(path)


def read_dialog(s, window, png, work, want, deadline):
    """OCR of the dialog until want(words) is true or the time is up; the words."""
    words = []
    while time.time() < deadline:
        time.sleep(2)
        screenshot(s, png, window)
        words = ocr_words(png, work)
        if want(words):
            break
    return words


def close_dialog(s, window):
    s.run(["xdotool", "windowfocus", "--sync", window])
    s.run(["xdotool", "key", "Escape"])
    for _ in range(10):
        if not s.run(["xdotool", "search", "--onlyvisible", "--name", DIALOG_NAME]).stdout.split():
            return True
        time.sleep(0.5)
    return False


# client-close.kernel: the client ends in TIME_WAIT (logged as the CLOSE after
# FIN_WAIT2), the server CLOSED; both sockets closed with a FIN after an
# established connection, which is Zeek's SF.
# Each with its Percent column: 1 of the 2 endpoints, 1 of the 1 connection
# (OCR tends to drop a lone digit such as the Count).
SUMMARY = {"TIME_WAIT": "50.00%", "CLOSED": "50.00%", "SF": "100.00%"}
# The Summary lists the states in lifecycle order (RFC 9293's diagram).
SUMMARY_ORDER = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                 "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]
CONNECTION = ["10.99.0.2:8001", "TIME_WAIT", "CLOSED", "SF", "client"]
# The Hosts table (as -z tcpstate,hosts, tests/test_hosts.py): the client
# holds its TIME-WAIT, the server only its listener (the counts, lone 1s and
# 0s, are left out: OCR drops them).
HOSTS = {"10.99.0.1": "TIME-WAIT", "10.99.0.2": "LISTEN"}
# The Ladder of the selected packet's connection (client-close's one): the
# state changes of client-close.kernel, each on the segment that made it
# (RFC 9293 3.10.7.4: the server's FIN, frame 10, moves the client to
# TIME_WAIT and the server to LAST_ACK; its ACK, frame 11, the server to
# CLOSED).
LADDER = ["CLOSED→SYN_SENT", "ESTABLISHED→FIN_WAIT_1", "ESTABLISHED→CLOSE_WAIT", "FIN_WAIT_1→FIN_WAIT_2",
          "FIN_WAIT_2→TIME_WAIT", "CLOSE_WAIT→LAST_ACK", "LAST_ACK→CLOSED"]


def words_text(words):
    return squash(" ".join(w[0] for w in words))


def has_change(text, change):
    """Whether squashed text has the change "A→B": A then B, the arrow read
    as nothing or as one character ("-", ">", "+", "3")."""
    a, b = change.split("→")
    return re.search(re.escape(squash(a)) + "[a-z0-9]?" + re.escape(squash(b)), text) is not None


def check_statistics(s, window, screenshot_path, work):
    failures = []
    base, ext = os.path.splitext(screenshot_path)

    def summary_ok(words):
        # A label that is read must have its Percent; the short label SF is
        # sometimes not read at all: then the Connections check, which
        # requires SF too, stands for it.
        rows = {k: row_after(words, k) for k in SUMMARY}
        order = [w[0] for w in sorted((w for w in words if w[0] in SUMMARY_ORDER), key=lambda w: w[2])]
        return all((rows[k] is None and k == "SF") or (rows[k] is not None and p in rows[k][:3])
                   for k, p in SUMMARY.items()) and order == SUMMARY_ORDER

    def connection_ok(words):
        # squashed, so that an underscore read as a space still matches
        row = squash(" ".join(row_after(words, "10.99.0.1:46182") or []))
        return all(squash(c) in row for c in CONNECTION)

    def hosts_ok(words):
        return all(squash(st) in squash(" ".join(row_after(words, h) or [])) for h, st in HOSTS.items())

    def ladder_ok(words):
        text = words_text(words)
        return all(has_change(text, c) for c in LADDER)

    # The tables are in Tools > TCP State, the menu's last entry (Up wraps
    # round to it, Right opens it); then a click on the item's name.
    for item, ok, what in (
            ("Summary", summary_ok, ", ".join("%s %s" % kv for kv in SUMMARY.items()) + " in lifecycle order"),
            ("Connections", connection_ok, "10.99.0.1:46182 " + " ".join(CONNECTION)),
            ("Hosts", hosts_ok, ", ".join("%s %s" % kv for kv in HOSTS.items())),
            ("Ladder", ladder_ok, ", ".join(LADDER))):
        png = "%s-%s%s" % (base, item.lower(), ext)
        deadline = time.time() + STATS_TIMEOUT
        dialog = open_dialog(s, window, "t", ["key:Up", "key:Right", item], png, work, deadline)
        if not dialog.isdigit():
            failures.append(dialog)
            continue
        words = read_dialog(s, dialog, png, work, ok, deadline)
        print("screenshot: %s" % os.path.abspath(png))
        if not ok(words):
            failures.append("Tools > TCP State > %s does not show %s (OCR): %s" % (
                item, what, " ".join(w[0] for w in words)))
        if not close_dialog(s, dialog):
            failures.append("Tools > TCP State > %s did not close on Escape" % item)
    return failures


# Statistics > Flow Graph, flow type "TCP states": each arrow's comment holds
# both endpoints' states after it, as tests/test_flowgraph.py checks through
# tshark for every arrow; here the teardown's must be on screen (OCR reads the
# comment column well; the labels on the coloured rows less so, hence only
# the first one's state changes, "SYN CLOSED→SYN_SENT / LISTEN→SYN_RECEIVED").
FLOW = {
    # client-close.kernel: client ESTABLISHED > FIN_WAIT1 > FIN_WAIT2 > TIME_WAIT,
    # server ESTABLISHED > CLOSE_WAIT > LAST_ACK > CLOSED
    "client-close": ["CLOSED→SYN_SENT", "client FIN_WAIT_1, server CLOSE_WAIT",
                     "client FIN_WAIT_2, server CLOSE_WAIT", "client TIME_WAIT, server LAST_ACK",
                     "client TIME_WAIT, server CLOSED"],
    # simultaneous-close.kernel: both sockets ESTABLISHED > FIN_WAIT1 >
    # CLOSING > TIME_WAIT (logged as CLOSE); each FIN reached the other end
    # after it had sent its own
    "simultaneous-close": ["CLOSED→SYN_SENT", "client FIN_WAIT_1, server CLOSING",
                           "client CLOSING, server FIN_WAIT_1", "client CLOSING, server TIME_WAIT",
                           "client TIME_WAIT, server TIME_WAIT"],
}


def check_flow_graph(s, window, name, png, work):
    """Opens Statistics > Flow Graph, picks the flow type TCP states and reads
    the graph; the failures."""
    deadline = time.time() + STATS_TIMEOUT * 2
    dialog = open_dialog(s, window, "s", ["Flow"], png, work, deadline)
    if not dialog.isdigit():
        return [dialog]
    failures = []
    # the flow type box: find it by its label, open it, type the type's name
    time.sleep(2)
    screenshot(s, png, dialog)
    where = find_words(png, work, "Flow", "type", exact=False)
    if not where:
        failures.append("no 'Flow type' in the Flow Graph dialog (OCR)")
    else:
        geo = s.run(["xdotool", "getwindowgeometry", "--shell", dialog]).stdout
        g = dict(l.split("=") for l in geo.split() if "=" in l)
        s.run(["xdotool", "mousemove", str(int(g["X"]) + where[0] + 120), str(int(g["Y"]) + where[1]),
               "click", "1"])
        time.sleep(1)
        s.run(["xdotool", "type", "--delay", "100", "TCP states"])
        s.run(["xdotool", "key", "Return"])

        def ok(words):
            text = words_text(words)
            return all(has_change(text, c) if "→" in c else squash(c) in text for c in FLOW[name])
        words = read_dialog(s, dialog, png, work, ok, deadline)
        if not ok(words):
            failures.append("Flow Graph (TCP states) of %s does not show %s (OCR): %s" % (
                name, ", ".join(FLOW[name]), " ".join(w[0] for w in words)))
    print("screenshot: %s" % os.path.abspath(png))
    if not close_dialog(s, dialog):
        failures.append("the Flow Graph did not close on Escape")
    return failures


def log_failures(log_path):
    with open(log_path, errors="replace") as f:
        log = f.read()
    bad = [l for l in log.splitlines() if re.search(r"tcpstate|Dissector bug|CRITICAL|Couldn't load", l)]
    return ["wireshark said: %s" % " | ".join(bad)] if bad else []


def quit_wireshark(s, ws, window):
    """Ctrl+Q as a user would; the failures."""
    s.run(["xdotool", "windowfocus", "--sync", window])
    s.run(["xdotool", "key", "ctrl+q"])
    try:
        rc = ws.wait(30)
        return ["wireshark exited with status %d" % rc] if rc != 0 else []
    except subprocess.TimeoutExpired:
        return ["wireshark still running 30 s after Ctrl+Q"]


def flow_graph_run(s, pcap, screenshot_path, work, timeout=90):
    """Wireshark on pcap, its Flow Graph of type TCP states; the failures."""
    name = os.path.splitext(os.path.basename(pcap))[0]
    log_path = os.path.join(work, "wireshark-%s.log" % name)
    with open(log_path, "w") as log:
        ws = s.start(["wireshark", "-C", "TCP States", "-r", pcap], log)
    window, deadline = None, time.time() + timeout
    while time.time() < deadline and ws.poll() is None and not window:
        time.sleep(1)
        window = (s.run(["xdotool", "search", "--onlyvisible", "--name", name]).stdout.split() or [None])[0]
    if not window:
        return ["no Wireshark window with %s.pcap after %d s" % (name, timeout)]
    time.sleep(3)   # the packet list fills in
    failures = check_flow_graph(s, window, name, "%s-flow-%s%s" % (
        os.path.splitext(screenshot_path)[0], name, os.path.splitext(screenshot_path)[1]), work)
    return failures + quit_wireshark(s, ws, window) + log_failures(log_path)


@pytest.fixture(scope="module")
def tools():
    why = install_missing()
    if why:
        pytest.skip(why)


# Wireshark versions whose build has the TCP states flow type (as in
# tests/test_flowgraph.py: 4.4's and 4.6's development packages install no
# epan/sequence_analysis.h).
WITH_FLOW = ("4.0",)


def has_flow_type(ts, ws_version):
    _, out, err = ts.run(["-z", "help"], check=False)
    found = "flow,tcpstate" in out + err
    assert found or ws_version not in WITH_FLOW, "no flow,tcpstate on Wireshark %s" % ws_version
    return found


def test_gui(tools, tshark, sample, options, ws_version):
    ts = tshark
    flow = has_flow_type(ts, ws_version)
    if not flow:
        print("no TCP states flow type on Wireshark %s: the Flow Graph is not checked" % ws_version)
    screenshot_path = options.screenshot
    timeout = options.run_timeout or 90
    s = None
    failures = []
    try:
        # The profile goes in as a user installs it: scripts/install-profile.sh,
        # run as that user (from a copy it can read).
        src = os.path.join(ts.home, "src")
        shutil.copytree(PROFILE, os.path.join(src, "profile", "TCP States"))
        os.makedirs(os.path.join(src, "scripts"))
        shutil.copy(INSTALL_PROFILE, os.path.join(src, "scripts"))
        ts.hand_over(src, file_mode=0o755)
        if ts.prefix:
            shutil.chown(ts.home, "nobody", "nogroup")
        p = subprocess.run(ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] +
                           [os.path.join(src, "scripts", "install-profile.sh")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        dest = os.path.join(ts.home, ".config", "wireshark", "profiles", "TCP States")
        if p.returncode != 0 or not os.path.isfile(os.path.join(dest, "colorfilters")):
            raise RuntimeError("install-profile.sh as the user failed: %s" % p.stdout)
        # Window layout only: full screen, a packet list tall enough for all
        # 11 packets, no bytes pane.
        with open(os.path.join(ts.home, ".config", "wireshark", "recent_common"), "w") as f:
            f.write("gui.geometry_main_x: 0\ngui.geometry_main_y: 0\n"
                    "gui.geometry_main_width: %d\ngui.geometry_main_height: %d\n"
                    "gui.geometry_main_maximized: FALSE\n" % (WIDTH, HEIGHT))
        # after the profile's own recent file, which sets the column widths
        with open(os.path.join(dest, "recent"), "a") as f:
            f.write("\ngui.byte_view_show: FALSE\ngui.geometry_main_upper_pane: 330\n")
        ts.hand_over(os.path.join(ts.home, ".config"))
        pcap = sample("client-close")

        s = Session(ts)
        log_path = os.path.join(ts.home, "wireshark.log")
        with open(log_path, "w") as log:
            ws = s.start(["wireshark", "-C", "TCP States", "-r", pcap, "-g", str(SELECT)], log)

        # The main window is named after the open file.
        window, deadline = None, time.time() + timeout
        while time.time() < deadline and ws.poll() is None:
            out = s.run(["xdotool", "search", "--onlyvisible", "--name", "client-close"]).stdout.split()
            if out:
                window = out[0]
                break
            time.sleep(1)
        if not window:
            failures.append("no Wireshark window with client-close.pcap after %d s" % timeout)
        else:
            # Screenshots until the OCR finds everything (the list fills in
            # after the window appears) or the time is up.
            missing = WANT
            while time.time() < deadline:
                time.sleep(2)
                screenshot(s, screenshot_path)
                text = squash(ocr(screenshot_path, ts.home))
                missing = [w for w in WANT if squash(w) not in text]
                if not missing:
                    break
            if missing:
                failures.append("not on the screenshot (OCR): %s" % ", ".join(missing))
            # Open the selected packet's TCP State subtree (click it, Shift+Right
            # is View > Expand Subtrees) and read the tree.
            if not missing:
                where = find_words(screenshot_path, ts.home, "TCP", "State:")
                if not where:
                    failures.append("no 'TCP State:' item in the packet details (OCR)")
                else:
                    s.run(["xdotool", "mousemove", str(where[0]), str(where[1]), "click", "1"])
                    s.run(["xdotool", "key", "shift+Right"])
                    tree_missing = TREE
                    while time.time() < deadline and tree_missing:
                        time.sleep(2)
                        screenshot(s, screenshot_path)
                        text = squash(ocr(screenshot_path, ts.home))
                        tree_missing = [w for w in TREE if squash(w) not in text]
                    if tree_missing:
                        failures.append("not in the expanded tree (OCR): %s" % ", ".join(tree_missing))
            print("screenshot: %s" % os.path.abspath(screenshot_path))
            # Tools > TCP State > Summary, Connections, Hosts, Ladder, then
            # Statistics > Flow Graph, through the menus.
            if not missing:
                failures += check_statistics(s, window, screenshot_path, ts.home)
                if flow:
                    failures += check_flow_graph(s, window, "client-close", "%s-flow%s" % os.path.splitext(
                        screenshot_path), ts.home)
            # Quit as a user would: focus the window and press Ctrl+Q.
            s.run(["xdotool", "windowfocus", "--sync", window])
            s.run(["xdotool", "key", "ctrl+q"])
        try:
            rc = ws.wait(30)
            if rc != 0:
                failures.append("wireshark exited with status %d" % rc)
        except subprocess.TimeoutExpired:
            failures.append("wireshark still running 30 s after Ctrl+Q")
        failures += log_failures(log_path)
        # The crossed FINs in the Flow Graph: simultaneous-close in a second run.
        if window and flow:
            failures += flow_graph_run(s, sample("simultaneous-close"), screenshot_path, ts.home)
    finally:
        if s:
            s.close()
    assert not failures, "\n".join(failures)

