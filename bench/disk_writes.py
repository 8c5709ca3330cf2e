#!/usr/bin/env python3
"""The gateway's disk writes at a steady trickle, the load of a home: what an SD card sees per day.

The built gateway runs the core, the load generator and the Prometheus sink (which keeps its values in
memory, so every byte written is the journal's or the log's); the load generator publishes `--rate`
readings per second, one per publish call, as drivers polling their devices do. After a warm-up, the
bytes the gateway causes to be written (/proc/<pid>/io: write_bytes less cancelled_write_bytes) are
counted over `--seconds` and reported per reading and per day. Standard library only.
"""
import argparse
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink_replay import require_distribution, Gateway, wait  # noqa: E402


def accepted(gateway):
    """hearth_journal_accepted_total from the gateway's /metrics (no ack file: writing one per reading would be
    counted too)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.port}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("hearth_journal_accepted_total"):
                return int(float(line.split()[-1]))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=int, default=10, help="readings per second")
    ap.add_argument("--seconds", type=int, default=120, help="how long to count")
    ap.add_argument("--warmup", type=int, default=20, help="seconds before counting")
    args = ap.parse_args()
    require_distribution()
    gateway = Gateway("core,loadgen,prometheus", 0, loadgen=False)
    try:
        gateway.config("dev.hearth.driver.loadgen-trickle.cfg",
                       f"device = trickle\nrate_per_second = {args.rate}\nbatch_size = 1\ncount = 0\n")

        def count():
            try:
                return accepted(gateway)
            except OSError:
                return 0  # not serving yet
        wait("the first reading accepted", lambda: count() > 0, 120)
        time.sleep(args.warmup)
        written0, acked0, t0 = gateway.written_mib(), count(), time.time()
        time.sleep(args.seconds)
        written, acked, secs = gateway.written_mib() - written0, count() - acked0, time.time() - t0
        per_day = written / secs * 86_400
        print(f"disk-writes rate={args.rate}/s over {secs:.0f} s: readings={acked} written={written:.2f} MiB "
              f"({written * (1 << 20) / max(acked, 1):,.0f} B/reading, {per_day:,.0f} MiB/day) "
              f"peak_rss={gateway.peak_rss_mib()} MiB", flush=True)
    finally:
        gateway.stop()


if __name__ == "__main__":
    main()
