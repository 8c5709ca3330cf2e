package dev.hearth.simulator.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The simulated iBBQ; present only in the demo. Two underscores stand for one in the property ({@code time_scale}). */
@ObjectClassDefinition(name = "Hearth iBBQ simulator (demo)",
        description = "A simulated Inkbird iBBQ behind the BLE API, registered in place of the real transport while this configuration exists.")
public @interface IbbqSimulatorConfig {

    @AttributeDefinition(name = "Address", description = "The simulated device's Bluetooth address.")
    String address() default "5A:11:B8:B0:00:01";

    @AttributeDefinition(name = "Name", description = "The advertised name.")
    String name() default "iBBQ";

    @AttributeDefinition(name = "Probes", description = "2, 4 or 6, as IBT-2X, IBT-4XS, IBT-6XS.", min = "1", max = "6")
    int probes() default 4;

    @AttributeDefinition(name = "Time scale", description = "Cook seconds per real second: 1 is a real 14-hour cook, 60 plays it in 14 minutes.",
            min = "1", max = "3600")
    int time__scale() default 60;

    @AttributeDefinition(name = "Misbehave every (s)", description = "Real seconds between link drops (alternately a dropped link "
            + "and a silent one); 0 never.", min = "0")
    int drop__every__seconds() default 180;
}
