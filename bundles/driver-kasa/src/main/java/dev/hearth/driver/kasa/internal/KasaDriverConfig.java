package dev.hearth.driver.kasa.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one place the Kasa driver's defaults live. One factory configuration per plug or power
 * strip. Two underscores in a method name stand for one in the property ({@code interval_seconds}):
 * DS maps a single underscore to a dot.
 */
@ObjectClassDefinition(name = "Hearth Kasa plug",
        description = "A TP-Link Kasa plug (HS100/HS110/KP115) or power strip (HS300) over the legacy local protocol on TCP 9999: "
                + "relay state and energy meter. Plugs with newer firmware that speak only KLAP are reported as unsupported.")
public @interface KasaDriverConfig {

    @AttributeDefinition(name = "Host", description = "The plug's address or host name. Empty: find it by UDP discovery with 'discover'.")
    String host() default "";

    @AttributeDefinition(name = "Port", description = "The legacy protocol's TCP port (and, for discovery, the UDP port).", min = "1", max = "65535")
    int port() default KasaClient.DEFAULT_PORT;

    @AttributeDefinition(name = "Device id", description = "Device id of the readings; empty means the plug's alias, "
            + "lower-cased with anything but letters, digits, '.', '_' and '-' turned into '-', as read at first contact.")
    String device() default "";

    @AttributeDefinition(name = "Interval (s)", description = "Seconds between polls while the plug answers. "
            + "An unreachable plug is polled less often: the interval doubles per failure up to 5 minutes.", min = "1")
    int interval__seconds() default 10;

    @AttributeDefinition(name = "Timeout (ms)", description = "How long to wait for the TCP connection, and again for the whole reply.",
            min = "100", max = "60000")
    int timeout__ms() default 2000;

    @AttributeDefinition(name = "Outlets", description = "Power strips (HS300) only: which outlets to read, by alias, "
            + "two-digit slot (00-05) or full child id. Empty means all.")
    String[] outlets() default {};

    @AttributeDefinition(name = "Discover", description = "When host is empty: the alias, deviceId or MAC of the plug to find "
            + "by UDP discovery. Rediscovered whenever the plug stops answering (a new DHCP lease).")
    String discover() default "";

    @AttributeDefinition(name = "Discovery address", description = "Where discovery is sent: the LAN broadcast, or one address.")
    String discovery__address() default "255.255.255.255";

    @AttributeDefinition(name = "KLAP probe port", description = "The HTTP port asked for /app/handshake1 when TCP 9999 is closed, "
            + "to tell a plug with KLAP-only firmware from one that is off.", min = "1", max = "65535")
    int klap__port() default KlapProbe.DEFAULT_PORT;
}
