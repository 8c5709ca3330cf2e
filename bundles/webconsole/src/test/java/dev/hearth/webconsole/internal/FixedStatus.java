package dev.hearth.webconsole.internal;

import java.time.Instant;
import java.util.List;

import dev.hearth.api.Reading;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/** A gateway status with fixed contents: the page only reads it. */
record FixedStatus(List<DeviceInfo> devices, List<SinkStatus> sinks) implements GatewayStatus {

    static final Instant STARTED = Instant.parse("2026-11-28T18:00:00Z");

    @Override
    public Instant startedAt() {
        return STARTED;
    }

    @Override
    public JournalStatus journal() {
        return new JournalStatus("data/journal.db", 4096 * 1024, 64L << 20, 12, 3400, 0, 3400);
    }

    @Override
    public List<Reading> recent(int max) {
        return List.of();
    }

    @Override
    public List<DeadLetter> deadLetters(String sinkId, int max) {
        return List.of();
    }
}
