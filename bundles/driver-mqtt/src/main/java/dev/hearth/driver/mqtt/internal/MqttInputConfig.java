package dev.hearth.driver.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One MQTT subscription set, factory PID {@code dev.hearth.driver.mqtt}
 * ({@code config/dev.hearth.driver.mqtt-<name>.cfg}). The one place defaults live. Method names
 * map to keys by the OSGi rules: {@code __} is {@code _}, a leading {@code _} is a leading
 * {@code .}; so {@code client__id()} is {@code client_id} and {@code _password()} is
 * {@code .password}.
 */
@ObjectClassDefinition(name = "Hearth MQTT input", description = "Subscribes to an MQTT broker and turns Zigbee2MQTT "
        + "or JSON messages into readings; QoS 1/2 messages are acknowledged only after their readings are committed.")
public @interface MqttInputConfig {

    @AttributeDefinition(name = "Broker host")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Broker port", description = "1883 plain, usually 8883 with TLS.", min = "1", max = "65535")
    int port() default 1883;

    @AttributeDefinition(name = "MQTT version", options = { @Option(label = "MQTT 5", value = "5"),
            @Option(label = "MQTT 3.1.1", value = "3") })
    int version() default 5;

    @AttributeDefinition(name = "Client id", description = "Empty means hearth-<gateway>-<instance>. The broker keeps "
            + "the persistent session under this id: keep it stable, and unique per broker.", required = false)
    String client__id() default "";

    @AttributeDefinition(name = "Instance", description = "Names this instance in device ids (mqtt-<instance>) and the "
            + "default client id. Empty: the part of the file name after the last '-'.", required = false)
    String instance() default "";

    @AttributeDefinition(name = "User name", required = false)
    String username() default "";

    /** Copied to the service properties by DS like every key; prefer {@code password_file} or {@code .password}. */
    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
    String password() default "";

    /** A key starting with '.' is private: DS does not publish it as a service property. */
    @AttributeDefinition(name = "Password (private)", type = AttributeType.PASSWORD, required = false)
    String _password() default "";

    @AttributeDefinition(name = "Password file", description = "A file holding the password (trailing newlines "
            + "ignored); wins over password.", required = false)
    String password__file() default "";

    @AttributeDefinition(name = "TLS", type = AttributeType.BOOLEAN)
    boolean tls() default false;

    @AttributeDefinition(name = "CA file", description = "PEM file of the CA(s) that signed the broker's certificate. "
            + "Empty: the system CAs (or the fingerprint).", required = false)
    String ca__file() default "";

    @AttributeDefinition(name = "Broker certificate SHA-256", description = "Trust exactly the broker certificate with "
            + "this fingerprint; then the host name is not checked.", required = false)
    String tls__sha256() default "";

    @AttributeDefinition(name = "Client certificate file", description = "PEM certificate (chain) for client "
            + "authentication (mutual TLS); needs client_key_file and tls=true.", required = false)
    String client__cert__file() default "";

    @AttributeDefinition(name = "Client key file", description = "Unencrypted PKCS#8 PEM private key (BEGIN PRIVATE "
            + "KEY) of the client certificate.", required = false)
    String client__key__file() default "";

    @AttributeDefinition(name = "Topic filters", description = "MQTT topic filters, wildcards + and # allowed.")
    String[] topics() default { "zigbee2mqtt/#" };

    @AttributeDefinition(name = "Mode", options = { @Option(label = "Zigbee2MQTT", value = "zigbee2mqtt"),
            @Option(label = "Generic JSON", value = "json") })
    String mode() default "zigbee2mqtt";

    @AttributeDefinition(name = "QoS", description = "Subscription QoS. 1 and 2 are acknowledged after commit; 0 has "
            + "no acknowledgement and no guarantee.", options = { @Option(label = "0", value = "0"),
            @Option(label = "1", value = "1"), @Option(label = "2", value = "2") })
    int qos() default 1;

    @AttributeDefinition(name = "Clean start", description = "true discards the broker's session (and what it queued "
            + "for us) at every connect.", type = AttributeType.BOOLEAN)
    boolean clean__start() default false;

    @AttributeDefinition(name = "Session expiry (s)", description = "MQTT 5: how long the broker keeps our session and "
            + "queues messages while we are away. MQTT 3.1.1 sessions do not expire.", min = "0")
    long session__expiry__s() default 86_400;

    @AttributeDefinition(name = "Largest payload (KiB)", description = "Bigger messages are counted and skipped.", min = "1")
    int max__payload__kib() default 64;

    @AttributeDefinition(name = "Exclude own output", description = "Ignore topics under hearth/<gateway id>/ and messages "
            + "marked as this gateway's own (loop safety).", type = AttributeType.BOOLEAN)
    boolean exclude__own() default true;

    @AttributeDefinition(name = "Batch size", description = "Most messages whose readings are published (committed) "
            + "together; batches never wait to fill, they hold what arrived during the previous commit.",
            min = "1", max = "10000")
    int batch__size() default 500;

    @AttributeDefinition(name = "Longest reconnect delay (s)", min = "1")
    int reconnect__max__s() default 30;

    @AttributeDefinition(name = "Zigbee2MQTT base topic")
    String z2m__base__topic() default "zigbee2mqtt";

    @AttributeDefinition(name = "Zigbee2MQTT measurement")
    String z2m__measurement() default "zigbee";

    @AttributeDefinition(name = "Zigbee2MQTT string fields", description = "String properties kept as string fields "
            + "(e.g. action); other strings are dropped (state ON/OFF always becomes a boolean).", required = false)
    String[] z2m__strings() default {};

    @AttributeDefinition(name = "JSON measurement")
    String json__measurement() default "mqtt";

    @AttributeDefinition(name = "JSON device field", description = "Payload field holding the device id; empty: from "
            + "the topic.", required = false)
    String json__device__field() default "";

    @AttributeDefinition(name = "JSON device topic level", description = "-1: the level matched by the first + of the "
            + "subscription filter, else the last level; n >= 0: level n (0-based).", min = "-1")
    int json__device__topic__level() default -1;

    @AttributeDefinition(name = "JSON time field", description = "Payload field with the timestamp (epoch s, ms, µs, ns "
            + "by magnitude, or ISO-8601); empty: arrival time.", required = false)
    String json__time__field() default "";

    @AttributeDefinition(name = "JSON fields", description = "Fields to keep (nested as a_b); empty: every number and "
            + "boolean. Listed strings are kept as strings.", required = false)
    String[] json__fields() default {};

    @AttributeDefinition(name = "JSON tag fields", description = "Payload fields that become tags instead of fields.",
            required = false)
    String[] json__tag__fields() default {};

    @AttributeDefinition(name = "JSON static tags", description = "key=value tags added to every reading.", required = false)
    String[] json__tags() default {};
}
