package dev.hearth.console.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.Reading;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/** A GatewayStatus holding whatever a test puts in it. */
class FakeGatewayStatus implements GatewayStatus {

    Instant startedAt;
    JournalStatus journal;
    final List<SinkStatus> sinks = new ArrayList<>();
    final List<DeviceInfo> devices = new ArrayList<>();
    final List<Reading> recent = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    int lastRecentMax;

    @Override public Instant startedAt() { return startedAt; }
    @Override public JournalStatus journal() { return journal; }
    @Override public List<SinkStatus> sinks() { return sinks; }
    @Override public List<DeviceInfo> devices() { return devices; }

    @Override
    public List<Reading> recent(int max) {
        lastRecentMax = max;
        return recent.subList(Math.max(0, recent.size() - max), recent.size());
    }

    @Override
    public List<DeadLetter> deadLetters(String sinkId, int max) {
        return deadLetters.stream().filter(d -> d.sinkId().equals(sinkId)).limit(max).toList();
    }
}
