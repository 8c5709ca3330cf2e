#!/usr/bin/env python3
"""Replay a journaled backlog into a real server through a Hearth sink, and measure the
server's raw ceiling in the same run (issue 3's benchmark).

    bench/sink_replay.py influxdb [--readings 1000000] [--no-gzip]
    bench/sink_replay.py mqtt     [--readings 1000000] [--qos 1] [--unlimited-queue] [--batch 5000] [--raw-clients 1]
                                  [--broker-nodelay]
    bench/sink_replay.py elasticsearch [--readings 1000000] [--es-version 8.19.21] [--es-heap-mb 1024]

1. Fill: the built gateway (runtime/distribution/target/hearth, copied to a temp dir) runs the
   load generator with no sink configured, so every reading stays in the journal.
2. Replay: a server is started on 127.0.0.1, the sink's configuration is dropped into config/,
   and the time until the server holds every reading is measured, with the gateway's CPU seconds
   over that span and its peak RSS (VmHWM).
3. Ceiling: the same readings, pre-built in the server's own format, are sent by a bare client
   (curl for line protocol and for NDJSON _bulk bodies, mosquitto_pub for MQTT) and timed the same way.

Standard library only; needs curl, influxd (Debian influxdb) or mosquitto/mosquitto_pub/_sub, or
the Elasticsearch integ-test zip that the sink-elasticsearch build unpacks into its target/ (run as
user nobody through setpriv, with a JDK 21+ from /usr/lib/jvm).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = os.path.join(ROOT, "runtime", "distribution", "target", "hearth")
EPOCH_START_MS = 1767225600000  # the load generator's default epoch_start_ms


def require_distribution():
    """Exits with a hint unless the built distribution is there."""
    if not os.access(os.path.join(DIST, "bin", "hearth"), os.X_OK):
        sys.exit("build the distribution first: ./hearth build")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, predicate, timeout, every=0.2):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise SystemExit(f"timed out waiting for {what}")


class Gateway:
    def __init__(self, features, readings, loadgen=True):
        self.home = tempfile.mkdtemp(prefix="hearth-bench-")
        shutil.copytree(DIST, self.home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("data"))
        self.port = free_port()
        props = os.path.join(self.home, "config", "gateway.properties")
        settings = {"hearth.features": features, "http.port": self.port, "hearth.gateway.id": "bench", "log.level": "warn"}
        with open(props) as f:  # the shipped keys replaced, not repeated (the launcher warns about a repeated key)
            kept = [line for line in f if line.split("=", 1)[0].strip() not in settings]
        with open(props, "w") as f:
            f.writelines(kept)
            f.write("".join(f"\n{k}={v}" for k, v in settings.items()) + "\n")
        self.config("dev.hearth.core.cfg", "max_mb = 2048\n")
        self.ack = os.path.join(self.home, "data", "bench.ack")
        if loadgen:
            self.config("dev.hearth.driver.loadgen-bench.cfg",
                        f"device = bench\nrate_per_second = 0\nbatch_size = 1000\ncount = {readings}\nack_file = {self.ack}\n")
        self.log = open(os.path.join(self.home, "gateway.log"), "w")
        env = dict(os.environ, HEARTH_HOME=self.home)
        self.proc = subprocess.Popen([os.path.join(self.home, "bin", "hearth"), "run"], cwd=self.home, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def config(self, name, text):
        tmp = os.path.join(self.home, "config", "." + name + ".tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(self.home, "config", name))

    def acked(self):
        try:
            with open(self.ack) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return 0

    def shell(self, command):
        """A Gogo command's output (hearth shell), e.g. for a run that lost something: where did it go?"""
        return subprocess.run([os.path.join(self.home, "bin", "hearth"), "shell", command], capture_output=True,
                              text=True, env=dict(os.environ, HEARTH_HOME=self.home)).stdout

    def device_online(self, device):
        out = self.shell("hearth:devices")
        return any(line.startswith(device + " ") and " online " in line for line in out.splitlines())

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu_by_thread(self):
        """CPU seconds per thread name (threads of one name summed), for --threads breakdowns."""
        out = {}
        task_dir = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{tid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue  # the thread ended
            name = re.sub(r"[-#]?\d+$", "", stat[stat.index("(") + 1:stat.rindex(")")])
            fields = stat.rsplit(")", 1)[1].split()
            out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out

    @staticmethod
    def thread_delta(before, after, top=12):
        """The threads that used the most CPU between two cpu_by_thread() calls, as one line."""
        delta = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)
        return " ".join(f"{k}={v:.2f}s" for v, k in delta[:top] if v > 0)

    def written_mib(self):
        """MiB the gateway has caused to be written to storage so far (/proc/<pid>/io write_bytes: the journal's WAL,
        its checkpoints, logs), less what was truncated before reaching the disk (cancelled_write_bytes)."""
        with open(f"/proc/{self.proc.pid}/io") as f:
            io = dict(line.split(": ") for line in f.read().splitlines())
        return (int(io["write_bytes"]) - int(io["cancelled_write_bytes"])) / (1 << 20)

    def peak_rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        return -1

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        # the log outlives the run, for looking into a surprising figure
        shutil.copyfile(os.path.join(self.home, "gateway.log"), os.path.join(tempfile.gettempdir(), "hearth-bench-gateway.log"))
        shutil.rmtree(self.home, ignore_errors=True)


