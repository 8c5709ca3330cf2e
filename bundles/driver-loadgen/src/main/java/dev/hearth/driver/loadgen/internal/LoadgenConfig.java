package dev.hearth.driver.loadgen.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One load generator, factory PID {@code dev.hearth.driver.loadgen}. The one place defaults live.
 * Keys follow the OSGi name mapping ({@code __} becomes {@code _}): {@code device},
 * {@code rate_per_second}, {@code batch_size}, {@code count}, {@code ack_file}, {@code epoch_start_ms}.
 */
@ObjectClassDefinition(name = "Hearth load generator", description = "Publishes numbered synthetic readings, for "
        + "benchmarks and crash tests.")
public @interface LoadgenConfig {

    @AttributeDefinition(name = "Device", description = "The device id of the readings.")
    String device() default "loadgen";

    @AttributeDefinition(name = "Readings per second", description = "0 publishes as fast as the gateway accepts.",
            min = "0")
    int rate__per__second() default 1000;

    @AttributeDefinition(name = "Batch size", description = "Readings per publish call, committed together.",
            min = "1", max = "100000")
    int batch__size() default 100;

    @AttributeDefinition(name = "Count", description = "The last sequence number to publish; 0 publishes for ever.",
            min = "0")
    long count() default 0;

    @AttributeDefinition(name = "Ack file", description = "If set, the highest acknowledged sequence number is written "
            + "here after each batch, and a restart resumes after it. Relative to ${hearth.data}.", required = false)
    String ack__file() default "";

    @AttributeDefinition(name = "Epoch start (ms)", description = "Reading n is stamped this many milliseconds since "
            + "1970 plus n, so every run produces the same readings and ids.")
    long epoch__start__ms() default 1_767_225_600_000L;
}
