package dev.hearth.driver.sds011.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one place the SDS011 driver's defaults live. One factory configuration per sensor. Two
 * underscores in a method name stand for one in the property ({@code sleep_minutes}): DS maps a
 * single underscore to a dot.
 */
@ObjectClassDefinition(name = "Hearth SDS011 particulate sensor",
        description = "A Nova SDS011 PM2.5/PM10 sensor on a USB serial adapter, read in query mode and duty-cycled "
                + "(wake, warm up, read, sleep) so its laser lasts years.")
public @interface Sds011Config {

    @AttributeDefinition(name = "Port", description = "The serial port: a stable /dev/serial/by-id/... link (recommended), "
            + "a path such as /dev/ttyUSB0, usb:VID:PID[:SERIAL] (e.g. usb:1a86:7523), or sim:NAME for the demo simulator.")
    String port() default "";

    @AttributeDefinition(name = "Device id", description = "Device id of the readings; give each sensor its own.")
    String device() default "sds011";

    @AttributeDefinition(name = "Warm-up (s)", description = "Seconds between waking the sensor and the first reading: "
            + "the fan needs at least 15 s to draw fresh air through.", min = "0", max = "600")
    int warm__up__seconds() default 30;

    @AttributeDefinition(name = "Readings per round", description = "Readings taken after the warm-up; their median is published.",
            min = "1", max = "60")
    int readings() default 3;

    @AttributeDefinition(name = "Reading spacing (s)", description = "Seconds between the readings of a round (the sensor updates once a second).",
            min = "1", max = "60")
    int reading__spacing__seconds() default 2;

    @AttributeDefinition(name = "Sleep (min)", description = "Minutes asleep (laser and fan off) between rounds. 0 reads continuously "
            + "and wears the laser out in under a year.", min = "0", max = "1440")
    int sleep__minutes() default 5;

    @AttributeDefinition(name = "Bad-air threshold (µg/m³)", description = "While the median PM2.5 is at or above this, sleep only "
            + "'Bad-air sleep' minutes, until it falls below 80 % of it. 0 turns this off.", min = "0", max = "1000")
    double adaptive__threshold() default 35.0;

    @AttributeDefinition(name = "Bad-air sleep (min)", description = "Minutes asleep between rounds while the air is bad; 0 stays awake and "
            + "publishes a median every round.", min = "0", max = "1440")
    int adaptive__sleep__minutes() default 0;

    @AttributeDefinition(name = "Reply timeout (ms)", description = "How long to wait for the sensor's reply to a command.",
            min = "200", max = "10000")
    int reply__timeout__ms() default 2000;

    @AttributeDefinition(name = "Longest reopen wait (s)", description = "A missing port is tried again after 1 s, doubling per failure up to this.",
            min = "1", max = "3600")
    int reopen__max__seconds() default 60;
}
