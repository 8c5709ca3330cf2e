package dev.hearth.support.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes on 127.0.0.1 against a server with a self-signed certificate made by keytool. */
class TlsTrustTest {

    @TempDir
    static Path dir;
    static SSLServerSocket server;
    static X509Certificate cert;
    static Path pem;

    @BeforeAll
    static void startServer() throws Exception {
        Path ks = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=broker.example",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit");
        pem = dir.resolve("ca.pem");
        run(keytool, "-exportcert", "-rfc", "-alias", "srv", "-keystore", ks.toString(), "-storepass", "changeit", "-file", pem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        cert = (X509Certificate) store.getCertificate("srv");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(42);
                } catch (Exception e) {
                    // a client that refused us: expected in half of the tests
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }

    static int handshake(TlsTrust trust) throws Exception {
        try (SSLSocket s = (SSLSocket) trust.sslContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            s.startHandshake();
            return s.getInputStream().read();
        }
    }

    @Test
    void aPinnedFingerprintIsTrustedInAnySpelling() throws Exception {
        String hex = TlsTrust.fingerprint(cert);
        assertEquals(42, handshake(TlsTrust.pinned(hex)));
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) colons.append(i == 0 ? "" : ":").append(hex.substring(i, i + 2).toUpperCase());
        assertEquals(42, handshake(TlsTrust.of("", colons.toString())), "as Elasticsearch prints it");
        assertTrue(TlsTrust.pinned(hex).isPinned());
    }

    @Test
    void anotherFingerprintIsRefusedAndSaysWhichOneItSaw() {
        String wrong = "00".repeat(32);
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> handshake(TlsTrust.pinned(wrong)));
        assertTrue(String.valueOf(e.getCause()).contains(TlsTrust.fingerprint(cert)) || e.getMessage().contains("fingerprint"), e.toString());
    }

    @Test
    void aCaFileIsTrustedAndTheSystemCasAreNot() throws Exception {
        assertEquals(42, handshake(TlsTrust.caFile(pem)));
        assertEquals(42, handshake(TlsTrust.of(pem.toString(), null)));
        assertThrows(SSLHandshakeException.class, () -> handshake(TlsTrust.system()), "self-signed is not trusted by default");
        assertThrows(SSLHandshakeException.class, () -> handshake(TlsTrust.of(null, null)));
    }

    @Test
    void badSettingsAreRefusedClearly() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinned("abc")).getMessage().contains("64 hexadecimal"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinned("zz".repeat(32))).getMessage().contains("64 hexadecimal"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsTrust.of(pem.toString(), "00".repeat(32))).getMessage().contains("not both"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.caFile(garbage));
        Path empty = Files.write(dir.resolve("empty.pem"), new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.caFile(empty));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsTrust.caFile(dir.resolve("missing.pem"))).getMessage().contains("missing.pem"));
        assertEquals(List.of(), List.of(TlsTrust.pinned("00".repeat(32)).x509TrustManager().getAcceptedIssuers()));
    }

    @Test
    void secretsNeverPrintThemselves() throws Exception {
        Secret s = Secret.of("hunter2");
        assertEquals("****", s.toString());
        assertEquals("hunter2", s.reveal());
        assertEquals("Authorization: Basic ****", s.mask("Authorization: Basic hunter2"));
        assertEquals("", Secret.none().toString());
        Path file = Files.writeString(dir.resolve("token"), "s3cr3t-token\n\n");
        assertEquals("s3cr3t-token", Secret.resolve("ignored", file.toString()).reveal(), "the file wins, newlines trimmed");
        Path empty = Files.write(dir.resolve("empty-token"), new byte[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Secret.resolve(null, empty.toString()));
        assertTrue(e.getMessage().contains("empty"));
        Path big = Files.write(dir.resolve("big-token"), new byte[Secret.MAX_FILE_BYTES + 1]);
        assertThrows(IllegalArgumentException.class, () -> Secret.resolve(null, big.toString()));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Secret.resolve(null, "/nonexistent/token"));
        assertTrue(missing.getMessage().contains("/nonexistent/token"));
        CompletableFuture<String> printed = CompletableFuture.supplyAsync(() -> "secret=" + Secret.of("x1"));
        assertEquals("secret=****", printed.get());
    }
}
