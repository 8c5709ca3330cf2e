package dev.hearth.sink.prometheus.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one place the Prometheus sink's defaults live. Property names: {@code prefix},
 * {@code device_label}, {@code stale_seconds}, {@code max_series}, {@code path} (a double
 * underscore in a method name is a single underscore in the property name; one would be a dot).
 */
@ObjectClassDefinition(name = "Hearth Prometheus sink",
        description = "Serves the latest value of every reading field in the Prometheus text format, with the gateway's own metrics.")
public @interface PrometheusSinkConfig {

    @AttributeDefinition(name = "Name prefix", description = "Put before every metric name made from a reading, e.g. hearth_.")
    String prefix() default "";

    @AttributeDefinition(name = "Device label", description = "Label carrying the device id; node gives the Raspberry Pi monitor's series.")
    String device__label() default "device";

    @AttributeDefinition(name = "Stale after (s)", description = "A series not updated for this long is dropped.", min = "1")
    int stale__seconds() default 300;

    @AttributeDefinition(name = "Max series", description = "Most series held; readings that would add more are rejected to the dead letters.", min = "1")
    int max__series() default 10000;

    @AttributeDefinition(name = "Path", description = "Servlet path on the gateway's HTTP service.")
    String path() default "/metrics";
}
