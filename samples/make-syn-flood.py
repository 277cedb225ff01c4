#!/usr/bin/env python3
"""Writes samples/syn-flood.pcap: a small, synthetic SYN flood (deterministic).

Server 10.99.0.2:80. Frames:
  1-3    a real client, 10.99.0.1:40001, completes its handshake
  4-20   eight SYNs from spoofed sources 198.51.100.1-8 (documentation
         addresses), each answered by the server's SYN-ACK; 198.51.100.3
         exists and answers the unexpected SYN-ACK with a RST (frame 10)
  21-27  1 s later the server retransmits its SYN-ACK to the seven
         sources that never answered

Usage: samples/make-syn-flood.py [OUT.pcap]   (default: next to this script)
"""
import os
import struct
import sys

SYN, RST, ACK = 0x02, 0x04, 0x10
SERVER = ("10.99.0.2", 80)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def frame(src, dst, seq, ack, flags):
    """Ethernet/IPv4/TCP, no payload, correct checksums."""
    (sa, sp), (da, dp) = src, dst
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack if flags & ACK else 0, 5 << 4, flags, 64240, 0, 0)
    pseudo = ip4(sa) + ip4(da) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, ip4(sa), ip4(da))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "syn-flood.pcap")
    t0 = 1700000000 * 1000000  # microseconds
    frames = []

    def emit(t, src, dst, seq, ack, flags):  # t: microseconds after the first frame
        frames.append((t0 + t, frame(src, dst, seq, ack, flags)))

    # The real client: SYN, SYN-ACK, ACK.
    client = ("10.99.0.1", 40001)
    emit(0, client, SERVER, 1000, 0, SYN)
    emit(40, SERVER, client, 5000, 1001, SYN | ACK)
    emit(80, client, SERVER, 1001, 5001, ACK)
    # The flood: spoofed SYNs, 0.5 ms apart, each answered at once.
    spoofed = []
    for i in range(8):
        src = ("198.51.100.%d" % (i + 1), 20000 + 7 * i)
        isn, srv_isn = 100000 * (i + 1), 900000 * (i + 1)
        t = 10000 + 500 * i
        emit(t, src, SERVER, isn, 0, SYN)
        emit(t + 40, SERVER, src, srv_isn, isn + 1, SYN | ACK)
        if i == 2:
            # A host that exists but never sent that SYN: RST, seq = the SYN-ACK's ack.
            emit(t + 100, src, SERVER, isn + 1, 0, RST)
        else:
            spoofed.append((src, isn, srv_isn))
    # The server's first SYN-ACK retransmission, 1 s later.
    for k, (src, isn, srv_isn) in enumerate(spoofed):
        emit(1010000 + 500 * k, SERVER, src, srv_isn, isn + 1, SYN | ACK)

    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, data in frames:
            sec, usec = divmod(t, 1000000)
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)
    print("wrote %s (%d frames)" % (out, len(frames)))


if __name__ == "__main__":
    main()
