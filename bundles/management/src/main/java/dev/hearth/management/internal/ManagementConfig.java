package dev.hearth.management.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Remote management, singleton PID {@code dev.hearth.management} ({@code config/dev.hearth.management.cfg}).
 * The one place defaults live. The broker keys are the ones every Hearth MQTT component shares
 * (bundles/mqtt-support); {@code __} in a method name is {@code _} in the key, a leading {@code _}
 * a leading {@code .}.
 */
@ObjectClassDefinition(name = "Hearth management", description = "Remote configuration and device commands over MQTT, "
        + "under hearth/<gateway id>/. Whoever may publish to hearth/<gateway id>/req/# can change this gateway: "
        + "restrict it with the broker's ACL, and use TLS and credentials.")
public @interface ManagementConfig {

    @AttributeDefinition(name = "Gateway id", description = "The topic root is hearth/<gateway id>/. Empty: the framework "
            + "property hearth.gateway.id (gateway.properties).", required = false)
    String gateway__id() default "";

    @AttributeDefinition(name = "Broker host")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Broker port", min = "1", max = "65535")
    int port() default 1883;

    @AttributeDefinition(name = "MQTT version", description = "With 3.1.1, clients name their reply topic in the request "
            + "(reply_to), or read hearth/<gateway id>/res/<request id>.", options = {
            @Option(label = "MQTT 5", value = "5"), @Option(label = "MQTT 3.1.1", value = "3") })
    int version() default 5;

    @AttributeDefinition(name = "Client id", description = "Empty means hearth-<gateway id>-management.", required = false)
    String client__id() default "";

    @AttributeDefinition(name = "User name", required = false)
    String username() default "";

    @AttributeDefinition(name = "Password", description = "Visible among the service properties; prefer password_file "
            + "or .password.", type = AttributeType.PASSWORD, required = false)
    String password() default "";

    @AttributeDefinition(name = "Password (private)", type = AttributeType.PASSWORD, required = false)
    String _password() default "";

    @AttributeDefinition(name = "Password file", description = "A file holding the password; wins over password.",
            required = false)
    String password__file() default "";

    @AttributeDefinition(name = "TLS", type = AttributeType.BOOLEAN)
    boolean tls() default false;

    @AttributeDefinition(name = "CA file", required = false)
    String ca__file() default "";

    @AttributeDefinition(name = "Broker certificate SHA-256", required = false)
    String tls__sha256() default "";

    @AttributeDefinition(name = "Client certificate file", required = false)
    String client__cert__file() default "";

    @AttributeDefinition(name = "Client key file", required = false)
    String client__key__file() default "";

    @AttributeDefinition(name = "Longest reconnect delay (s)", min = "1")
    int reconnect__max__s() default 30;

    @AttributeDefinition(name = "Configuration folder", description = "Where changes are written as .cfg files (the "
            + "folder FileInstall watches). Empty: <hearth.home>/config.", required = false)
    String config__dir() default "";

    @AttributeDefinition(name = "Largest request (KiB)", description = "Bigger requests are refused.", min = "1", max = "1024")
    int max__request__kib() default 64;

    @AttributeDefinition(name = "Queue", description = "Requests waiting for the one worker; more are refused as busy.",
            min = "1", max = "1000")
    int queue__size() default 16;

    @AttributeDefinition(name = "Command timeout (s)", description = "How long a device command may take before the "
            + "answer says so.", min = "1", max = "600")
    int command__timeout__s() default 15;

    @AttributeDefinition(name = "Status interval (s)", description = "How often the retained status (uptime) is refreshed.",
            min = "10")
    int status__interval__s() default 60;

    @AttributeDefinition(name = "OTA: largest artifact (KiB)", description = "Bigger downloads and inline artifacts are "
            + "refused (inline ones also need max_request_kib large enough for their base64).", min = "1", max = "1048576")
    int ota__max__kib() default 32768;

    @AttributeDefinition(name = "OTA: allow http://", description = "Plain http downloads (the SHA-256 and the signature are "
            + "checked either way). https is always verified against the JDK's trust store.", type = AttributeType.BOOLEAN)
    boolean ota__allow__http() default false;

    @AttributeDefinition(name = "OTA: connect timeout (s)", min = "1", max = "300")
    int ota__connect__timeout__s() default 10;

    @AttributeDefinition(name = "OTA: read timeout (s)", description = "Longest silence while downloading.", min = "1", max = "600")
    int ota__read__timeout__s() default 30;

    @AttributeDefinition(name = "OTA: redirects", description = "Most redirects followed (never from https to http).",
            min = "0", max = "10")
    int ota__max__redirects() default 3;

    @AttributeDefinition(name = "OTA: health check grace period (s)", description = "How long an installed or updated bundle "
            + "has to be ACTIVE with its components satisfied (and its devices reading, if named); else it is rolled back. "
            + "A request may give its own grace_s.", min = "1", max = "600")
    int ota__grace__s() default 30;

    @AttributeDefinition(name = "OTA: trusted keys folder", description = "The Ed25519 keys (*.pem) OTA artifacts must be "
            + "signed with. Empty: <hearth.home>/config/trusted-keys (the same as deploy/).", required = false)
    String ota__trusted__keys() default "";
}
