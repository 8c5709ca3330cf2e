package dev.hearth.sink.elasticsearch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.support.net.TlsTrust;

/**
 * Whole-request failures against a small local HTTP(S) server (security is off in the real
 * Elasticsearch the ITs start): 401 without the secret in the reason, a wrong TLS pin, 413
 * splitting, 429 with Retry-After.
 */
class ElasticsearchWriterHttpTest {

    private static final String PASSWORD = "s3cret-pa55word";

    /** What the fake server answers: status, headers and body per request. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    record Seen(String method, String path, String authorization, String body) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private String start(HttpServer s, Function<Seen, Answer> answer) {
        server = s;
        s.createContext("/", exchange -> handle(exchange, answer));
        s.start();
        String scheme = s instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + s.getAddress().getPort();
    }

    private void handle(HttpExchange exchange, Function<Seen, Answer> answer) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            seen.add(request);
            Answer a = answer.apply(request);
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) exchange.getResponseBody().write(body);
        } finally {
            exchange.close();
        }
    }

    private static List<Reading> readings(int n) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Reading.of("dev", "m").field("v", (long) i).at(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)).build());
        }
        return out;
    }

    private static Answer json(int status, String body) {
        return new Answer(status, Map.of(), body);
    }

    private static final Answer UNAUTHORIZED = new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"security\""),
            "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user [hearth]\"},\"status\":401}");

    /** A _bulk reply with one created item per action line of the request. */
    private static Answer bulkCreated(Seen request) {
        StringBuilder items = new StringBuilder();
        String[] lines = request.body().split("\n");
        for (int i = 0; i < lines.length; i += 2) {
            if (items.length() > 0) items.append(',');
            items.append("{\"index\":{\"_index\":\"x\",\"_id\":\"").append(i).append("\",\"status\":201,\"result\":\"created\"}}");
        }
        return json(200, "{\"errors\":false,\"took\":1,\"items\":[" + items + "]}");
    }

