#!/usr/bin/env python3
"""Plot the output of tshark -q -z tcpstate,ts,<interval> as an SVG.

    tshark -r capture.pcap -q -z tcpstate,ts,1 | scripts/ts-plot.py > states.svg

One step line per state that occurs (endpoints in that state at the end of
each interval), x = time in seconds from the start of the capture.
"""
import sys

COLORS = {"ESTABLISHED": "#1f77b4", "TIME_WAIT": "#d62728", "CLOSE_WAIT": "#ff7f0e",
          "FIN_WAIT_1": "#9467bd", "FIN_WAIT_2": "#8c564b", "LAST_ACK": "#e377c2",
          "CLOSING": "#bcbd22", "SYN_SENT": "#17becf", "SYN_RECEIVED": "#7f7f7f",
          "LISTEN": "#2ca02c", "CLOSED": "#aaaaaa"}


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "TCP endpoint states over time"
    lines = [l.strip() for l in sys.stdin if l.strip() and not l.startswith(("#", "=="))]
    header = lines[0].split(",")
    rows = [[float(x) for x in l.split(",")] for l in lines[1:]]
    states = [s for i, s in enumerate(header) if i >= 2 and any(r[i] for r in rows)]
    W, H, L, R, T, B = 900, 420, 60, 170, 40, 50
    tmax = max(r[1] for r in rows)
    ymax = max(max(r[header.index(s)] for r in rows) for s in states)
    ymax = max(1, int(ymax + 0.999))
    X = lambda t: L + (W - L - R) * t / tmax
    Y = lambda v: H - B - (H - T - B) * v / ymax
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" text-anchor="middle" font-size="16" font-weight="bold">%s</text>' % ((W - R + L) // 2, title)]
    for v in range(0, ymax + 1, max(1, ymax // 6)):
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e5e5"/>' % (L, Y(v), W - R, Y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (L - 6, Y(v) + 4, v))
    step = next(m * 10 ** k for k in range(-3, 9) for m in (1, 2, 5) if tmax / (m * 10 ** k) <= 10)
    t = 0.0
    while t <= tmax + 1e-9:
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (X(t), H - B + 18, t))
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999"/>' % (X(t), H - B, X(t), H - B + 5))
        t += step
    out.append('<text x="%d" y="%d" text-anchor="middle">time (s)</text>' % ((W - R + L) // 2, H - 10))
    out.append('<text transform="translate(16,%d) rotate(-90)" text-anchor="middle">endpoints</text>' % ((H - B + T) // 2))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>' % (L, H - B, W - R, H - B))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>' % (L, T, L, H - B))
    for n, s in enumerate(states):
        i = header.index(s)
        pts = []
        for r in rows:  # value holds over the interval, known at its end
            pts += ["%.1f,%.1f" % (X(r[0]), Y(r[i])), "%.1f,%.1f" % (X(r[1]), Y(r[i]))]
        c = COLORS.get(s, "#000")
        out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>' % (" ".join(pts), c))
        y = T + 10 + 22 * n
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>' % (W - R + 15, y, W - R + 40, y, c))
        out.append('<text x="%d" y="%d">%s</text>' % (W - R + 46, y + 4, s))
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
