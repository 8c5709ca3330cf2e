#!/usr/bin/env python3
"""Issue 7's benchmark: 100,000 JSON messages from 100 devices, published as fast as one client
can to Mosquitto (default settings), moved by Hearth's MQTT input into InfluxDB 1.x through the
InfluxDB sink. In the same run a bare subscriber (mosquitto_sub) counts the same messages: the
ceiling.

    bench/mqtt_input.py [--messages 100000] [--qos 1]

Reports points/s from the first publish to the last point visible in InfluxDB, loss, the
gateway's CPU time per point and its peak RSS; and the bare subscriber's messages/s.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink_replay import require_distribution, Gateway, Influx, Mosquitto, wait  # noqa: E402


def publish(port, payloads, n, qos):
    """mosquitto_pub -l, one line per message; seconds until the broker acknowledged (QoS 1/2) or took (QoS 0) the last.

    Its standard input stays open until then: mosquitto_pub -l stops at end of input with messages still queued in
    its own client (measured with Mosquitto 2.0.11: about 34,500 of 100,000 QoS 1 lines sent), which made earlier
    runs of this harness report the publisher's losses as the subscribers'."""
    t0 = time.time()
    # stdbuf: line-buffered debug output, else its last lines wait in mosquitto_pub's buffer until it exits
    pub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", "bench/all", "-q", str(qos), "-l", "-d"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def feed():  # its own thread: mosquitto_pub stops reading input while its debug output is not read
        with open(payloads) as f:
            pub.stdin.write(f.read())
        pub.stdin.flush()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    done, marker = 0, ("received PUBACK" if qos == 1 else "received PUBCOMP" if qos == 2 else "sending PUBLISH")
    for line in pub.stdout:
        if marker in line:
            done += 1
            if done == n:
                break
    seconds = time.time() - t0
    feeder.join(30)
    pub.stdin.close()
    pub.wait(30)
    if done < n:
        raise SystemExit(f"mosquitto_pub ended after {done} of {n} messages")
    return seconds


MEASURED_FROM_MS = 1767225600000  # 2026-01-01T00:00:00Z, the measured burst's first "ts"


def messages_file(n, devices, first_ms):
    """n JSON lines of `devices` ESP32-like nodes, timestamps 1 ms apart from first_ms; the file's path."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i in range(n):
            f.write(json.dumps({"device": f"esp-{i % devices:03d}", "seq": i, "temperature": 20 + (i % 100) / 10,
                                "humidity": 50.5, "ts": first_ms + i}) + "\n")
        return f.name


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--devices", type=int, default=100)
    ap.add_argument("--qos", type=int, default=1)
    ap.add_argument("--threads", action="store_true", help="also print the gateway's CPU per thread during the run")
    ap.add_argument("--warmup", type=int, default=0, help="publish this many messages first (earlier timestamps) and measure "
                    "the burst after them: the figures of a gateway that has been running, not of its first seconds")
    ap.add_argument("--commit-interval-ms", type=int, default=100, help="the core's group commit window")
    ap.add_argument("--sink-option", action="append", default=[], metavar="KEY=VALUE",
                    help="one more setting of the InfluxDB sink (e.g. gzip=false); repeatable")
    args = ap.parse_args()
    n, qos = args.messages, args.qos
    require_distribution()
    broker, influx = Mosquitto(), Influx()
    influx.query("CREATE DATABASE bench")
    gateway = Gateway("core,mqtt-input,influxdb", 0, loadgen=False)
    try:
        gateway.config("dev.hearth.core.cfg", f"max_mb = 2048\ncommit_interval_ms = {args.commit_interval_ms}\n")
        gateway.config("dev.hearth.sink.influxdb-bench.cfg",
                       f"hearth.sink.id = influxdb-bench\nurl = http://127.0.0.1:{influx.port}\napi = v1\ndatabase = bench\n"
                       "precision = ms\nhearth.sink.batch.size = 5000\n"
                       + "".join(f"{option.partition('=')[0].strip()} = {option.partition('=')[2].strip()}\n" for option in args.sink_option))
        gateway.config("dev.hearth.driver.mqtt-bench.cfg",
                       f"host = 127.0.0.1\nport = {broker.port}\nclient_id = hearth-bench\nmode = json\ntopics = bench/#\n"
                       f"json_measurement = bench\njson_device_field = device\njson_time_field = ts\nqos = {qos}\n"
                       f"clean_start = true\n")
        wait("the MQTT input connected", lambda: gateway.device_online("mqtt-bench"), 120, every=0.5)
        payloads = messages_file(n, args.devices, MEASURED_FROM_MS)
        if args.warmup:
            warm = messages_file(args.warmup, args.devices, MEASURED_FROM_MS - 100_000_000)
            publish(broker.port, warm, args.warmup, qos)
            try:
                wait("the warm-up messages in InfluxDB", lambda: influx.count("bench", measurement="bench") >= args.warmup, 300, every=0.5)
            except SystemExit:
                raise SystemExit(f"the warm-up: {influx.count('bench', measurement='bench')} of {args.warmup} points in InfluxDB after 300 s")
            os.unlink(warm)
        bare = broker.counter("bench/#", n, qos)
        threads0 = gateway.cpu_by_thread()
        cpu0, t0, written0 = gateway.cpu_seconds(), time.time(), gateway.written_mib()
        points = {"last": 0, "at": t0}

        def watch_influx():
            # from the start, beside the publisher and the bare subscriber: the time of the last new
            # point must not wait for the bare subscriber's quiet spell (15 s when it lost a message)
            stable_since = time.time()
            while time.time() - stable_since < 10:  # done when the count stops moving for 10 s (or reaches n)
                c = influx.count("bench", measurement="bench", where=f"time >= {MEASURED_FROM_MS}ms")
                if c != points["last"]:
                    points["last"], points["at"], stable_since = c, time.time(), time.time()
                if c >= n:
                    break
                time.sleep(0.2)

        watcher = threading.Thread(target=watch_influx, daemon=True)
        watcher.start()
        published = publish(broker.port, payloads, n, qos)
        bare_got = bare.wait(600)
        bare_secs = bare.last - t0
        watcher.join(900)
        last, secs = points["last"], points["at"] - t0
        cpu = gateway.cpu_seconds() - cpu0
        rss = gateway.peak_rss_mib()
        written = gateway.written_mib() - written0
        if last < n:  # say where the missing points are: not received, not committed, or not delivered
            print(gateway.shell("hearth:devices"), gateway.shell("hearth:sinks"), sep="\n", flush=True)
        if args.threads:
            print("gateway CPU by thread:", Gateway.thread_delta(threads0, gateway.cpu_by_thread()), flush=True)
        print(f"mqtt-input qos{qos} commit_interval_ms={args.commit_interval_ms} warmup={args.warmup}: messages={n} published_in={published:.1f} s points={last} loss={n - last} "
              f"hearth={last / secs:,.0f} points/s ({secs:.1f} s) bare_subscriber={bare_got / bare_secs:,.0f} msg/s "
              f"({bare_got} in {bare_secs:.1f} s, loss {n - bare_got}) ratio={(last / secs) / (bare_got / bare_secs):.0%} gateway_cpu={cpu:.1f} s ({cpu / max(last, 1) * 1e6:.1f} µs/point) "
              f"peak_rss={rss} MiB disk_writes={written:.1f} MiB ({written * (1 << 20) / max(last, 1):,.0f} B/point)", flush=True)
        os.unlink(payloads)
    finally:
        gateway.stop()
        influx.stop()
        broker.stop()


if __name__ == "__main__":
    main()
