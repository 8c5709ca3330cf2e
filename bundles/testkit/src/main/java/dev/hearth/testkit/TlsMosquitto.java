package dev.hearth.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * A real Mosquitto with one TLS listener on 127.0.0.1 that demands a client certificate, and a
 * throwaway PKI made by {@code openssl} (Debian {@code openssl}): a CA, the broker's certificate
 * for IP 127.0.0.1, and a client certificate with its PKCS#8 key. For the MQTT sink's and
 * input's client-certificate tests (mqtt-support's own tests have a fuller PKI helper).
 */
public final class TlsMosquitto implements AutoCloseable {

    public final Path caCert;
    public final Path clientCert;
    public final Path clientKey;
    public final int port;
    private final Process process;

    public TlsMosquitto(Path dir) throws Exception {
        Path caKey = key(dir, "ca");
        caCert = dir.resolve("ca.pem");
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-subj", "/CN=Test CA", "-days", "2", "-out", caCert.toString());
        Path serverKey = key(dir, "server");
        Path serverCert = cert(dir, "server", serverKey, caKey, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        clientKey = key(dir, "client");
        clientCert = cert(dir, "client", clientKey, caKey, "extendedKeyUsage=clientAuth");
        port = Mosquitto.freePort();
        Path conf = Files.writeString(dir.resolve("mosquitto-tls.conf"), "persistence false\n"
                + "user " + System.getProperty("user.name") + "\nallow_anonymous true\n"
                + "log_dest file " + dir.resolve("mosquitto-tls.log") + "\n"
                + "listener " + port + " 127.0.0.1\n"
                + "cafile " + caCert + "\ncertfile " + serverCert + "\nkeyfile " + serverKey + "\nrequire_certificate true\n");
        process = new ProcessBuilder(Mosquitto.binary().toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto-tls.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) throw new AssertionError("mosquitto exited: " + Files.readString(dir.resolve("mosquitto-tls.out")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) throw new AssertionError("mosquitto did not listen on " + port);
                Thread.sleep(50);
            }
        }
    }

    private static Path key(Path dir, String name) throws Exception {
        Path key = dir.resolve(name + ".key");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        return key;
    }

    private static Path cert(Path dir, String name, Path key, Path caKey, String extensions) throws Exception {
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions + "\n");
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve("ca.pem").toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return cert;
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("openssl not found: install the Debian package 'openssl'; these tests do not skip", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
