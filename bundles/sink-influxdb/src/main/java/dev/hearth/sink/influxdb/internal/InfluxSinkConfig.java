package dev.hearth.sink.influxdb.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one InfluxDB sink, factory PID {@code dev.hearth.sink.influxdb}. The one place
 * defaults live. Method names map to keys by the OSGi rules: {@code __} becomes {@code _}, a single
 * {@code _} becomes {@code .}; so the keys are {@code retention_policy}, ..., {@code hearth.sink.id}.
 */
@ObjectClassDefinition(name = "Hearth InfluxDB sink", description = "Writes readings as line protocol to an InfluxDB "
        + "v1 (/write) or v2 (/api/v2/write) endpoint: InfluxDB 1.x, 2.x, 3.x, QuestDB and others that speak it.")
public @interface InfluxSinkConfig {

    @AttributeDefinition(name = "Name", description = "Instance name; the sink id is influxdb-<name>. Empty means the "
            + "configuration's instance name (dev.hearth.sink.influxdb-<name>.cfg).", required = false)
    String name() default "";

    @AttributeDefinition(name = "Sink id", description = "The durable cursor's name. Empty means influxdb-<name>. "
            + "Changing it starts a new cursor: the old backlog stays with the old id.", required = false)
    String hearth_sink_id() default "";

    @AttributeDefinition(name = "URL", description = "Base URL of the server, e.g. http://127.0.0.1:8086 or https://influx.lan:8086")
    String url();

    @AttributeDefinition(name = "API", description = "v1: /write with database and retention policy (InfluxDB 1.x); "
            + "v2: /api/v2/write with bucket and org (InfluxDB 2.x, 3.x, 1.8+, QuestDB).",
            options = { @Option(label = "v1", value = "v1"), @Option(label = "v2", value = "v2") })
    String api() default "v2";

    @AttributeDefinition(name = "Database", description = "v1: the database.", required = false)
    String database() default "";

    @AttributeDefinition(name = "Retention policy", description = "v1: the retention policy; empty means the database's default.", required = false)
    String retention__policy() default "";

    @AttributeDefinition(name = "Organisation", description = "v2: the organisation (needed by InfluxDB 2.x).", required = false)
    String org() default "";

    @AttributeDefinition(name = "Bucket", description = "v2: the bucket (on InfluxDB 1.8: database/retention-policy).", required = false)
    String bucket() default "";

    @AttributeDefinition(name = "Username", description = "v1: basic auth user; v2: only for InfluxDB 1.8 (sent as Token user:password).", required = false)
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
    String password() default "";

    @AttributeDefinition(name = "Password file", description = "Read the password from this file instead (trailing newline ignored).", required = false)
    String password__file() default "";

    @AttributeDefinition(name = "Token", description = "v2: API token.", type = AttributeType.PASSWORD, required = false)
    String token() default "";

    @AttributeDefinition(name = "Token file", description = "Read the token from this file instead.", required = false)
    String token__file() default "";

    @AttributeDefinition(name = "Precision", description = "Timestamp precision written; finer parts are truncated.",
            options = { @Option(label = "ns", value = "ns"), @Option(label = "us", value = "us"),
                    @Option(label = "ms", value = "ms"), @Option(label = "s", value = "s") })
    String precision() default "ms";

    @AttributeDefinition(name = "gzip", description = "Compress request bodies (about 8x fewer bytes for some CPU).", type = AttributeType.BOOLEAN)
    boolean gzip() default true;

    @AttributeDefinition(name = "Timeout (s)", description = "Connect and request timeout.", min = "1")
    int timeout__seconds() default 10;

    @AttributeDefinition(name = "CA file", description = "https: trust the CA certificates in this PEM file instead of the system CAs.", required = false)
    String ca__file() default "";

    @AttributeDefinition(name = "Pinned certificate", description = "https: trust exactly the server certificate with this "
            + "SHA-256 fingerprint (hex, colons allowed); host names are then not checked: the pin is the check.", required = false)
    String tls__sha256() default "";

    @AttributeDefinition(name = "Device tag", description = "The tag that carries the reading's device id.")
    String device__tag() default "device";

    /** The most lines per request; the core batches by InfluxSink.coreBatchSize of it. */
    @AttributeDefinition(name = "Batch size", description = "Most readings per write request.", min = "1")
    int hearth_sink_batch_size() default 5000;

    /** Published as a service property for the core (ReadingSink.BATCH_LINGER_MS). */
    @AttributeDefinition(name = "Batch linger (ms)", description = "How long a request smaller than the batch size waits "
            + "for more readings: fewer, fuller writes when readings trickle in (a backlog never waits). 0 writes at once.",
            min = "0", max = "60000")
    int hearth_sink_batch_linger__ms() default 1000;

    /** Published as a service property for the core, which filters. */
    @AttributeDefinition(name = "Filter", description = "LDAP filter over device, measurement and tags; only matching "
            + "readings are written. Empty means every reading. Example: (measurement=temperature)", required = false)
    String hearth_sink_filter() default "";
}