class Influx:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="influxd-bench-")
        self.port = free_port()
        conf = os.path.join(self.dir, "influxdb.conf")
        with open(conf, "w") as f:
            f.write(f"""reporting-disabled = true
bind-address = "127.0.0.1:{free_port()}"
[meta]
  dir = "{self.dir}/meta"
[data]
  dir = "{self.dir}/data"
  wal-dir = "{self.dir}/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{self.port}"
  log-enabled = false
  max-body-size = 0
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
""")
        self.proc = subprocess.Popen(["/usr/bin/influxd", "-config", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait("influxd", lambda: self._ping(), 60)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def _ping(self):
        try:
            return urllib.request.urlopen(self.url("/ping"), timeout=1).status == 204
        except OSError:
            return False

    def query(self, q, db=None):
        params = {"q": q}
        if db:
            params["db"] = db
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(self.url("/query"), data=data, timeout=60) as r:
            return json.load(r)

    def count(self, db, measurement="load", where=""):
        try:
            res = self.query(f"SELECT count(seq) FROM {measurement}" + (f" WHERE {where}" if where else ""), db)["results"][0]
            return res["series"][0]["values"][0][1] if "series" in res else 0
        except (OSError, KeyError, IndexError):
            return 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        shutil.rmtree(self.dir, ignore_errors=True)


def line_protocol_files(n, directory, batch=5000, gzip=False):
    """The readings the load generator makes, as line protocol (what the sink writes), in files of `batch` lines;
    gzip: each file compressed at level 1, as the sink compresses its request bodies."""
    import gzip as gz
    files = []
    for start in range(1, n + 1, batch):
        path = os.path.join(directory, f"lp-{start:09d}.txt" + (".gz" if gzip else ""))
        text = "".join(f"load,bundle_version=0.1.0.SNAPSHOT,device=bench seq={seq}i,value={(seq % 1000) / 10} "
                       f"{EPOCH_START_MS + seq}\n" for seq in range(start, min(n, start + batch - 1) + 1)).encode()
        with open(path, "wb") as f:
            f.write(gz.compress(text, compresslevel=1) if gzip else text)
        files.append(path)
    return files


def busy_seconds():
    """CPU seconds the whole machine has spent busy (every core), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_influxdb(n, gzip=True):
    """Both sides are timed alike: same lines, same 5000 per request, same compression, the same count query
    every 0.25 s while writing, and the clock starts at the first point stored (not at the configuration drop,
    which FileInstall only sees on its next 1 s poll)."""
    import threading
    influx = Influx()
    gateway = Gateway("core,loadgen,influxdb", n)
    try:
        wait("the journal filled", lambda: gateway.acked() >= n, 1800, every=1)
        influx.query("CREATE DATABASE bench")
        influx.query("CREATE DATABASE raw")
        threads0 = gateway.cpu_by_thread()
        cpu0, t_config = gateway.cpu_seconds(), time.time()
        gateway.config("dev.hearth.sink.influxdb-bench.cfg",
                       f"hearth.sink.id = influxdb-bench\nurl = http://127.0.0.1:{influx.port}\napi = v1\ndatabase = bench\n"
                       f"precision = ms\ngzip = {str(gzip).lower()}\nhearth.sink.batch.size = 5000\n")
        wait("the first reading in InfluxDB", lambda: influx.count("bench") > 0, 120, every=0.05)
        t0, busy0, server0, gw0 = time.time(), busy_seconds(), process_cpu_seconds(influx.proc.pid), gateway.cpu_seconds()
        wait("every reading in InfluxDB", lambda: influx.count("bench") >= n, 3600, every=0.25)
        sink_secs, cpu = time.time() - t0, gateway.cpu_seconds() - cpu0
        server_cpu = process_cpu_seconds(influx.proc.pid) - server0
        others = busy_seconds() - busy0 - server_cpu - (gateway.cpu_seconds() - gw0)
        rss = gateway.peak_rss_mib()
        if SHOW_THREADS:
            print("gateway CPU by thread:", Gateway.thread_delta(threads0, gateway.cpu_by_thread()), flush=True)
        print(f"influxdb sink: first point {t0 - t_config:.1f} s after the configuration was dropped; over the "
              f"{sink_secs:.1f} s: influxd {server_cpu:.1f} s CPU, other processes {others:.1f} s CPU", flush=True)
        gateway.stop()
        with tempfile.TemporaryDirectory() as tmp:
            files = line_protocol_files(n, tmp, gzip=gzip)
            failed = []

            def send():
                try:
                    for path in files:
                        subprocess.run(["curl", "-sf", "-XPOST", "--data-binary", "@" + path]
                                       + (["-H", "Content-Encoding: gzip"] if gzip else [])
                                       + [influx.url("/write?db=raw&precision=ms")], check=True)
                except subprocess.CalledProcessError as e:
                    failed.append(e)

            sender = threading.Thread(target=send, daemon=True)
            sender.start()
            wait("the first raw point", lambda: failed or influx.count("raw") > 0, 120, every=0.05)
            t1, busy1, server1 = time.time(), busy_seconds(), process_cpu_seconds(influx.proc.pid)
            wait("every raw point", lambda: failed or influx.count("raw") >= n, 600, every=0.25)
            raw_secs = time.time() - t1
            server_cpu = process_cpu_seconds(influx.proc.pid) - server1
            print(f"influxdb raw: over the {raw_secs:.1f} s: influxd {server_cpu:.1f} s CPU, other processes (curl "
                  f"among them) {busy_seconds() - busy1 - server_cpu:.1f} s CPU", flush=True)
            sender.join()
            if failed:
                raise SystemExit(f"curl failed: {failed[0]}")
        report("influxdb" + ("" if gzip else " (no gzip)"), n, sink_secs, raw_secs, cpu, rss)
    finally:
        if gateway.proc.poll() is None:
            gateway.stop()
        influx.stop()


class Counter:
    """mosquitto_sub counting lines; done at n messages or after a quiet spell. .first and .last are
    when the first and the last message came; .sample keeps the first `keep` payloads."""

    def __init__(self, command, idle_seconds, keep=2000):
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.received, self.first, self.last, self.idle = 0, None, time.time(), idle_seconds
        self.sample, self.keep = [], keep
        import threading
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        time.sleep(0.5)

    def _read(self):
        for line in self.proc.stdout:
            self.received += 1
            self.last = time.time()
            if self.first is None:
                self.first = self.last
            if len(self.sample) < self.keep:
                self.sample.append(line.rstrip("\n"))

    def wait(self, timeout=3600):
        end = time.time() + timeout
        while self.proc.poll() is None and time.time() < end and time.time() - self.last < self.idle:
            time.sleep(0.1)
        if self.proc.poll() is None:
            self.proc.kill()
        self.thread.join(5)
        return self.received


class Mosquitto:
    def __init__(self, unlimited_queue=False, nodelay=False):
        self.dir = tempfile.mkdtemp(prefix="mosquitto-bench-")
        self.port = free_port()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            # Default queue settings (max_queued_messages 1000, max_inflight 20), loopback only;
            # unlimited_queue lifts the queue bound so that a subscriber slower than the publisher
            # loses nothing and the raw run becomes a ceiling to compare with.
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    # its log outlives the run (/tmp/mosquitto-bench.log): it names clients whose messages it dropped
                    "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n"
                    + ("max_queued_messages 0\n" if unlimited_queue else "")
                    # Mosquitto leaves Nagle on by default: a publisher waiting for its last PUBACKs
                    # (the sink, at the end of each batch) then waits ~40 ms for its own delayed ACK.
                    + ("set_tcp_nodelay true\n" if nodelay else ""))
        self.log = open(os.path.join(self.dir, "mosquitto.log"), "w")
        self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=self.log)
        wait("mosquitto", lambda: self._up(), 30)

    def _up(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.5).close()
            return True
        except OSError:
            return False

    def counter(self, topic, n, qos, idle_seconds=15):
        """A bare subscriber, started before the publisher, that counts messages: it stops after n of
        them, or when none came for idle_seconds (Mosquitto's default queue of 1000 drops messages
        for a subscriber that falls behind). Returns a Counter: .wait() then .received."""
        return Counter(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port), "-t", topic, "-q", str(qos),
                        "-C", str(n)], idle_seconds)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()
        try:
            shutil.copyfile(os.path.join(self.dir, "mosquitto.log"), os.path.join(tempfile.gettempdir(), "mosquitto-bench.log"))
        except OSError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def reading_id(seq, device="bench", bundle_version="0.1.0.SNAPSHOT"):
    """Reading.id() of the load generator's reading `seq`: 128 bits of SHA-256 over its parts, in hex."""
    ms = EPOCH_START_MS + seq
    value = (seq % 1000) / 10
    ident = (f"{device}\0load\1bundle_version\0{bundle_version}\0\1seq\0i{seq}\0value\0f{value!r}\0"
             f"\1{ms // 1000}.{(ms % 1000) * 1_000_000}")
    return hashlib.sha256(ident.encode()).hexdigest()[:32]


def mqtt_payload(seq, device="bench", bundle_version="0.1.0.SNAPSHOT"):
    """Byte for byte what the MQTT sink publishes for the load generator's reading `seq`
    (dev.hearth.json.ReadingJson: Reading.id(), Instant.toString(), Gson's compact output)."""
    ms = EPOCH_START_MS + seq
    value = (seq % 1000) / 10
    digest = reading_id(seq, device, bundle_version)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + (f".{ms % 1000:03d}" if ms % 1000 else "") + "Z"
    return json.dumps({"id": digest, "device": device, "measurement": "load", "time": stamp,
                       "tags": {"bundle_version": bundle_version}, "fields": {"seq": seq, "value": value}},
                      separators=(",", ":"))


def check_payloads(sample, what):
    """Every sampled payload must equal mqtt_payload(its seq): the raw run then sends what the sink sent."""
    bad = 0
    for line in sample:
        try:
            seq = json.loads(line)["fields"]["seq"]
            ok = line == mqtt_payload(seq)
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            bad += 1
            if bad <= 3:
                print(f"{what}: payload differs from the raw one: {line[:300]}", flush=True)
    return bad


MQTT_TOPIC = "hearth/bench/bench/load"  # the sink's default template: hearth/{gateway}/{device}/{measurement}
MQTT_FILTER = "hearth/bench/+/+"  # the readings' topics; not hearth/bench/status (the availability topic)
SHOW_THREADS = False  # --threads
RAW_CHUNK = 60_000  # lines per mosquitto_pub process: below its 16-bit message id wrap


def bench_mqtt(n, qos, unlimited_queue=False, raw_clients=1, batch=5000, nodelay=False, version=5):
    broker = Mosquitto(unlimited_queue, nodelay)
    gateway = Gateway("core,loadgen,mqtt", n)
    try:
        wait("the journal filled", lambda: gateway.acked() >= n, 1800, every=1)
        sub = broker.counter(MQTT_FILTER, n, qos)
        threads0 = gateway.cpu_by_thread()
        cpu0, t0 = gateway.cpu_seconds(), time.time()
        gateway.config("dev.hearth.sink.mqtt-bench.cfg",
                       f"hearth.sink.id = mqtt-bench\nhost = 127.0.0.1\nport = {broker.port}\nqos = {qos}\n"
                       f"hearth.sink.batch.size = {batch}\nversion = {version}\n")
        got = sub.wait(3600)
        # Both sides are timed from the first message the subscriber got to the last: the sink's start
        # (FileInstall's 1 s poll, activation, connecting) is printed apart, as is the raw client's.
        cpu = gateway.cpu_seconds() - cpu0
        sink_start = (sub.first or sub.last) - t0
        sink_secs = sub.last - (sub.first or t0)
        rss = gateway.peak_rss_mib()
        if SHOW_THREADS:
            print("gateway CPU by thread:", Gateway.thread_delta(threads0, gateway.cpu_by_thread()), flush=True)
        print(f"mqtt qos{qos} sink: {got} of {n} received by a bare subscriber in {sink_secs:.1f} s "
              f"(the first {sink_start:.1f} s after the configuration was dropped; {sub.last - t0:.1f} s in all)", flush=True)
        gateway.stop()
        if check_payloads(sub.sample, "sink"):
            raise SystemExit("the raw payloads would not be the sink's: fix mqtt_payload()")
        # The raw ceiling: the same payloads, topic, QoS, protocol (MQTT 5 with the sink's one user
        # property) and subscriber, from mosquitto_pub -l (C, libmosquitto; its default 20 in flight
        # is also what Mosquitto's receive maximum grants the sink). The load generator's readings
        # all share one device and measurement, so one topic, as the sink publishes them.
        # mosquitto_pub 2.0.11 -l disconnects at the first PUBACK whose 16-bit message id equals the
        # last one's, so past 65,535 lines it quits early (300,000 lines: ~37,860 delivered); each
        # process therefore gets at most RAW_CHUNK lines, one process after another on one connection
        # at a time. raw_clients > 1 runs that many such sequences side by side.
        chunks = [[] for _ in range(raw_clients)]
        for c in range(raw_clients):
            seqs = range(1 + c, n + 1, raw_clients)
            for start in range(0, len(seqs), RAW_CHUNK):
                with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
                    for seq in seqs[start:start + RAW_CHUNK]:
                        f.write(mqtt_payload(seq) + "\n")
                    chunks[c].append(f.name)
        # MQTT 3.1.1 has no user properties: the sink sends none there either
        protocol = ["-V", "mqttv5", "-D", "publish", "user-property", "hearth-gateway", "bench"] if version == 5 else ["-V", "mqttv311"]
        command = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port)] + protocol + ["-t", MQTT_TOPIC, "-q", str(qos), "-l"]

        def publish_all(paths):
            for path in paths:
                with open(path) as f:
                    subprocess.run(command, stdin=f, check=True)

        import threading
        sub = broker.counter(MQTT_FILTER, n, qos)
        t1 = time.time()
        threads = [threading.Thread(target=publish_all, args=(paths,)) for paths in chunks]
        for t in threads:
            t.start()
        raw_got = sub.wait(3600)
        raw_secs = sub.last - (sub.first or t1)
        for t in threads:
            t.join(60)
        for paths in chunks:
            for path in paths:
                os.unlink(path)
        raw_start = (sub.first or sub.last) - t1
        print(f"mqtt qos{qos} raw: {raw_clients} x mosquitto_pub -l ({sum(map(len, chunks))} processes) → {raw_got} of {n} received by a bare subscriber "
              f"in {raw_secs:.1f} s (the first {raw_start:.1f} s after the start; {sub.last - t1:.1f} s in all)", flush=True)
        if check_payloads(sub.sample, "raw"):
            raise SystemExit("raw payloads arrived changed")
        report(f"mqtt qos{qos}", n, sink_secs, raw_secs, cpu, rss, got, raw_got)
        if got < n or raw_got < n:
            print(f"mqtt qos{qos}: INVALID, messages were lost (sink {got}, raw {raw_got} of {n})", flush=True)
    finally:
        if gateway.proc.poll() is None:
            gateway.stop()
        broker.stop()


