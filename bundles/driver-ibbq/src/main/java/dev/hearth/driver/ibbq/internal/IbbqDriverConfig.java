package dev.hearth.driver.ibbq.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The one place the iBBQ driver's defaults live. One factory configuration per thermometer. Two
 * underscores in a method name stand for one in the property ({@code watchdog_seconds}).
 */
@ObjectClassDefinition(name = "Hearth Inkbird iBBQ thermometer",
        description = "An Inkbird iBBQ BLE thermometer (IBT-2X, IBT-4XS, IBT-6XS) over the BLE transport: probe temperatures in °C "
                + "and battery. Reconnects by itself when the link drops or goes quiet.")
public @interface IbbqDriverConfig {

    @AttributeDefinition(name = "Address", description = "The thermometer's Bluetooth address (AA:BB:CC:DD:EE:FF). "
            + "Empty: the first device found by name, or advertising service FFF0; its address is then kept for reconnects.")
    String address() default "";

    @AttributeDefinition(name = "Name", description = "When address is empty: the advertised name to look for. Empty means iBBQ or xBBQ.")
    String name() default "";

    @AttributeDefinition(name = "Device id", description = "Device id of the readings. Empty: ibbq-<address without colons, "
            + "lower case>, or 'ibbq' when no address is configured.")
    String device() default "";

    @AttributeDefinition(name = "Passive", description = "Decode the probes from advertisements and never connect "
            + "(for units that wedge under GATT connections). No battery, unit or targets in this mode.")
    boolean passive() default false;

    @AttributeDefinition(name = "Display unit", description = "The unit the thermometer's display shows. Readings are always °C.",
            options = { @Option(label = "°C", value = "C"), @Option(label = "°F", value = "F") })
    String unit() default "C";

    @AttributeDefinition(name = "Targets", description = "Alarm targets written to the device at every login, one per probe: "
            + "'<probe>=<high>' or '<probe>=<low>..<high>', probe 1-6, °C, e.g. '2=95' or '1=100..130'.")
    String[] targets() default {};

    @AttributeDefinition(name = "Watchdog (s)", description = "Disconnect and start over when nothing was notified for this long "
            + "(the device notifies about once a second).", min = "3", max = "600")
    int watchdog__seconds() default 15;

    @AttributeDefinition(name = "Scan (s)", description = "How long one scan looks for the thermometer.", min = "1", max = "120")
    int scan__seconds() default 10;

    @AttributeDefinition(name = "Connect timeout (s)", description = "How long one connection attempt may take.", min = "1", max = "120")
    int connect__timeout__seconds() default 10;

    @AttributeDefinition(name = "Battery interval (s)", description = "How often the battery is asked for.", min = "10")
    int battery__interval__seconds() default 300;

    @AttributeDefinition(name = "Longest backoff (s)", description = "Failed attempts are retried after 1 s, doubling up to this.",
            min = "1", max = "3600")
    int max__backoff__seconds() default 60;
}
