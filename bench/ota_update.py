#!/usr/bin/env python3
"""Update a driver bundle over MQTT (management's OTA) while the gateway carries load, and report
what the update cost (issue 6's benchmark).

    bench/ota_update.py [--rate 200] [--warmup 10] [--after 10]

The built gateway (runtime/distribution/target/hearth, copied to a temp dir) runs the load
generator (device "ota", --rate readings/s, resuming its sequence from an ack file), the host
monitor every second (the "other driver"), the file sink, and management on a private Mosquitto.
A signed copy of the load generator bundle with a new version is sent inline to
hearth/bench/req/bundle/update with mosquitto_rr. Measured:

- the updated driver's outage: the longest time the load generator's ack counter stood still,
  sampled every 10 ms by this script, from the request to the end;
- readings lost (and duplicated): every sequence number the generator acknowledged, counted in the
  file sink's JSON lines after a clean stop;
- the other driver's longest gap between host samples around the update, against its 1 s interval;
- the update's own time (request to answer) and the answer.

Standard library only; needs mosquitto, mosquitto_rr (mosquitto-clients) and a full JDK for
`hearth sign` (jdk.jartool).
"""
import argparse
import base64
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink_replay import require_distribution, Gateway, Mosquitto, wait  # noqa: E402

PASSWORD = "bench-ota-password"


def with_version(src, dst, version):
    """A copy of a bundle jar whose Bundle-Version is `version` (unsigned)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "META-INF/MANIFEST.MF":
                lines = data.decode("utf-8").replace("\r\n ", "").split("\r\n")
                data = "\r\n".join(f"Bundle-Version: {version}" if l.startswith("Bundle-Version:") else l for l in lines).encode("utf-8")
            zout.writestr(item, data)


def hearth(home, *args):
    env = dict(os.environ, HEARTH_HOME=home, HEARTH_KEY_PASSWORD=PASSWORD)
    out = subprocess.run([os.path.join(home, "bin", "hearth"), *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"hearth {' '.join(args)} failed: {out.stdout}{out.stderr}")
    return out.stdout


def readings(home):
    out = []
    for f in glob.glob(os.path.join(home, "data", "readings", "*.jsonl")):
        with open(f) as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--warmup", type=float, default=10)
    ap.add_argument("--after", type=float, default=10)
    args = ap.parse_args()
    require_distribution()
    broker = Mosquitto()
    gateway = Gateway("core,system-monitor,file,loadgen,mqtt,management", 0, loadgen=False)
    home = gateway.home
    try:
        keys = tempfile.mkdtemp(prefix="ota-keys-")
        hearth(home, "keygen", keys, "bench")
        shutil.copy(os.path.join(keys, "bench.pem"), os.path.join(home, "config", "trusted-keys", "bench.pem"))
        v1 = glob.glob(os.path.join(home, "system", "dev", "hearth", "hearth-driver-loadgen", "*", "*.jar"))[0]
        v2 = os.path.join(keys, "loadgen-v2.jar")
        with_version(v1, v2, "0.1.0.ota")
        hearth(home, "sign", os.path.join(keys, "bench.p12"), v2)
        data = open(v2, "rb").read()

        gateway.config("dev.hearth.driver.system.cfg", "interval_seconds = 1\n")
        gateway.config("dev.hearth.management.cfg", f"host = 127.0.0.1\nport = {broker.port}\nmax_request_kib = 1024\n")
        ack = os.path.join(home, "data", "ota.ack")
        gateway.config("dev.hearth.driver.loadgen-ota.cfg",
                       f"device = ota\nrate_per_second = {args.rate}\nbatch_size = 10\nack_file = {ack}\n")

        def acked():
            try:
                with open(ack) as f:
                    return int(f.read().strip())
            except (OSError, ValueError):
                return 0

        wait("the load generator running", lambda: acked() > args.rate, 120, every=0.2)
        time.sleep(args.warmup)
        samples = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append((time.time(), acked()))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        request = json.dumps({"id": "bench-update", "bundle": "dev.hearth.driver.loadgen", "data": base64.b64encode(data).decode(),
                              "sha256": hashlib.sha256(data).hexdigest(), "grace_s": 10, "devices": ["ota"]})
        t0 = time.time()
        answer = subprocess.run(["mosquitto_rr", "-V", "5", "-h", "127.0.0.1", "-p", str(broker.port), "-W", "120",
                                 "-t", "hearth/bench/req/bundle/update", "-e", "bench/ota/reply", "-m", request],
                                capture_output=True, text=True)
        t1 = time.time()
        time.sleep(args.after)
        stop.set()
        sampler.join(2)
        final_ack = acked()
        gateway.proc.send_signal(15)
        gateway.proc.wait(60)

        # outage: longest stretch without a new acknowledgement, from the request on
        longest, last_change, last_value = 0.0, t0, None
        for t, v in samples:
            if t < t0:
                last_value = v
                continue
            if v != last_value:
                longest = max(longest, t - last_change)
                last_change, last_value = t, v
        all_readings = readings(home)
        seen = {}
        for r in all_readings:
            if r.get("device") == "ota":
                seen[r["fields"]["seq"]] = seen.get(r["fields"]["seq"], 0) + 1
        lost = sum(1 for s in range(1, final_ack + 1) if s not in seen)
        dup = sum(n - 1 for n in seen.values() if n > 1)
        host_times = sorted({r["time"] for r in all_readings if r.get("device") not in ("ota",)
                             and t0 - 5 <= _epoch(r["time"]) <= t1 + 5})
        gaps = [(_epoch(b) - _epoch(a)) for a, b in zip(host_times, host_times[1:])]
        versions = sorted({r["tags"].get("bundle_version") for r in all_readings if r.get("device") == "ota"})
        print(f"answer ({t1 - t0:.1f} s): {answer.stdout.strip()[:300]} {answer.stderr.strip()[:200]}")
        print(f"ota_update: rate={args.rate}/s updated_driver_outage={longest * 1000:.0f} ms acked={final_ack} lost={lost} "
              f"duplicated={dup} versions={versions} other_driver_longest_gap={max(gaps) if gaps else float('nan'):.2f} s "
              f"(interval 1 s, {len(host_times)} samples around the update)", flush=True)
    finally:
        if gateway.proc.poll() is None:
            gateway.stop()
        else:
            shutil.rmtree(home, ignore_errors=True)
        broker.stop()


def _epoch(iso):
    from datetime import datetime
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    main()
