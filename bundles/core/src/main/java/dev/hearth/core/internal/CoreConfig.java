package dev.hearth.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Hearth core", description = "The reading bus and its store-and-forward journal.")
// Method names spell underscores as "__": DS maps a single "_" to "." (OSGi Compendium 112.8.2.2).
@interface CoreConfig {

    @AttributeDefinition(name = "Journal file", description = "SQLite journal; empty means <hearth.data>/journal.db.")
    String journal__path() default "";

    @AttributeDefinition(name = "Backlog bound (MiB)", min = "1",
            description = "Readings kept on disk for sinks that are behind; past this the oldest are dropped, counted and logged.")
    int max__mb() default 256;

    @AttributeDefinition(name = "fsync policy", description = "full: a power cut loses nothing accepted. "
            + "normal: a power cut may lose the last commits. off: fewest SD card writes, least safe.")
    FsyncPolicy fsync() default FsyncPolicy.full;

    @AttributeDefinition(name = "Group commit interval (ms)", min = "0", max = "10000")
    int commit__interval__ms() default 100;

    @AttributeDefinition(name = "Group commit size", min = "1", max = "100000")
    int commit__max__readings() default 5000;

    @AttributeDefinition(name = "Pending readings before publishers wait", min = "100")
    int max__pending__readings() default 50_000;

    @AttributeDefinition(name = "Default sink batch size", min = "1", max = "100000",
            description = "For sinks that do not set hearth.sink.batch.size.")
    int batch__size() default 500;

    @AttributeDefinition(name = "First retry delay (ms)", min = "10")
    int retry__initial__ms() default 1000;

    @AttributeDefinition(name = "Longest retry delay (ms)", min = "10")
    int retry__max__ms() default 300_000;

    @AttributeDefinition(name = "Dead letters kept per sink", min = "0")
    int dead__letters__per__sink() default 10_000;

    @AttributeDefinition(name = "Forget an absent sink after (hours)", min = "1",
            description = "A sink not registered for this long stops holding readings back.")
    int forget__sink__after__hours() default 168;

    @AttributeDefinition(name = "Recent readings kept for hearth:tail", min = "0", max = "10000")
    int recent__readings() default 200;

    @AttributeDefinition(name = "Free disk space to keep (MiB)", min = "0",
            description = "When the journal's disk has less free than this, the oldest readings are dropped, as at the bound. 0: only when the disk is full.")
    int min__free__mb() default 64;
}
