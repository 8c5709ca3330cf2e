package dev.hearth.driver.dht22.internal.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The demo's simulated DHT22. Present only when {@code dev.hearth.simulator.dht22} is configured. */
@ObjectClassDefinition(name = "Hearth DHT22 simulator (demo)",
        description = "Writes a directory shaped like /sys/bus/iio/devices with a dht11 device whose temperature and humidity "
                + "follow a daily curve, with occasional real read errors (EIO) and spikes, for the demo. Not for production.")
public @interface Dht22SimulatorConfig {

    @AttributeDefinition(name = "Directory", description = "The simulated /sys/bus/iio/devices; relative to ${hearth.data}. "
            + "Point a dev.hearth.driver.dht22 configuration's iio_root here.")
    String directory() default "sim/iio";

    @AttributeDefinition(name = "Device index", description = "N in iio:deviceN.", min = "0", max = "999")
    int index() default 0;

    @AttributeDefinition(name = "Mean temperature (°C)")
    double mean__temperature() default 21.0;

    @AttributeDefinition(name = "Daily temperature swing (°C)", description = "Half the difference between the afternoon peak and the night low.")
    double temperature__swing() default 2.5;

    @AttributeDefinition(name = "Mean humidity (%RH)")
    double mean__humidity() default 45.0;

    @AttributeDefinition(name = "Daily humidity swing (%RH)", description = "Humidity is highest when it is coolest.")
    double humidity__swing() default 8.0;

    @AttributeDefinition(name = "Failures (%)", description = "Share of 2-second ticks in which reading the temperature fails "
            + "with a real EIO, as a DHT22 often does.", min = "0", max = "100")
    int failure__percent() default 10;

    @AttributeDefinition(name = "Spikes (%)", description = "Share of ticks showing a jump the driver should reject.", min = "0", max = "100")
    int spike__percent() default 2;
}
