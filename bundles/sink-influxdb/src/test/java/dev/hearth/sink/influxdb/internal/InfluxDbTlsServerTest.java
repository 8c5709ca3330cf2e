package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.sink.influxdb.internal.InfluxSettings.Api;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;
import dev.hearth.support.net.Secret;
import dev.hearth.support.net.TlsTrust;

/**
 * https against a real InfluxDB 1.6.7 with a self-signed certificate for {@code influx.example}
 * (made by {@code openssl}), reached as 127.0.0.1 — so the name never matches. A pin trusts it
 * without a host name check and without the JDK-wide {@code jdk.internal.httpclient.disableHostnameVerification};
 * the same certificate as a CA file does not, because then the host name is checked.
 */
class InfluxDbTlsServerTest {

    private static Path dir;
    private static Path certificate;
    private static InfluxDbServer server;

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("hearth-influx-tls-");
        certificate = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=influx.example", "-keyout", key.toString(), "-out", certificate.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            fail("openssl is needed to make the test certificate (Debian package 'openssl'): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        server = InfluxDbServer.launchTls(certificate, key);
        server.createDatabase("tls");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    private static InfluxSink sink(TlsTrust trust) {
        return new InfluxSink(new InfluxSettings("influxdb-tls", URI.create(server.url()), Api.V1, "tls", "", "", "", "",
                Secret.none(), Secret.none(), Precision.MS, true, Duration.ofSeconds(5), trust, "device", 5000), Clock.systemUTC());
    }

    @Test
    void thePinnedCertificateIsTrustedThoughItsNameDoesNotMatch() throws Exception {
        assertTrue(System.getProperty("jdk.internal.httpclient.disableHostnameVerification") == null);
        Reading r = Reading.of("d", "secure").field("v", 1L).build();
        assertEquals(List.of(Outcome.DELIVERED), sink(TlsTrust.pinned(InfluxDbServer.pin(certificate))).deliver(List.of(r)));
        assertEquals(1, server.count("tls", "SELECT COUNT(v) FROM secure"));
    }

    @Test
    void aWrongPinIsRetriedWithTheActualFingerprint() {
        Outcome o = sink(TlsTrust.pinned("00".repeat(32))).deliver(List.of(Reading.of("d", "secure").field("v", 2L).build())).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().startsWith("TLS handshake failed with " + server.url() + " for sink influxdb-tls"), o.reason());
        assertTrue(o.reason().contains("is the pinned one"), o.reason());
    }

    @Test
    void asACaFileTheSameCertificateFailsTheHostNameCheck() {
        Outcome o = sink(TlsTrust.caFile(certificate)).deliver(List.of(Reading.of("d", "secure").field("v", 3L).build())).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().startsWith("TLS handshake failed"), o.reason());
    }
}
