package dev.hearth.sink.file.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the JSON-lines file sink, PID {@code dev.hearth.sink.file}. The one place
 * defaults live. Method names map to keys by the OSGi rules: {@code __} becomes {@code _}, a single
 * {@code _} becomes {@code .}; so the keys are {@code max_file_mb}, ..., {@code hearth.sink.filter}.
 */
@ObjectClassDefinition(name = "Hearth file sink", description = "Writes readings as JSON lines to rotated files: "
        + "the embedded default store.")
public @interface FileSinkConfig {

    @AttributeDefinition(name = "Directory", description = "Where readings.jsonl and the rotated files go. Empty means "
            + "${hearth.data}/readings; a relative path is taken relative to ${hearth.data}.")
    String directory() default "";

    @AttributeDefinition(name = "Largest file (MiB)", description = "The current file is rotated before it would grow "
            + "past this.", min = "1")
    int max__file__mb() default 16;

    @AttributeDefinition(name = "Rotate after (hours)", description = "The current file is rotated at the first write "
            + "once it is this old.", min = "1")
    int rotate__hours() default 24;

    @AttributeDefinition(name = "Rotated files kept", description = "The oldest rotated files are deleted beyond this "
            + "count.", min = "0")
    int max__files() default 30;

    @AttributeDefinition(name = "Total size (MiB)", description = "The oldest rotated files are deleted while all files "
            + "together take more than this.", min = "1")
    int max__total__mb() default 512;

    @AttributeDefinition(name = "fsync", description = "Force each batch to the storage device before answering. "
            + "Off spares an SD card but a power cut can lose the last seconds (a crash of the process cannot).",
            type = AttributeType.BOOLEAN)
    boolean fsync() default true;

    @AttributeDefinition(name = "Duplicate window", description = "How many of the newest reading ids are remembered, "
            + "so that readings replayed after a crash are not written twice. 0 turns it off.", min = "0")
    int dedup__window() default 20_000;

    /**
     * Read by the core from the service registration, not by this component: DS copies every
     * configuration property to the component properties, which become the service properties.
     */
    @AttributeDefinition(name = "Filter", description = "LDAP filter over device, measurement and tags; only matching "
            + "readings are written. Empty means every reading. Example: (measurement=temperature)", required = false)
    String hearth_sink_filter() default "";
}
