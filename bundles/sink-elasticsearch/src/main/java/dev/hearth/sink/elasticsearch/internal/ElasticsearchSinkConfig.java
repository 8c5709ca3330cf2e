package dev.hearth.sink.elasticsearch.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of one Elasticsearch sink, factory PID {@code dev.hearth.sink.elasticsearch}. The
 * one place defaults live. Method names map to keys by the OSGi rules: {@code __} becomes
 * {@code _}, a single {@code _} becomes {@code .}; so the keys are {@code hearth.sink.id},
 * {@code urls}, {@code index_prefix}, ..., {@code hearth.sink.filter}.
 */
@ObjectClassDefinition(name = "Hearth Elasticsearch sink", description = "Delivers readings to Elasticsearch 8 or 9 "
        + "with _bulk; one document per reading, the reading id as _id.")
public @interface ElasticsearchSinkConfig {

    @AttributeDefinition(name = "Sink id", description = "Names this sink's durable cursor in the journal and appears "
            + "in its errors. Required and unique per gateway, e.g. es-bbq.")
    String hearth_sink_id();

    @AttributeDefinition(name = "URLs", description = "One or more http:// or https:// base URLs of the cluster's "
            + "nodes, e.g. https://es1:9200. Requests go round-robin; a node that fails is skipped for a while.")
    String[] urls() default { "http://127.0.0.1:9200" };

    @AttributeDefinition(name = "Index prefix", description = "Documents go to <prefix>-<yyyy.MM.dd> (the reading's UTC "
            + "date), or to the data stream <prefix>. Lower case; no spaces, commas, quotes or \\/*?<>|#:")
    String index__prefix() default "hearth";

    @AttributeDefinition(name = "Data stream", description = "Write to the data stream <prefix> (op_type create) "
            + "instead of daily indices.", type = AttributeType.BOOLEAN)
    boolean data__stream() default false;

    @AttributeDefinition(name = "Ingest pipeline", description = "Name of an ingest pipeline every document passes "
            + "through. Empty means none.", required = false)
    String pipeline() default "";

    @AttributeDefinition(name = "User name", description = "Basic authentication. Empty means none (or an API key).",
            required = false)
    String username() default "";

    @AttributeDefinition(name = "Password", description = "Basic authentication password.", type = AttributeType.PASSWORD,
            required = false)
    String password() default "";

    @AttributeDefinition(name = "Password file", description = "A file holding the password (trailing newlines "
            + "ignored); wins over Password.", required = false)
    String password__file() default "";

    @AttributeDefinition(name = "API key", description = "The encoded API key (the 'encoded' value Elasticsearch "
            + "returns), sent as Authorization: ApiKey <key>. Not together with a user name.",
            type = AttributeType.PASSWORD, required = false)
    String api__key() default "";

    @AttributeDefinition(name = "API key file", description = "A file holding the encoded API key; wins over API key.",
            required = false)
    String api__key__file() default "";

    @AttributeDefinition(name = "CA file", description = "PEM file with the CA certificate(s) to trust for https, "
            + "e.g. Elasticsearch 8's config/certs/http_ca.crt. Empty: the system CAs.", required = false)
    String ca__file() default "";

    @AttributeDefinition(name = "Certificate SHA-256", description = "Trust exactly the server certificate with this "
            + "SHA-256 fingerprint (hex, colons allowed), as Elasticsearch 8 prints at its first start. Not together "
            + "with a CA file.", required = false)
    String tls__sha256() default "";

    @AttributeDefinition(name = "Timeout (s)", description = "Connect and answer timeout of one request.", min = "1")
    int timeout__seconds() default 30;

    @AttributeDefinition(name = "Batch size", description = "The most readings the core hands over at once.", min = "1")
    int hearth_sink_batch_size() default 1000;

    /** Published as a service property for the core (ReadingSink.BATCH_LINGER_MS): the bulk's flush by time. */
    @AttributeDefinition(name = "Batch linger (ms)", description = "How long a _bulk smaller than the batch size waits "
            + "for more readings: fewer, fuller requests when readings trickle in (a backlog never waits). 0 sends at once.",
            min = "0", max = "60000")
    int hearth_sink_batch_linger__ms() default 1000;

    @AttributeDefinition(name = "Largest _bulk body (MiB)", description = "A batch is sent as several _bulk requests "
            + "when its body would be bigger than this.", min = "1")
    int max__bulk__mb() default 5;

    /** Read by the core from the service registration (DS publishes configuration as service properties). */
    @AttributeDefinition(name = "Filter", description = "LDAP filter over device, measurement and tags; only matching "
            + "readings are delivered. Empty means every reading. Example: (device=pit-*)", required = false)
    String hearth_sink_filter() default "";
}