class Elasticsearch:
    """The integ-test distribution unpacked by the sink-elasticsearch build, as user nobody (it refuses root)."""

    def __init__(self, version, heap_mb):
        home = os.path.join(ROOT, "bundles", "sink-elasticsearch", "target", "elasticsearch", f"elasticsearch-{version}")
        if not os.access(os.path.join(home, "bin", "elasticsearch"), os.X_OK):
            raise SystemExit(f"no Elasticsearch at {home}: run ./mvnw -o verify -pl bundles/sink-elasticsearch -DskipTests first")
        self.dir = tempfile.mkdtemp(prefix="es-bench-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        conf = os.path.join(self.dir, "config")
        shutil.copytree(os.path.join(home, "config"), conf)
        os.makedirs(os.path.join(conf, "jvm.options.d"), exist_ok=True)
        with open(os.path.join(conf, "elasticsearch.yml"), "w") as f:
            f.write(f"cluster.name: hearth-bench\nnetwork.host: 127.0.0.1\nhttp.port: {self.port}\ntransport.port: {free_port()}\n"
                    "discovery.type: single-node\nxpack.security.enabled: false\n"
                    "cluster.routing.allocation.disk.threshold_enabled: false\naction.destructive_requires_name: false\n"
                    f"path.data: {self.dir}/data\npath.logs: {self.dir}/logs\n")
        subprocess.run(["chown", "-R", "nobody:nogroup", self.dir], check=True)
        env = dict(os.environ, ES_PATH_CONF=conf, ES_JAVA_HOME=newest_jdk(), ES_JAVA_OPTS=f"-Xms{heap_mb}m -Xmx{heap_mb}m")
        env.pop("JAVA_HOME", None)
        self.log = open(os.path.join(self.dir, "console.log"), "w")
        self.proc = subprocess.Popen(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                      os.path.join(home, "bin", "elasticsearch")], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait("Elasticsearch", lambda: self._healthy(), 180, every=0.5)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, body=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url(path), data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.load(r)

    def _healthy(self):
        try:
            return self.request("GET", "/_cluster/health?wait_for_status=yellow&timeout=1s")["status"] in ("yellow", "green")
        except OSError:
            return False

    def count(self, prefix, refresh=True):
        """Documents under prefix-*. The timed waits pass refresh=False: a forced refresh at every poll
        (4 a second) made tiny segments and merges that cost the longer-running side more CPU;
        without it the count lags by Elasticsearch's own 1 s refresh, alike on both sides."""
        try:
            if refresh:
                self.request("POST", f"/{prefix}-*/_refresh")
            return self.request("GET", f"/{prefix}-*/_count")["count"]
        except (OSError, KeyError):
            return 0

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


def newest_jdk():
    best, best_version = None, 0
    for name in os.listdir("/usr/lib/jvm"):
        try:
            with open(os.path.join("/usr/lib/jvm", name, "release")) as f:
                for line in f:
                    if line.startswith("JAVA_VERSION="):
                        version = int(line.split("=", 1)[1].strip().strip('"').split(".")[0])
                        if version > best_version:
                            best, best_version = os.path.join("/usr/lib/jvm", name), version
        except (OSError, ValueError):
            continue
    if best_version < 21:
        raise SystemExit("Elasticsearch 9 needs a JDK 21+ under /usr/lib/jvm")
    return best


def bulk_files(n, directory, batch=5000, prefix="raw"):
    """The load generator's readings as NDJSON _bulk bodies shaped like the sink's documents, `batch` per file,
    with the sink's _id (the reading id): an id lookup costs Elasticsearch more for random ids than for
    sequential ones (which an earlier version of this script used, doubling the raw rate)."""
    files = []
    for start in range(1, n + 1, batch):
        path = os.path.join(directory, f"bulk-{start:09d}.ndjson")
        with open(path, "w") as f:
            for seq in range(start, min(n, start + batch - 1) + 1):
                ms = EPOCH_START_MS + seq
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"
                f.write(json.dumps({"index": {"_index": prefix + "-" + time.strftime("%Y.%m.%d", time.gmtime(ms // 1000)),
                                              "_id": reading_id(seq)}}, separators=(",", ":")) + "\n")
                f.write(json.dumps({"@timestamp": stamp, "device": "bench", "measurement": "load",
                                    "tags": {"bundle_version": "0.1.0.SNAPSHOT"},
                                    "fields": {"seq": seq, "value": (seq % 1000) / 10}}, separators=(",", ":")) + "\n")
        files.append(path)
    return files


def send_bulk(es, files):
    for path in files:
        out = subprocess.run(["curl", "-sf", "-XPOST", "-H", "Content-Type: application/x-ndjson", "--data-binary",
                              "@" + path, es.url("/_bulk")], check=True, capture_output=True).stdout
        if b'"errors":true' in out[:200]:
            raise SystemExit("the raw _bulk had item errors: " + out[:500].decode(errors="replace"))


def bench_elasticsearch(n, version, heap_mb, warmup=None):
    es = Elasticsearch(version, heap_mb)
    gateway = Gateway("core,loadgen,elasticsearch", n)
    try:
        # Warm Elasticsearch's JIT first: otherwise whichever side runs first pays for it.
        with tempfile.TemporaryDirectory() as tmp:
            warm = warmup if warmup is not None else min(n, 200_000)
            send_bulk(es, bulk_files(warm, tmp, prefix="warm"))
            wait("the warm-up documents", lambda: es.count("warm") >= warm, 600, every=0.5)
            es.request("DELETE", "/warm-*")
        wait("the journal filled", lambda: gateway.acked() >= n, 1800, every=1)
        # Both sides are timed alike, as for InfluxDB: from the first document visible to the last, the
        # same count query every 0.25 s (the sink's start — FileInstall's poll, activation, the index
        # template — is printed apart), and the machine's other CPU over each span is printed.
        threads0 = gateway.cpu_by_thread()
        cpu0, t_config = gateway.cpu_seconds(), time.time()
        gateway.config("dev.hearth.sink.elasticsearch-bench.cfg",
                       f"hearth.sink.id = es-bench\nurls = {es.url('')}\nindex_prefix = bench\nhearth.sink.batch.size = 5000\n")
        wait("the first reading in Elasticsearch", lambda: es.count("bench", refresh=False) > 0, 600, every=0.05)
        t0, busy0, gw0 = time.time(), busy_seconds(), gateway.cpu_seconds()
        wait("every reading in Elasticsearch", lambda: es.count("bench", refresh=False) >= n, 3600, every=0.25)
        sink_secs, cpu = time.time() - t0, gateway.cpu_seconds() - cpu0
        others = busy_seconds() - busy0 - (gateway.cpu_seconds() - gw0)
        print(f"elasticsearch sink: first document {t0 - t_config:.1f} s after the configuration was dropped; over the "
              f"{sink_secs:.1f} s: gateway {gateway.cpu_seconds() - gw0:.1f} s CPU, Elasticsearch and the rest {others:.1f} s CPU",
              flush=True)
        # the raw documents below carry the same _id as the sink's: check that on a few
        sample = [reading_id(seq) for seq in (1, n // 2, n)]
        found = es.request("POST", "/bench-*/_search", {"query": {"ids": {"values": sample}}, "size": 0})["hits"]["total"]["value"]
        if found != len(sample):
            raise SystemExit(f"the raw _ids would not be the sink's ({found} of {len(sample)} found): fix reading_id()")
        rss = gateway.peak_rss_mib()
        if SHOW_THREADS:
            print("gateway CPU by thread:", Gateway.thread_delta(threads0, gateway.cpu_by_thread()), flush=True)
        gateway.stop()
        # The raw indices get the sink's own template, so both sides index the same mapping.
        for t in es.request("GET", "/_index_template")["index_templates"]:
            body = t["index_template"]
            if any(p.startswith("bench") for p in body.get("index_patterns", [])):
                body["index_patterns"] = [p.replace("bench", "raw", 1) for p in body["index_patterns"]]
                es.request("PUT", "/_index_template/raw-copy", body)
        with tempfile.TemporaryDirectory() as tmp:
            import threading
            files = bulk_files(n, tmp)
            sender = threading.Thread(target=send_bulk, args=(es, files), daemon=True)
            sender.start()
            wait("the first raw document", lambda: es.count("raw", refresh=False) > 0, 600, every=0.05)
            t1, busy1 = time.time(), busy_seconds()
            wait("every raw document", lambda: es.count("raw", refresh=False) >= n, 600, every=0.25)
            raw_secs = time.time() - t1
            print(f"elasticsearch raw: over the {raw_secs:.1f} s: Elasticsearch, curl and the rest {busy_seconds() - busy1:.1f} s CPU",
                  flush=True)
            sender.join(60)
        for side in ("bench", "raw"):  # Elasticsearch's own account of its indexing work on each side
            stats = es.request("GET", f"/{side}-*/_stats/indexing,merge")["_all"]["total"]
            print(f"elasticsearch {side}-*: index_time {stats['indexing']['index_time_in_millis'] / 1000:.1f} s for "
                  f"{stats['indexing']['index_total']} documents, merges {stats['merges']['total_time_in_millis'] / 1000:.1f} s", flush=True)
        report(f"elasticsearch {version}", n, sink_secs, raw_secs, cpu, rss)
    finally:
        if gateway.proc.poll() is None:
            gateway.stop()
        es.stop()


def report(name, n, sink_secs, raw_secs, cpu, rss, sink_got=None, raw_got=None):
    sink_got = n if sink_got is None else sink_got
    raw_got = n if raw_got is None else raw_got
    sink_rate, raw_rate = sink_got / sink_secs, raw_got / raw_secs
    print(f"{name}: readings={n} sink={sink_rate:,.0f}/s ({sink_got} in {sink_secs:.1f} s) "
          f"raw={raw_rate:,.0f}/s ({raw_got} in {raw_secs:.1f} s) ratio={sink_rate / raw_rate:.0%} "
          f"gateway_cpu={cpu:.1f} s ({cpu / max(sink_got, 1) * 1e6:.1f} µs/reading) peak_rss={rss} MiB", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sink", choices=["influxdb", "mqtt", "elasticsearch"])
    ap.add_argument("--readings", type=int, default=1_000_000)
    ap.add_argument("--qos", type=int, default=1)
    ap.add_argument("--no-gzip", action="store_true", help="influxdb: plain request bodies on both sides")
    ap.add_argument("--unlimited-queue", action="store_true", help="mqtt: max_queued_messages 0 on the broker")
    ap.add_argument("--raw-clients", type=int, default=1, help="mqtt: mosquitto_pub processes sharing the raw run")
    ap.add_argument("--batch", type=int, default=5000, help="mqtt: the sink's hearth.sink.batch.size (as the other sinks here)")
    ap.add_argument("--mqtt-version", type=int, choices=[5, 3], default=5, help="mqtt: the sink's and the raw client's protocol")
    ap.add_argument("--broker-nodelay", action="store_true", help="mqtt: set_tcp_nodelay true on the broker")
    ap.add_argument("--threads", action="store_true", help="also print the gateway's CPU per thread while the sink runs")
    ap.add_argument("--es-version", default="8.19.21")
    ap.add_argument("--es-heap-mb", type=int, default=1024)
    ap.add_argument("--es-warmup", type=int, default=None, help="elasticsearch: raw documents sent first to warm its JIT (default min(readings, 200000))")
    args = ap.parse_args()
    global SHOW_THREADS
    SHOW_THREADS = args.threads
    require_distribution()
    if args.sink == "influxdb":
        bench_influxdb(args.readings, not args.no_gzip)
    elif args.sink == "elasticsearch":
        bench_elasticsearch(args.readings, args.es_version, args.es_heap_mb, args.es_warmup)
    else:
        bench_mqtt(args.readings, args.qos, args.unlimited_queue, args.raw_clients, args.batch, args.broker_nodelay, args.mqtt_version)


if __name__ == "__main__":
    main()
