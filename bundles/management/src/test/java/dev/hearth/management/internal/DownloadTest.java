package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** Downloads against a real HTTP server on the loopback interface. */
class DownloadTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private String base;
    private final byte[] artifact = new byte[5000];
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        new java.util.Random(7).nextBytes(artifact);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/a.jar", x -> {
            x.sendResponseHeaders(200, artifact.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(artifact);
            }
        });
        server.createContext("/chunked.jar", x -> { // no length announced: the cap holds while reading
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                for (int i = 0; i < 100; i++) o.write(artifact);
            } catch (IOException closedByClient) {
                // expected: the client stops reading at the cap
            }
        });
        server.createContext("/liar.jar", x -> { // announces less than it sends
            x.getResponseHeaders().add("Content-Length", "10");
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                for (int i = 0; i < 100; i++) o.write(artifact);
            } catch (IOException closedByClient) {
                // expected
            }
        });
        server.createContext("/missing.jar", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        server.createContext("/empty.jar", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/loop", x -> {
            x.getResponseHeaders().add("Location", "/loop");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.createContext("/once", x -> {
            x.getResponseHeaders().add("Location", "/a.jar");
            x.sendResponseHeaders(301, -1);
            x.close();
        });
        server.createContext("/to-ftp", x -> {
            x.getResponseHeaders().add("Location", "ftp://127.0.0.1/a.jar");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.createContext("/slow.jar", x -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static Download download(long max, boolean allowHttp) {
        return new Download(max, Duration.ofSeconds(5), Duration.ofMillis(800), 3, allowHttp);
    }

    private String fails(Download d, String url) {
        Path target = dir.resolve("out.jar");
        String m = assertThrows(IOException.class, () -> d.fetch(url, target)).getMessage();
        assertFalse(Files.exists(target), "nothing left behind: " + m);
        return m;
    }

    @Test
    void fetchesAndFollowsOneRedirect() throws IOException {
        Path target = dir.resolve("a.jar");
        download(10_000, true).fetch(base + "/a.jar", target);
        assertArrayEquals(artifact, Files.readAllBytes(target));
        download(10_000, true).fetch(base + "/once", dir.resolve("b.jar"));
        assertArrayEquals(artifact, Files.readAllBytes(dir.resolve("b.jar")));
    }

    @Test
    void sizeCapsHoldByLengthAndWhileReading() {
        assertTrue(fails(download(4999, true), base + "/a.jar").contains("more than the limit"), "announced length");
        assertTrue(fails(download(20_000, true), base + "/chunked.jar").contains("larger than the limit"), "streamed");
        String liar = fails(download(20_000, true), base + "/liar.jar");
        assertTrue(liar.contains("limit") || liar.contains("truncated") || liar.length() > 0, liar);
    }

    @Test
    void refusals() {
        assertTrue(fails(download(10_000, false), base + "/a.jar").contains("http:// is not allowed"));
        assertTrue(fails(download(10_000, true), base + "/missing.jar").contains("HTTP 404"));
        assertTrue(fails(download(10_000, true), base + "/empty.jar").contains("empty"));
        assertTrue(fails(download(10_000, true), base + "/loop").contains("more than 3 redirects"));
        assertTrue(fails(download(10_000, true), base + "/to-ftp").contains("not an http(s) URL"));
        assertTrue(fails(download(10_000, true), "http://user:pw@127.0.0.1:1/a.jar").contains("credentials"));
    }

    @Test
    void aSilentServerTimesOut() {
        String m = fails(download(10_000, true), base + "/slow.jar");
        assertTrue(m.toLowerCase(java.util.Locale.ROOT).contains("timed out"), m);
    }

    @Test
    void httpsIsVerifiedByTheDefaultTrust() throws Exception {
        // a real https server whose self-signed certificate no default trust anchor vouches for: refused
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keyalg", "EC", "-alias", "s", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor() == 0, "keytool");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        kmf.init(store, "changeit".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        https.createContext("/a.jar", x -> {
            x.sendResponseHeaders(200, artifact.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(artifact);
            }
        });
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/a.jar";
            String m = fails(download(10_000, false), url);
            assertTrue(m.contains("PKIX") || m.contains("certificat"), m);
            // trusted (the JVM's default trust replaced for a moment): fetched; and an https redirect down to
            // http is refused even where http is allowed
            https.createContext("/down", x -> {
                x.getResponseHeaders().add("Location", base + "/a.jar");
                x.sendResponseHeaders(302, -1);
                x.close();
            });
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            javax.net.ssl.SSLContext trusting = javax.net.ssl.SSLContext.getInstance("TLS");
            trusting.init(null, tmf.getTrustManagers(), null);
            javax.net.ssl.SSLSocketFactory before = javax.net.ssl.HttpsURLConnection.getDefaultSSLSocketFactory();
            javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory(trusting.getSocketFactory());
            try {
                Path target = dir.resolve("tls.jar");
                download(10_000, false).fetch(url, target);
                assertArrayEquals(artifact, Files.readAllBytes(target));
                String down = fails(download(10_000, true), "https://127.0.0.1:" + https.getAddress().getPort() + "/down");
                assertTrue(down.contains("from https to http"), down);
            } finally {
                javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory(before);
            }
        } finally {
            https.stop(0);
        }
    }
}
