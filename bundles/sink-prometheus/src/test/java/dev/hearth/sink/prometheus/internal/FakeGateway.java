package dev.hearth.sink.prometheus.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/** A gateway in the middle of a working day: two sinks, one lagging; three devices, one failing. */
final class FakeGateway implements GatewayStatus {

    @Override public Instant startedAt() { return Instant.parse("2024-06-03T06:00:00.250Z"); }

    @Override public JournalStatus journal() {
        return new JournalStatus("/var/lib/hearth/journal.db", 5_242_880, 268_435_456, 1234, 987_654, 12, 987_654);
    }

    @Override public List<SinkStatus> sinks() {
        return List.of(
                new SinkStatus("influxdb", true, "", 1200, 986_000, 31, 2, 12, 48.5, Instant.now(), "HTTP 503", Instant.now()),
                new SinkStatus("prometheus", true, "", 0, 987_654, 0, 0, 0, 0.25, Instant.now(), null, null));
    }

    @Override public List<DeviceInfo> devices() {
        return List.of(
                new DeviceInfo("pi", DeviceState.ONLINE, "", Instant.now(), Map.of(), 50_000, 0, null, null),
                new DeviceInfo("kasa \"garage\"", DeviceState.OFFLINE, "no answer", Instant.now(), Map.of(), 700, 9, "timeout", null),
                new DeviceInfo("loadgen", null, null, null, Map.of(), 12, 0, null, null));
    }

    @Override public List<Reading> recent(int max) { return List.of(); }

    @Override public List<DeadLetter> deadLetters(String sinkId, int max) { return List.of(); }
}
