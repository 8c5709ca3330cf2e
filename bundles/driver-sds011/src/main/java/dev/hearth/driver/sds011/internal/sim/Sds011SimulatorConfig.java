package dev.hearth.driver.sds011.internal.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The demo's simulated SDS011. Present only when {@code dev.hearth.simulator.sds011} is configured. */
@ObjectClassDefinition(name = "Hearth SDS011 simulator (demo)",
        description = "Simulated SDS011 sensors behind the serial API, opened as sim:NAME ports, for the demo. Not for production.")
public @interface Sds011SimulatorConfig {

    @AttributeDefinition(name = "Baseline PM2.5 (µg/m³)", description = "Clean indoor air is around 5-10.", min = "0", max = "500")
    double baseline() default 8.0;

    @AttributeDefinition(name = "Spikes per hour", description = "How often someone starts cooking: PM2.5 jumps by 40-150 and decays "
            + "over about 15 minutes.", min = "0", max = "60")
    double spikes__per__hour() default 1.0;
}
