package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real server run by a test as a child process on 127.0.0.1, in its own temporary directory.
 * It can be stopped and started again on the same port and data (an outage). Anything that keeps
 * it from starting fails the test, with the end of its log: a server test that skips proves nothing.
 */
abstract class ServerProcess implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path dir;
    final int port;
    private Process process;

    ServerProcess(String name) throws IOException {
        dir = Files.createTempDirectory("hearth-" + name + "-");
        port = freePort();
    }

    abstract List<String> command();

    /** Whether the server answers and is ready for writes. */
    abstract boolean ready() throws IOException, InterruptedException;

    Duration startTimeout() {
        return Duration.ofSeconds(60);
    }

    final void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) throw new IllegalStateException("already running");
        Path log = dir.resolve("server.log");
        try {
            process = new ProcessBuilder(command()).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            fail("cannot start " + command().get(0) + ": " + e.getMessage() + missingHint());
        }
        long deadline = System.nanoTime() + startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) fail(getClass().getSimpleName() + " exited with " + process.exitValue() + ":\n" + tail(log));
            try {
                if (ready()) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        stop();
        fail(getClass().getSimpleName() + " did not get ready within " + startTimeout().toSeconds() + " s:\n" + tail(log));
    }

    String missingHint() {
        return "";
    }

    /** Stops the server (SIGTERM, then SIGKILL after 20 s) and waits for it to be gone. */
    final void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    HttpClient client() {
        return HTTP;
    }

    final HttpResponse<String> get(String pathAndQuery, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (authorization != null) b.header("Authorization", authorization);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    final HttpResponse<String> post(String pathAndQuery, String form, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) b.header("Authorization", authorization);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes. */
    static <T> T await(Duration timeout, ThrowingSupplier<T> value, Predicate<T> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T v = value.get();
        while (!condition.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            v = value.get();
        }
        return v;
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}
