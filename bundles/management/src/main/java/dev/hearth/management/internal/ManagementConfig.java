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
}
