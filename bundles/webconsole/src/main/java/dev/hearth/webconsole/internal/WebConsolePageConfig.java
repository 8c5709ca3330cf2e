package dev.hearth.webconsole.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one place the page's defaults live. The history is what bounds memory: at most
 * {@code max_series} x {@code max_points} points of 24 bytes (48 x 300 by default, about 350 KB).
 */
@ObjectClassDefinition(name = "Hearth web console page",
        description = "The Hearth page of the web console (/system/console/hearth): devices, sinks and a live chart of recent readings.")
public @interface WebConsolePageConfig {

    @AttributeDefinition(name = "Window (min)", description = "How far back the chart reaches; older points are dropped.", min = "1", max = "120")
    int window__minutes() default 10;

    @AttributeDefinition(name = "Max series", description = "Most series (device, measurement, tags, field) kept; "
            + "further series are not charted until an old one ages out.", min = "1", max = "256")
    int max__series() default 48;

    @AttributeDefinition(name = "Max series per device", description = "Most series one device may take, "
            + "so that a device with many fields leaves room for the others.", min = "1", max = "256")
    int max__series__per__device() default 8;

    @AttributeDefinition(name = "Max points", description = "Most points kept per series; the oldest go first.", min = "2", max = "3600")
    int max__points() default 300;

    @AttributeDefinition(name = "Poll interval (ms)", description = "How often the open page asks for new readings.", min = "500", max = "60000")
    int poll__ms() default 2000;
}
