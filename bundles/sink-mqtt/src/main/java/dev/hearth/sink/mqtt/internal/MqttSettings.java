package dev.hearth.sink.mqtt.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import dev.hearth.support.net.Secret;
import dev.hearth.support.net.TlsTrust;

/**
 * A checked MQTT sink configuration: what {@link MqttSinkConfig} says, validated once at
 * activation so that a bad value is refused with its key and reason instead of failing later.
 * {@link #toString()} shows the password as {@code ****} ({@link Secret}).
 *
 * @param trust {@code null} without TLS
 * @param clientCert {@code null} without a client certificate
 */
record MqttSettings(String sinkId, String gateway, String host, int port, int version, String clientId,
        String username, Secret password, TlsTrust trust, Path clientCert, Path clientKey, TopicTemplate topic,
        int qos, boolean retain, String availabilityTopic, boolean haDiscovery, String haPrefix, int maxPayloadBytes,
        Duration ackTimeout, Duration reconnectMax) {

    private static final Pattern SINK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Used when the framework property {@code hearth.gateway.id} is missing (only outside the launcher). */
    static final String DEFAULT_GATEWAY = "hearth";

    /** "host:port", as error messages name the broker. */
    String broker() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Checks and converts a configuration.
     *
     * @param gatewayProperty the framework property {@code hearth.gateway.id}, or {@code null}
     * @throws IllegalArgumentException naming the key and the problem, never a secret's value
     */
    static MqttSettings from(MqttSinkConfig c, String gatewayProperty) {
        String sinkId = trim(c.hearth_sink_id());
        if (sinkId.isEmpty()) throw new IllegalArgumentException("hearth.sink.id is required (e.g. mqtt-home): it names the sink's cursor");
        if (!SINK_ID.matcher(sinkId).matches()) {
            throw new IllegalArgumentException("hearth.sink.id '" + sinkId + "': letters, digits, '.', '_', '-', at most 64");
        }
        String gateway = trim(gatewayProperty).isEmpty() ? DEFAULT_GATEWAY : gatewayProperty.trim();
        String host = trim(c.host());
        if (host.isEmpty()) throw new IllegalArgumentException("host is empty");
        if (c.port() < 1 || c.port() > 65535) throw new IllegalArgumentException("port " + c.port() + " is not 1..65535");
        if (c.version() != 5 && c.version() != 3) throw new IllegalArgumentException("version " + c.version() + ": 5 or 3 (3.1.1)");
        if (c.qos() < 0 || c.qos() > 2) throw new IllegalArgumentException("qos " + c.qos() + ": 0, 1 or 2");
        String clientId = trim(c.client__id()).isEmpty() ? "hearth-" + gateway + "-" + sinkId : c.client__id().trim();
        String username = trim(c.username());
        Secret password = Secret.resolve(trim(c._password()).isEmpty() ? c.password() : c._password(), c.password__file());
        if (password.isPresent() && username.isEmpty() && c.version() == 3) {
            throw new IllegalArgumentException("MQTT 3.1.1 sends a password only with a username: set username");
        }
        TlsTrust trust = null;
        if (c.tls()) trust = TlsTrust.of(c.ca__file(), c.tls__sha256());
        else if (!trim(c.ca__file()).isEmpty() || !trim(c.tls__sha256()).isEmpty()) {
            throw new IllegalArgumentException("ca_file or tls_sha256 is set but tls=false: set tls=true (or remove them)");
        }
        Path cert = trim(c.client__cert__file()).isEmpty() ? null : Path.of(c.client__cert__file().trim());
        Path key = trim(c.client__key__file()).isEmpty() ? null : Path.of(c.client__key__file().trim());
        if ((cert == null) != (key == null)) throw new IllegalArgumentException("client_cert_file and client_key_file go together");
        if (cert != null && trust == null) throw new IllegalArgumentException("a client certificate needs tls=true");
        TopicTemplate topic = TopicTemplate.parse(c.topic());
        String availability = trim(c.availability__topic()).replace("{gateway}", TopicTemplate.segment(gateway));
        if (availability.isEmpty() || availability.contains("+") || availability.contains("#") || availability.contains("{")) {
            throw new IllegalArgumentException("availability_topic '" + c.availability__topic() + "': a topic without "
                    + "wildcards; only {gateway} is replaced");
        }
        String haPrefix = trim(c.ha__prefix());
        if (c.ha__discovery() && (haPrefix.isEmpty() || haPrefix.contains("+") || haPrefix.contains("#"))) {
            throw new IllegalArgumentException("ha_prefix '" + haPrefix + "' is not a topic prefix");
        }
        if (c.max__payload__kib() < 1) throw new IllegalArgumentException("max_payload_kib must be at least 1");
        if (c.ack__timeout__s() < 1) throw new IllegalArgumentException("ack_timeout_s must be at least 1");
        if (c.reconnect__max__s() < 1) throw new IllegalArgumentException("reconnect_max_s must be at least 1");
        return new MqttSettings(sinkId, gateway, host, c.port(), c.version(), clientId, username, password, trust, cert,
                key, topic, c.qos(), c.retain(), availability, c.ha__discovery(), haPrefix, c.max__payload__kib() * 1024,
                Duration.ofSeconds(c.ack__timeout__s()), Duration.ofSeconds(c.reconnect__max__s()));
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
