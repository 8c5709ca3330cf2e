package dev.hearth.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared connection keys, checked on values: every refusal names its key, no secret is ever shown. */
class BrokerSettingsTest {

    @TempDir
    Path dir;

    private static BrokerSettings.Builder base() {
        return BrokerSettings.builder().host(" broker.lan ").port(8883).clientId(" ", "hearth-gw-x");
    }

    private static String refusal(UnaryOperator<BrokerSettings.Builder> change) {
        return assertThrows(IllegalArgumentException.class, () -> change.apply(base()).build()).getMessage();
    }

    @Test
    void defaultsAndTrimming() {
        BrokerSettings s = base().build();
        assertEquals("broker.lan", s.host());
        assertEquals("broker.lan:8883", s.broker());
        assertEquals("hearth-gw-x", s.clientId());
        assertEquals(5, s.version());
        assertEquals("5", s.versionName());
        assertEquals(60, s.keepAliveSeconds());
        assertEquals(Duration.ofSeconds(30), s.reconnectMax());
        assertFalse(s.tls());
        assertNull(s.clientCertificate());
        assertEquals("own", base().clientId(" own ", "fallback").build().clientId());
        assertEquals("[::1]:1883", base().host("::1").port(1883).build().broker());
        assertEquals("3.1.1", base().version(3).build().versionName());
    }

    @Test
    void everyBadValueIsRefusedWithItsKey() {
        assertEquals("host is empty", refusal(b -> b.host("  ")));
        assertEquals("host is empty", refusal(b -> b.host(null)));
        assertEquals("port 0 is not 1..65535", refusal(b -> b.port(0)));
        assertEquals("port 65536 is not 1..65535", refusal(b -> b.port(65536)));
        assertEquals("version 4: 5 or 3 (3.1.1)", refusal(b -> b.version(4)));
        assertEquals("MQTT 3.1.1 sends a password only with a username: set username",
                refusal(b -> b.version(3).password("pw", "", "")));
        assertEquals("ca_file or tls_sha256 is set but tls=false: set tls=true (or remove them)",
                refusal(b -> b.tls(false, "/etc/ca.pem", "")));
        assertEquals("ca_file or tls_sha256 is set but tls=false: set tls=true (or remove them)",
                refusal(b -> b.tls(false, "", "ab")));
        assertEquals("client_cert_file and client_key_file go together", refusal(b -> b.clientCertificate("/c.pem", " ")));
        assertEquals("client_cert_file and client_key_file go together", refusal(b -> b.clientCertificate(null, "/k.pem")));
        assertEquals("a client certificate needs tls=true", refusal(b -> b.clientCertificate("/c.pem", "/k.pem")));
        assertTrue(refusal(b -> b.tls(true, "/nonexistent/ca.pem", "")).startsWith("ca_file /nonexistent/ca.pem"));
        assertTrue(refusal(b -> b.tls(true, "", "12:34")).startsWith("tls_sha256: "));
        assertTrue(refusal(b -> b.tls(true, "", "").clientCertificate("/nonexistent/c.pem", "/k.pem"))
                .startsWith("client_cert_file /nonexistent/c.pem does not exist"));
        assertEquals("reconnect_max_s must be at least 1", refusal(b -> b.reconnectMaxSeconds(0)));
        assertEquals("keepalive 65536 s is not 0..65535", refusal(b -> b.keepAliveSeconds(65536)));
        assertEquals("keepalive -1 s is not 0..65535", refusal(b -> b.keepAliveSeconds(-1)));
        assertTrue(refusal(b -> b.password("", "", dir.resolve("missing").toString())).contains("secret file"));
    }

    @Test
    void passwordsComeFromTheFileThenTheDotKeyThenInlineAndNeverShow() throws Exception {
        assertEquals("inline", base().password("inline", "", "").build().password().reveal());
        assertEquals("private", base().password("inline", "private", null).build().password().reveal());
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        BrokerSettings s = base().username("u").password("inline", "private", file.toString()).build();
        assertEquals("from-file", s.password().reveal());
        assertFalse(s.toString().contains("from-file"), s.toString());
        assertTrue(s.toString().contains("****"), s.toString());
        // a password alone is fine in MQTT 5
        assertTrue(base().password("pw", null, null).build().password().isPresent());
    }

    @Test
    void problemsAreNamedInWordsWithThePasswordMasked() {
        BrokerSettings s = base().username("u").password("hunter2", "", "").build();
        assertEquals("broker broker.lan:8883 unreachable: Connection refused",
                MqttClients.describe(s, new RuntimeException("wrapper", new ConnectException("Connection refused"))));
        assertEquals("broker broker.lan:8883 unreachable: connection lost", MqttClients.describe(s, null));
        assertEquals("TLS with broker broker.lan:8883 failed: PKIX path building failed",
                MqttClients.describe(s, new RuntimeException(new SSLHandshakeException("PKIX path building failed"))));
        assertEquals("broker broker.lan:8883 unreachable: bad **** here",
                MqttClients.describe(s, new IllegalStateException("bad hunter2 here")));
        assertEquals(Optional.empty(), MqttClients.authenticationFailure(new ConnectException("x")));
    }
}