    @Test
    void unauthorisedIsRetriedWithTheSinkNamedAndNoSecret() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), r -> UNAUTHORIZED);
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-bbq", url, Map.of("username", "hearth", "password", PASSWORD)))) {
            List<Outcome> out = w.deliver(readings(3));
            assertEquals(3, out.size());
            for (Outcome o : out) {
                assertEquals(Outcome.Status.RETRY, o.status());
                assertTrue(o.reason().contains("authentication failed for sink es-bbq (HTTP 401)"), o.reason());
                assertFalse(o.reason().contains(PASSWORD), o.reason());
                assertFalse(o.reason().contains(Base64.getEncoder().encodeToString(("hearth:" + PASSWORD).getBytes())), o.reason());
            }
            assertEquals("Basic " + Base64.getEncoder().encodeToString(("hearth:" + PASSWORD).getBytes()), seen.get(0).authorization());
        }
    }

    @Test
    void unauthorisedBulkIsRetriedToo() throws Exception {
        // the template goes through (a role may allow it), the _bulk does not
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                r -> r.path().startsWith("/_index_template") ? json(200, "{\"acknowledged\":true}") : UNAUTHORIZED);
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-key", url, Map.of("api__key", PASSWORD)))) {
            Outcome o = w.deliver(readings(2)).get(0);
            assertEquals(Outcome.Status.RETRY, o.status());
            assertTrue(o.reason().contains("authentication failed for sink es-key (HTTP 401)"), o.reason());
            assertFalse(o.reason().contains(PASSWORD), o.reason());
            assertEquals("ApiKey " + PASSWORD, seen.get(seen.size() - 1).authorization());
            assertEquals("/_bulk", seen.get(seen.size() - 1).path());
        }
    }

    @Test
    void aWrongCertificatePinIsAClearRetry(@TempDir Path dir) throws Exception {
        SSLContext context = selfSigned(dir);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        String url = start(https, r -> UNAUTHORIZED);
        String wrong = "00".repeat(32);
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-tls", url, Map.of("tls__sha256", wrong)))) {
            Outcome o = w.deliver(readings(1)).get(0);
            assertEquals(Outcome.Status.RETRY, o.status());
            assertTrue(o.reason().contains("sink es-tls"), o.reason());
            assertTrue(o.reason().contains("TLS check of " + url + " failed"), o.reason());
            assertTrue(o.reason().contains("is the pinned one"), o.reason());
            assertTrue(o.reason().contains(TlsTrust.fingerprint(certificate)), o.reason());
            assertTrue(seen.isEmpty(), "no request may pass a failed pin");
        }
        // the right pin passes, although the certificate is for another host name: the pin is the check
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-tls", url,
                Map.of("tls__sha256", TlsTrust.fingerprint(certificate).replaceAll("(..)(?!$)", "$1:"))))) {
            Outcome o = w.deliver(readings(1)).get(0);
            assertTrue(o.reason().contains("HTTP 401"), o.reason());
            assertFalse(seen.isEmpty());
        }
    }

    @Test
    void tooLargeIsSplitAndASingleTooLargeDocumentRejected() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), r -> {
            if (r.path().startsWith("/_index_template")) return json(200, "{\"acknowledged\":true}");
            if (r.body().contains("\"v\":3")) return json(413, ""); // this document is too big on its own
            return r.body().split("\n").length > 4 ? json(413, "") : bulkCreated(r);
        });
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-413", url, Map.of()))) {
            List<Outcome> out = w.deliver(readings(6));
            for (int i = 0; i < 6; i++) {
                assertEquals(i == 3 ? Outcome.Status.REJECTED : Outcome.Status.DELIVERED, out.get(i).status(), i + ": " + out.get(i));
            }
            assertTrue(out.get(3).reason().contains("HTTP 413"), out.get(3).reason());
        }
    }

    @Test
    void answersThatAreNotElasticsearchsAreRetriedWithTheReason() throws Exception {
        String huge = "{\"errors\":false,\"items\":[" + "{\"index\":{\"status\":201}},".repeat(700_000) + "]}"; // ~20 MB
        List<Answer> answers = List.of(
                new Answer(200, Map.of(), "<html><body>Welcome to nginx!</body></html>"),
                new Answer(502, Map.of(), "<html><head><title>502 Bad Gateway</title></head></html>"),
                json(200, "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}"),
                json(200, huge),
                json(200, "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}},{\"index\":{\"status\":201}}]}"));
        List<String> expected = List.of("unreadable _bulk response", "HTTP 502: Bad Gateway", "unreadable _bulk response",
                "request to", "Elasticsearch answered 2 bulk items for 3 documents");
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                    r -> r.path().startsWith("/_index_template") ? json(200, "{\"acknowledged\":true}") : answer);
            try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-odd", url, Map.of()))) {
                List<Outcome> out = w.deliver(readings(3));
                for (Outcome o : out) {
                    assertEquals(Outcome.Status.RETRY, o.status(), i + ": " + o);
                    assertTrue(o.reason().contains("sink es-odd"), o.reason());
                    assertTrue(o.reason().contains(expected.get(i)), i + ": " + o.reason());
                    assertTrue(o.reason().length() < 800, "a short reason: " + o.reason().length());
                }
            }
            stop();
        }
    }

    @Test
    void busyIsRetriedAfterWhatTheServerAsked() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), r -> r.path().startsWith("/_index_template")
                ? json(200, "{\"acknowledged\":true}")
                : new Answer(429, Map.of("Retry-After", "7"), "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"},\"status\":429}"));
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-busy", url, Map.of()))) {
            Outcome o = w.deliver(readings(2)).get(1);
            assertEquals(Outcome.Status.RETRY, o.status());
            assertEquals(Duration.ofSeconds(7), o.retryAfter());
            assertTrue(o.reason().contains("HTTP 429"), o.reason());
        }
    }

    @Test
    void anUnreachableServerIsRetried() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        try (ElasticsearchWriter w = new ElasticsearchWriter(Configs.settings("es-away", "http://127.0.0.1:" + port, Map.of()))) {
            Outcome o = w.deliver(readings(1)).get(0);
            assertEquals(Outcome.Status.RETRY, o.status());
            assertTrue(o.reason().contains("sink es-away") && o.reason().contains("cannot connect"), o.reason());
        }
    }

    private X509Certificate certificate;

    /** A self-signed certificate for a name that is not 127.0.0.1, made by keytool. */
    private SSLContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=elasticsearch.example",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        certificate = (X509Certificate) ks.getCertificate("server");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
