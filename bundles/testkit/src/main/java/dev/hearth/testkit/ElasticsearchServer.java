package dev.hearth.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * For the Elasticsearch sink's tests and the system tests: a real Elasticsearch from the integ-test zip (unpacked by Maven), run on 127.0.0.1 as user
 * {@code nobody}: it refuses to run as root. Its configuration, data and logs live in a work
 * directory owned by that user; the unpacked distribution is only read. A start that fails
 * throws with the log's tail, so the tests fail rather than skip. Elasticsearch 8 runs on Java 17,
 * 9 on 21 or newer (see {@link #javaHome(int)}).
 */
public final class ElasticsearchServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path home;
    private final Path work;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    public ElasticsearchServer(Path home, Path work) throws IOException {
        if (!Files.isExecutable(home.resolve("bin/elasticsearch"))) {
            throw new IllegalStateException("no Elasticsearch at " + home + " (mvn unpacks it in pre-integration-test)");
        }
        this.home = home;
        this.work = work;
        this.httpPort = freePort();
        int transportPort = freePort();
        Path config = work.resolve("config");
        Files.createDirectories(config);
        try (Stream<Path> files = Files.list(home.resolve("config"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, config.resolve(f.getFileName()));
        }
        Files.createDirectories(config.resolve("jvm.options.d"));
        Files.writeString(config.resolve("elasticsearch.yml"), String.join("\n",
                "cluster.name: hearth-test",
                "network.host: 127.0.0.1",
                "http.port: " + httpPort,
                "transport.port: " + transportPort,
                "discovery.type: single-node",
                "xpack.security.enabled: false",
                "cluster.routing.allocation.disk.threshold_enabled: false",
                "path.data: " + work.resolve("data"),
                "path.logs: " + work.resolve("logs"),
                "action.destructive_requires_name: false", ""));
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("logs"));
        run("chown", "-R", "nobody:nogroup", work.toString());
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                home.resolve("bin/elasticsearch").toString());
        Map<String, String> env = pb.environment();
        env.put("ES_PATH_CONF", work.resolve("config").toString());
        int needs = minimumJava(home);
        env.put("ES_JAVA_HOME", javaHome(needs).orElseThrow(() -> new IllegalStateException("Elasticsearch "
                + home.getFileName() + " needs a JDK " + needs + " or newer; none found (set -Des.java.home)")));
        env.put("ES_JAVA_OPTS", "-Xms256m -Xmx256m");
        env.remove("JAVA_HOME");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + ":\n" + logTail());
            try {
                HttpResponse<String> r = get("/_cluster/health?wait_for_status=yellow&timeout=1s");
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        stop();
        throw new IllegalStateException("Elasticsearch did not answer within " + START_TIMEOUT + ":\n" + logTail());
    }

    /** Stops it (SIGTERM to the CLI, which stops the server JVM it started) and waits. */
    public void stop() throws InterruptedException {
        if (process == null) return;
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        for (ProcessHandle child : children) {
            child.destroy();
            child.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
            if (child.isAlive()) child.destroyForcibly();
        }
        process = null;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(work.resolve("console.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /**
     * The oldest Java the distribution at {@code home} runs on: 21 for Elasticsearch 9 and later,
     * 17 for 8 (its directory is named {@code elasticsearch-<version>}).
     */
    public static int minimumJava(Path home) {
        Matcher m = Pattern.compile("elasticsearch-(\\d+)\\..*").matcher(home.getFileName().toString());
        return m.matches() && Integer.parseInt(m.group(1)) < 9 ? 17 : 21;
    }

    /** Whether a JDK that runs the distribution at {@code home} is on this machine. */
    public static boolean javaFound(Path home) throws IOException {
        return javaHome(minimumJava(home)).isPresent();
    }

    /**
     * A JDK of at least {@code minimum}: {@code es.java.home} if set, else the newest in
     * /usr/lib/jvm ({@code es.jvm.dir}), else the one running the tests.
     */
    public static Optional<String> javaHome(int minimum) throws IOException {
        String configured = System.getProperty("es.java.home");
        if (configured != null && !configured.isBlank()) return Optional.of(configured);
        Path jvms = Path.of(System.getProperty("es.jvm.dir", "/usr/lib/jvm")); // another: to try a machine without a JDK 21
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> jdks = Files.list(jvms)) {
                Optional<String> newest = jdks.filter(p -> Files.isExecutable(p.resolve("bin/java")) && feature(p) >= minimum)
                        .max((a, b) -> Integer.compare(feature(a), feature(b)))
                        .map(Path::toString);
                if (newest.isPresent()) return newest;
            }
        }
        return Runtime.version().feature() >= minimum ? Optional.of(System.getProperty("java.home")) : Optional.empty();
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) return Integer.parseInt(line.replaceAll("JAVA_VERSION=\"?(\\d+).*", "$1"));
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK we can read
        }
        return 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
