package dev.hearth.driver.dht22.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one place the DHT22 driver's defaults live. One factory configuration per sensor. Two
 * underscores in a method name stand for one in the property ({@code interval_seconds}): DS maps
 * a single underscore to a dot.
 */
@ObjectClassDefinition(name = "Hearth DHT22 climate sensor",
        description = "A DHT22/AM2302 (or DHT11/DHT21) read through the Linux IIO dht11 kernel driver "
                + "(dtoverlay=dht11,gpiopin=N): temperature and relative humidity, spikes rejected, optional power cycling over GPIO.")
public @interface Dht22Config {

    @AttributeDefinition(name = "Device id", description = "Device id of the readings and the status.")
    String device() default "dht22";

    @AttributeDefinition(name = "IIO directory", description = "Where IIO devices are listed. A relative path is taken "
            + "relative to the gateway's data directory (${hearth.data}), as the demo's simulated sensor is.")
    String iio__root() default "/sys/bus/iio/devices";

    @AttributeDefinition(name = "IIO driver name", description = "The content of the device's 'name' file.")
    String iio__name() default "dht11";

    @AttributeDefinition(name = "Select", description = "Which sensor when several are attached: its directory (iio:device1), "
            + "its label, or its device-tree node (dht11@4, where 4 is the overlay's gpiopin). Empty: the lowest-numbered one.")
    String select() default "";

    @AttributeDefinition(name = "Interval (s)", description = "Seconds between readings; the sensor allows one every 2 s.", min = "2", max = "86400")
    int interval__seconds() default 10;

    @AttributeDefinition(name = "Retries", description = "Further tries in one reading when the kernel answers EIO or ETIMEDOUT.", min = "0", max = "10")
    int retries() default 2;

    @AttributeDefinition(name = "Retry delay (ms)", description = "Wait before a retry; at least 2000 (the sensor's minimum interval, "
            + "and the kernel's cache time).", min = "2000", max = "60000")
    int retry__delay__ms() default 2100;

    @AttributeDefinition(name = "Lowest temperature (°C)", description = "Readings below are rejected as implausible (DHT22: -40).")
    double min__temperature() default -40.0;

    @AttributeDefinition(name = "Highest temperature (°C)", description = "Readings above are rejected as implausible (DHT22: 80).")
    double max__temperature() default 80.0;

    @AttributeDefinition(name = "Lowest humidity (%RH)")
    double min__humidity() default 0.0;

    @AttributeDefinition(name = "Highest humidity (%RH)")
    double max__humidity() default 100.0;

    @AttributeDefinition(name = "Temperature step (°C/min)", description = "Largest plausible temperature change per minute "
            + "(and between any two readings less than a minute apart). 0 turns the spike check off.")
    double max__temperature__step() default 2.0;

    @AttributeDefinition(name = "Humidity step (%RH/min)", description = "Largest plausible humidity change per minute. 0 turns it off.")
    double max__humidity__step() default 10.0;

    @AttributeDefinition(name = "Spike confirmations", description = "A jump is accepted as real once this many readings in a row "
            + "agree on the new level.", min = "1", max = "100")
    int spike__confirmations() default 3;

    @AttributeDefinition(name = "Power GPIO", description = "The GPIO output that powers the sensor (BCM number like 17 or GPIO17). "
            + "Empty: no power cycling.")
    String power__gpio() default "";

    @AttributeDefinition(name = "Power active low", description = "The sensor is powered while the line is low (a P-channel switch).")
    boolean power__active__low() default false;

    @AttributeDefinition(name = "Power cycle after", description = "Failed readings in a row (each after its retries) before the "
            + "sensor is switched off and on.", min = "1", max = "1000")
    int power__cycle__after() default 5;

    @AttributeDefinition(name = "Power off (ms)", description = "How long the sensor stays off.", min = "100", max = "60000")
    int power__off__ms() default 2000;

    @AttributeDefinition(name = "Power settle (ms)", description = "Wait after power returns before reading (DHT22: 1-2 s).",
            min = "0", max = "60000")
    int power__settle__ms() default 2000;
}
