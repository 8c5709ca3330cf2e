package dev.hearth.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A copy of the built distribution in a temporary directory, run as a process through
 * {@code bin/hearth run}, exactly as a user or systemd runs it.
 */
final class Gateway implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(60);

    final Path home;
    final int port;
    private Process process;
    private int starts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Gateway(Path tempDir, String features) throws IOException {
        Path dist = Path.of(System.getProperty("hearth.distribution", "../runtime/distribution/target/hearth"));
        if (!Files.isExecutable(dist.resolve("bin/hearth"))) {
            throw new IllegalStateException("no built distribution at " + dist.toAbsolutePath() + "; run the build first");
        }
        home = tempDir.resolve("hearth");
        copyTree(dist, home);
        port = freePort();
        Path props = home.resolve("config/gateway.properties");
        String text = Files.readString(props);
        text += "\n# system test\nhearth.features=" + features + "\nhttp.port=" + port + "\nhearth.gateway.id=systest\n";
        Files.writeString(props, text);
    }

    void config(String name, String content) throws IOException {
        Path tmp = home.resolve("config/." + name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, home.resolve("config/" + name), StandardCopyOption.ATOMIC_MOVE);
    }

    private Path smallDisk;
    private int smallDiskMiB;

    /**
     * Runs the gateway with {@code dir} on a tmpfs of {@code mib} MiB of its own: a real, small
     * disk that fills up. The mount lives in a private user and mount namespace ({@code unshare
     * -rm}), so it needs no root and disappears with the process.
     */
    Gateway withSmallDisk(Path dir, int mib) throws IOException {
        Files.createDirectories(dir);
        smallDisk = dir;
        smallDiskMiB = mib;
        return this;
    }

    Gateway start() throws IOException {
        return start("run");
    }

    /** Starts {@code bin/hearth VERB} ({@code run} or {@code demo}). */
    Gateway start(String verb) throws IOException {
        List<String> command = smallDisk == null ? List.of(home.resolve("bin/hearth").toString(), verb)
                : List.of("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=" + smallDiskMiB + "m tmpfs \"$0\" && exec \"$1\" \"$2\"",
                        smallDisk.toString(), home.resolve("bin/hearth").toString(), verb);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().put("HEARTH_HOME", home.toString());
        pb.environment().remove("JOURNAL_STREAM");
        process = pb.start();
        starts++;
        return this;
    }

    Path log() {
        return home.resolve("gateway-test.log");
    }

    String logText() {
        try {
            // decoded leniently: a hostile file's bytes may reach the log, and must not blank it
            return new String(Files.readAllBytes(log()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, as a power cut looks to the process. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM, as systemd stops it; returns the exit code. */
    int stop() throws InterruptedException {
        return stopWithin(Duration.ofSeconds(30));
    }

    /** SIGTERM; fails unless the process exits by itself within {@code bound}; returns the exit code. */
    int stopWithin(Duration bound) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the gateway did not stop within " + bound.toSeconds() + " s of SIGTERM\n--- log ---\n" + tail(40));
        }
        return process.exitValue();
    }

    String password() throws IOException {
        return Files.readString(home.resolve("data/console-password")).trim();
    }

    HttpResponse<String> get(String path, String user, String password) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The /metrics page once it answers 200 and {@code ready} holds for its text. */
    String metricsWhen(java.util.function.Predicate<String> ready, Duration timeout) throws Exception {
        String[] last = { "" };
        await(() -> {
            try {
                HttpResponse<String> r = get("/metrics", null, null);
                last[0] = r.body();
                return r.statusCode() == 200 && ready.test(r.body());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, timeout, () -> "metrics never became ready; last page:\n" + last[0]);
        return last[0];
    }

    void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!alive()) throw new AssertionError("the gateway exited (" + process.exitValue() + ") while waiting: " + what.get()
                    + "\n--- log ---\n" + tail(80));
            if (System.nanoTime() > end) throw new AssertionError(what.get() + "\n--- log ---\n" + tail(80));
            Thread.sleep(200);
        }
    }

    String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Runs one console command through {@code bin/hearth shell}, as a user would; returns its output. */
    /** Runs {@code bin/hearth} with a tool verb (keygen, sign, verify); returns its output, failing on a non-zero exit. */
    String tool(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/hearth").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HEARTH_HOME", home.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hearth " + String.join(" ", args) + " did not return");
        }
        if (p.exitValue() != 0) throw new AssertionError("hearth " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
        return out;
    }

    String shell(String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/hearth").toString(), "shell", command).redirectErrorStream(true);
        pb.environment().put("HEARTH_HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hearth shell " + command + " did not return");
        }
        if (p.exitValue() != 0) throw new AssertionError("hearth shell " + command + " failed (" + p.exitValue() + "): " + out);
        return out;
    }

    /** The id of the bundle with this symbolic name, from {@code lb -s}. */
    long bundleId(String symbolicName) throws IOException, InterruptedException {
        for (String line : shell("lb -s").lines().toList()) {
            String[] cols = line.split("\\|");
            if (cols.length >= 4 && cols[3].trim().startsWith(symbolicName + " ")) return Long.parseLong(cols[0].trim());
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    int starts() {
        return starts;
    }

    @Override
    public void close() throws Exception {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals("data") && dir.getParent().equals(from)) return FileVisitResult.SKIP_SUBTREE;
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
