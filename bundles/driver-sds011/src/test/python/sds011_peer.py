#!/usr/bin/env python3
"""A scripted SDS011 on one end of a pty pair, written apart from the driver's Java codec so the two
check each other. Usage: sds011_peer.py PTY [--query-mode].

Behaves like the sensor: starts in active mode (a data frame a second) unless --query-mode, answers
B4 commands with C5 replies or a C0 data frame, ignores everything but wake while asleep, checks the
checksum of every command it receives.

Control lines on stdin:
  pm P25 P10     values to report, in ug/m3
  corrupt N      the next N frames sent get a wrong checksum
  garbage        noise (with stray AA and AB bytes) before the next frame
  split          the next frame goes out in two writes 300 ms apart
  concat         the next frame goes out glued to an extra unsolicited data frame
  silent N       ignore the next N commands
Events on stdout, one a line: ready, cmd XX, bad-command ..., ignored XX asleep, silent XX,
mode query|active, sleep, work, period N, firmware, id XXXX, gone.
"""
import os
import select
import sys
import time

HEAD, TAIL = 0xAA, 0xAB


def say(*words):
    print(*words, flush=True)


class Sensor:
    def __init__(self, fd, query_mode):
        self.fd = fd
        self.query_mode = query_mode
        self.working = True
        self.period = 0
        self.sensor_id = 0xA160
        self.pm25, self.pm10 = 12.3, 45.6
        self.corrupt = 0
        self.garbage = False
        self.split = False
        self.concat = False
        self.silent = 0
        self.buf = bytearray()

    def frame(self, kind, payload4):
        body = bytes(payload4) + bytes([self.sensor_id >> 8, self.sensor_id & 0xFF])
        cs = sum(body) & 0xFF
        if self.corrupt > 0:
            self.corrupt -= 1
            cs = (cs + 1) & 0xFF
        return bytes([HEAD, kind]) + body + bytes([cs, TAIL])

    def data_frame(self):
        a, b = round(self.pm25 * 10), round(self.pm10 * 10)
        return self.frame(0xC0, [a & 0xFF, a >> 8, b & 0xFF, b >> 8])

    def reply(self, cmd, b3, b4, b5):
        return self.frame(0xC5, [cmd, b3, b4, b5])

    def send(self, out):
        if self.garbage:
            self.garbage = False
            os.write(self.fd, bytes([0x00, 0xAA, 0x13, 0xAB, 0xAA, 0xC5, 0x01, 0xFF, 0xAB]))
        if self.concat:
            self.concat = False
            out = self.data_frame() + out
        if self.split:
            self.split = False
            os.write(self.fd, out[:4])
            time.sleep(0.3)
            os.write(self.fd, out[4:])
        else:
            os.write(self.fd, out)

    def feed(self, data):
        self.buf += data
        while True:
            try:
                i = self.buf.index(HEAD)
            except ValueError:
                self.buf.clear()
                return
            del self.buf[:i]
            if len(self.buf) < 19:
                return
            f = bytes(self.buf[:19])
            if f[1] != 0xB4 or f[18] != TAIL:
                del self.buf[:1]
                continue
            if sum(f[2:17]) & 0xFF != f[17]:
                say("bad-command", f.hex())
                del self.buf[:1]
                continue
            del self.buf[:19]
            self.command(f)

    def command(self, f):
        cmd, d1, d2 = f[2], f[3], f[4]
        target = f[15] << 8 | f[16]
        say("cmd %02X" % cmd)
        if target not in (0xFFFF, self.sensor_id):
            return
        if self.silent > 0:
            self.silent -= 1
            say("silent %02X" % cmd)
            return
        is_wake = cmd == 0x06 and d1 == 1 and d2 == 1
        if not self.working and not is_wake:
            say("ignored %02X asleep" % cmd)
            return
        if cmd == 0x02:
            if d1 == 1:
                self.query_mode = d2 == 1
                say("mode", "query" if self.query_mode else "active")
            self.send(self.reply(0x02, d1, 1 if self.query_mode else 0, 0))
        elif cmd == 0x04:
            self.send(self.data_frame())
        elif cmd == 0x05:
            self.sensor_id = f[13] << 8 | f[14]
            say("id %04X" % self.sensor_id)
            self.send(self.reply(0x05, 0, 0, 0))
        elif cmd == 0x06:
            if d1 == 1:
                self.working = d2 == 1
                say("work" if self.working else "sleep")
            self.send(self.reply(0x06, d1, 1 if self.working else 0, 0))
        elif cmd == 0x07:
            say("firmware")
            self.send(self.reply(0x07, 18, 11, 16))
        elif cmd == 0x08:
            if d1 == 1:
                self.period = d2
                say("period", self.period)
            self.send(self.reply(0x08, d1, self.period, 0))

    def control(self, line):
        w = line.split()
        if not w:
            return
        if w[0] == "pm":
            self.pm25, self.pm10 = float(w[1]), float(w[2])
        elif w[0] == "corrupt":
            self.corrupt = int(w[1])
        elif w[0] == "garbage":
            self.garbage = True
        elif w[0] == "split":
            self.split = True
        elif w[0] == "concat":
            self.concat = True
        elif w[0] == "silent":
            self.silent = int(w[1])
        say("ok", line.strip())


def main():
    path = sys.argv[1]
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    s = Sensor(fd, "--query-mode" in sys.argv)
    say("ready")
    next_report = time.monotonic() + 1
    while True:
        r, _, _ = select.select([fd, sys.stdin], [], [], 0.2)
        if fd in r:
            try:
                data = os.read(fd, 256)
            except OSError:
                data = b""
            if not data:  # the pty hung up: unplugged
                say("gone")
                return
            s.feed(data)
        if sys.stdin in r:
            line = sys.stdin.readline()
            if not line:
                return
            s.control(line)
        if not s.query_mode and s.working and time.monotonic() >= next_report:
            s.send(s.data_frame())
            next_report = time.monotonic() + 1


if __name__ == "__main__":
    try:
        main()
    except OSError:  # a write to a pty that hung up
        say("gone")
