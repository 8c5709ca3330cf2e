package dev.hearth.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian package {@code mosquitto}) on 127.0.0.1, started and stopped by the
 * tests of the MQTT sink and the MQTT input, without persistence. Missing Mosquitto fails the test: a broker test that silently does
 * not run is worse than none.
 */
public final class Mosquitto implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    public Mosquitto(Path dir, Path passwordFile) throws IOException {
        this.dir = dir;
        this.port = freePort();
        String conf = "listener " + port + " 127.0.0.1\n"
                + "persistence false\n"
                // started as root, mosquitto would switch to user mosquitto, who cannot read the temp dir
                + "user " + System.getProperty("user.name") + "\n"
                + (passwordFile == null ? "allow_anonymous true\n" : "allow_anonymous false\npassword_file " + passwordFile + "\n")
                + "log_dest file " + dir.resolve("mosquitto.log") + "\n";
        Files.writeString(dir.resolve("mosquitto.conf"), conf);
    }

    public static Path binary() {
        for (String p : new String[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        throw new AssertionError("mosquitto not found: install the Debian package 'mosquitto' (apt-get install -y mosquitto); "
                + "these tests do not skip");
    }

    /** A password file for {@code user} made with mosquitto_passwd. */
    public static Path passwordFile(Path dir, String user, String password) throws IOException, InterruptedException {
        Path file = dir.resolve("passwd");
        Path tool = binary().resolveSibling("mosquitto_passwd");
        if (!Files.isExecutable(tool)) tool = Path.of("/usr/bin/mosquitto_passwd");
        Process p = new ProcessBuilder(tool.toString(), "-c", "-b", file.toString(), user, password).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("mosquitto_passwd failed: " + out);
        return file;
    }

    public int port() {
        return port;
    }

    public Mosquitto start() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary().toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        // A test that fails before it stops its broker must not leave it running after the JVM.
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (started.isAlive()) started.destroyForcibly();
        }, "mosquitto-reaper"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.out")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port + " within 10 s");
    }

    public void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
