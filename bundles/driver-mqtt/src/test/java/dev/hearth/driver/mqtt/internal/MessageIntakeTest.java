package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Checks before mapping, counters, and that no input (not even a mapper bug) escapes as an exception. */
class MessageIntakeTest {

    private final AtomicLong clock = new AtomicLong();

    private MessageIntake intake(MessageMapper mapper) {
        return new MessageIntake("t", mapper, new LoopGuard("gw1"), 16, clock::get);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void emptyOversizedAndOwnAreSkippedBeforeTheMapperSeesThem() {
        MessageIntake in = intake((topic, payload, arrival) -> {
            throw new AssertionError("mapper called for " + topic);
        });
        assertEquals(SkipReason.EMPTY, ((Mapped.Skipped) in.accept("a", new byte[0], Map.of(), Instant.EPOCH)).reason());
        assertEquals(SkipReason.OVERSIZED, ((Mapped.Skipped) in.accept("a", new byte[17], Map.of(), Instant.EPOCH)).reason());
        assertEquals(SkipReason.OWN_OUTPUT, ((Mapped.Skipped) in.accept("hearth/gw1/x", b("{}"), Map.of(), Instant.EPOCH)).reason());
        assertEquals(3, in.messages());
        assertEquals(3, in.skippedTotal());
        assertEquals(Map.of("messages", "3", "readings", "0", "ignored", "0", "skipped_empty", "1", "skipped_oversized", "1",
                "skipped_own_output", "1"), in.counters());
    }

    @Test
    void aMapperBugSkipsTheMessageAndNothingElse() {
        MessageIntake in = intake((topic, payload, arrival) -> {
            throw new IllegalStateException("bug");
        });
        Mapped m = in.accept("a", b("{}"), Map.of(), Instant.EPOCH);
        assertEquals(SkipReason.INVALID, assertInstanceOf(Mapped.Skipped.class, m).reason());
    }

    @Test
    void readingsAndIgnoredAreCounted() {
        MessageIntake in = intake(new Zigbee2MqttMapper("z", "zigbee", Set.of()));
        in.accept("z/s", b("{\"t\":1}"), Map.of(), Instant.EPOCH);
        in.accept("z/bridge/logging", b("{\"t\":1}"), Map.of(), Instant.EPOCH);
        for (int i = 0; i < 1000; i++) in.accept("z/s", b("{\"t\":"), Map.of(), Instant.EPOCH); // logged once, counted 1000 times
        clock.addAndGet(MessageIntake.LOG_INTERVAL_NANOS);
        in.accept("z/s", b("{\"t\":"), Map.of(), Instant.EPOCH); // logged again, naming the 999 in between
        assertEquals(1, in.readings());
        assertEquals("1", in.counters().get("ignored"));
        assertEquals(1001, in.skipped(SkipReason.NOT_JSON));
    }
}
