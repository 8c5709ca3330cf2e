package dev.hearth.sink.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one MQTT sink instance, factory PID {@code dev.hearth.sink.mqtt}
 * ({@code config/dev.hearth.sink.mqtt-<name>.cfg}). The one place defaults live. Method names map
 * to keys by the OSGi rules: {@code __} is {@code _}, a single {@code _} is {@code .}, a leading
 * {@code _} is a leading {@code .}; so {@code client__id()} is {@code client_id} and
 * {@code hearth_sink_id()} is {@code hearth.sink.id}.
 */
@ObjectClassDefinition(name = "Hearth MQTT sink", description = "Publishes readings as JSON to an MQTT broker "
        + "(MQTT 5 or 3.1.1), optionally with Home Assistant discovery. One instance per broker.")
public @interface MqttSinkConfig {

    @AttributeDefinition(name = "Sink id", description = "Required. Names this sink's durable cursor in the journal "
            + "(keep it when changing anything else, or the backlog starts over), e.g. mqtt-home. "
            + "Letters, digits, '.', '_', '-'.")
    String hearth_sink_id();

    @AttributeDefinition(name = "Broker host")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Broker port", description = "1883 plain, usually 8883 with TLS.", min = "1", max = "65535")
    int port() default 1883;

    @AttributeDefinition(name = "MQTT version", options = { @Option(label = "MQTT 5", value = "5"),
            @Option(label = "MQTT 3.1.1", value = "3") })
    int version() default 5;

    @AttributeDefinition(name = "Client id", description = "Empty means hearth-<gateway>-<sink id>. Two clients with "
            + "the same id throw each other off the broker.", required = false)
    String client__id() default "";

    @AttributeDefinition(name = "User name", required = false)
    String username() default "";

    /** Never published: the sink registers its service with the hearth.sink.* properties only. */
    @AttributeDefinition(name = "Password", description = "Inline; password_file keeps it out of config/.",
            type = AttributeType.PASSWORD, required = false)
    String password() default "";

    /** Kept for configurations written when inline passwords were published: the same as password. */
    @AttributeDefinition(name = "Password (older spelling)", description = "The same as password.",
            type = AttributeType.PASSWORD, required = false)
    String _password() default "";

    @AttributeDefinition(name = "Password file", description = "A file holding the password (trailing newlines "
            + "ignored); wins over password.", required = false)
    String password__file() default "";

    @AttributeDefinition(name = "TLS", type = AttributeType.BOOLEAN)
    boolean tls() default false;

    @AttributeDefinition(name = "CA file", description = "PEM file of the CA(s) that signed the broker's "
            + "certificate. Empty: the system CAs (or the fingerprint).", required = false)
    String ca__file() default "";

    @AttributeDefinition(name = "Broker certificate SHA-256", description = "Trust exactly the broker certificate "
            + "with this fingerprint (openssl x509 -noout -fingerprint -sha256); then the host name is not checked.",
            required = false)
    String tls__sha256() default "";

    @AttributeDefinition(name = "Client certificate file", description = "PEM certificate (chain) for client "
            + "authentication; needs client_key_file.", required = false)
    String client__cert__file() default "";

    @AttributeDefinition(name = "Client key file", description = "Unencrypted PKCS#8 PEM private key (BEGIN PRIVATE "
            + "KEY) of the client certificate.", required = false)
    String client__key__file() default "";

    @AttributeDefinition(name = "Topic template", description = "Placeholders {gateway}, {device}, {measurement}, "
            + "{tag:NAME}; values are made topic-safe ('+', '#', '/' become '_').")
    String topic() default "hearth/{gateway}/{device}/{measurement}";

    @AttributeDefinition(name = "QoS", options = { @Option(label = "0: at most once", value = "0"),
            @Option(label = "1: at least once", value = "1"), @Option(label = "2: exactly once", value = "2") })
    int qos() default 1;

    @AttributeDefinition(name = "Retain", description = "Keep the last reading of each topic on the broker.",
            type = AttributeType.BOOLEAN)
    boolean retain() default false;

    @AttributeDefinition(name = "Availability topic", description = "Retained 'online' while connected, 'offline' "
            + "(the last will) when not. {gateway} is replaced.")
    String availability__topic() default "hearth/{gateway}/status";

    @AttributeDefinition(name = "Home Assistant discovery", type = AttributeType.BOOLEAN)
    boolean ha__discovery() default false;

    @AttributeDefinition(name = "Home Assistant prefix")
    String ha__prefix() default "homeassistant";

    @AttributeDefinition(name = "Largest payload (KiB)", description = "A reading whose JSON is bigger goes to the "
            + "dead letters.", min = "1")
    int max__payload__kib() default 256;

    @AttributeDefinition(name = "Acknowledgement timeout (s)", description = "How long a batch waits for PUBACK/PUBCOMP; "
            + "readings not acknowledged by then are retried.", min = "1")
    int ack__timeout__s() default 10;

    @AttributeDefinition(name = "Most unacknowledged publishes", description = "At QoS 1 and 2, the most readings "
            + "published and not yet acknowledged at once. 0: 20 over MQTT 3.1.1 (Mosquitto's default "
            + "max_inflight_messages; a 3.1.1 broker cannot say its limit, and Mosquitto drops QoS 2 messages over it "
            + "while acknowledging them), and over MQTT 5 the broker's receive maximum only. Over MQTT 3.1.1 set it to "
            + "the broker's max_inflight_messages if that is not 20.", min = "0", max = "65535")
    int max__inflight() default 0;

    @AttributeDefinition(name = "Longest reconnect delay (s)", description = "Reconnects back off from 1 s up to this.",
            min = "1")
    int reconnect__max__s() default 30;

    /** Read by the core from the service registration (DS copies configuration to service properties). */
    @AttributeDefinition(name = "Batch size", description = "Most readings delivered at once.", min = "1")
    int hearth_sink_batch_size() default 500;

    /** Read by the core from the service registration. */
    @AttributeDefinition(name = "Filter", description = "LDAP filter over device, measurement and tags; only matching "
            + "readings are published. Empty means every reading.", required = false)
    String hearth_sink_filter() default "";
}
