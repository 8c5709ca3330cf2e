package dev.hearth.sink.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class FileSinkTest {

    /** The configuration as DS builds it when nothing is configured: the annotation's defaults. */
    static FileSinkConfig config(String directory, int maxFileMb) {
        return new FileSinkConfig() {
            @Override public Class<? extends Annotation> annotationType() { return FileSinkConfig.class; }
            @Override public String directory() { return directory; }
            @Override public int max__file__mb() { return maxFileMb; }
            @Override public int rotate__hours() { return 24; }
            @Override public int max__files() { return 30; }
            @Override public int max__total__mb() { return 512; }
            @Override public boolean fsync() { return true; }
            @Override public int dedup__window() { return 20_000; }
            @Override public String hearth_sink_filter() { return ""; }
        };
    }

    @Test
    void theDirectoryDefaultsUnderTheDataDirectory() {
        assertEquals(Path.of("/var/lib/hearth/data/readings"), FileSink.settings(config("", 16), "/var/lib/hearth/data").directory());
        assertEquals(Path.of("./data/readings"), FileSink.settings(config("", 16), null).directory());
        assertEquals(Path.of("/srv/r"), FileSink.settings(config("/srv/r", 16), "/d").directory());
        assertEquals(Path.of("/d/mine"), FileSink.settings(config("mine", 16), "/d").directory());
        StoreSettings s = FileSink.settings(config("", 16), "/d");
        assertEquals(16L * 1024 * 1024, s.maxFileBytes());
        assertEquals(Duration.ofHours(24), s.rotateAfter());
        assertEquals(512L * 1024 * 1024, s.maxTotalBytes());
    }

    @Test
    void invalidValuesAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileSink.settings(config("", 0), "/d"));
        assertEquals("max_file_mb must be at least 1", e.getMessage());
    }
}
