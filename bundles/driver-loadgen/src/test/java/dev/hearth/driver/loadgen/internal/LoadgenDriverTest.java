package dev.hearth.driver.loadgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class LoadgenDriverTest {

    static LoadgenConfig config(int rate, int batch, long count, String ackFile) {
        return new LoadgenConfig() {
            @Override public Class<? extends Annotation> annotationType() { return LoadgenConfig.class; }
            @Override public String device() { return "loadgen"; }
            @Override public int rate__per__second() { return rate; }
            @Override public int batch__size() { return batch; }
            @Override public long count() { return count; }
            @Override public String ack__file() { return ackFile; }
            @Override public long epoch__start__ms() { return 1_767_225_600_000L; }
        };
    }

    @Test
    void theAckFileIsResolvedAgainstTheDataDirectory() {
        assertNull(LoadgenDriver.settings(config(1000, 100, 0, ""), "/d").ackFile());
        assertEquals(Path.of("/d/ack.txt"), LoadgenDriver.settings(config(1000, 100, 0, "ack.txt"), "/d").ackFile().path());
        assertEquals(Path.of("/tmp/a"), LoadgenDriver.settings(config(1000, 100, 0, "/tmp/a"), "/d").ackFile().path());
        assertEquals(Path.of("./data/a"), LoadgenDriver.settings(config(1000, 100, 0, "a"), null).ackFile().path());
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        assertEquals("batch_size must be 1..100000, was 0",
                assertThrows(IllegalArgumentException.class, () -> LoadgenDriver.settings(config(1, 0, 0, ""), "/d")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadgenDriver.settings(config(-1, 1, 0, ""), "/d"));
        assertThrows(IllegalArgumentException.class, () -> LoadgenDriver.settings(config(1, 1, -1, ""), "/d"));
    }
}
