package dev.hearth.driver.system.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The one place the host driver's defaults live. Property names: {@code root}, {@code interval_seconds}, {@code device}. */
@ObjectClassDefinition(name = "Hearth host metrics",
        description = "CPU, memory, disk, TCP, temperature and load of the host the gateway runs on, read from /proc and /sys.")
public @interface SystemDriverConfig {

    @AttributeDefinition(name = "Root", description = "Where the host's / is visible: / on the host itself, "
            + "or the mount of the host's root inside a container (e.g. /rootfs).")
    String root() default "/";

    // two underscores: DS maps a single one to a dot, and the property is called interval_seconds
    @AttributeDefinition(name = "Interval (s)", description = "Seconds between samples.", min = "1")
    int interval__seconds() default 5;

    @AttributeDefinition(name = "Device id", description = "Device id of the readings; empty means the host name.")
    String device() default "";
}
