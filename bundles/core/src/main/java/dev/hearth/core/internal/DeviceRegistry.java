package dev.hearth.core.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.DevicePublisher;

/**
 * What is known of each device: its reported state, its accepted readings and its errors, and
 * which bundle publishes it (kept apart: a publish the bus then refuses still names its publisher,
 * but does not make the device appear in {@link #snapshot}).
 */
public final class DeviceRegistry {

    private static final class Entry {
        DeviceStatus status;
        long readings;
        long errors;
        String lastError;
        Reading lastReading;
    }

    private final Map<String, Entry> devices = new ConcurrentHashMap<>();
    private final Map<String, DevicePublisher> publishers = new ConcurrentHashMap<>();

    /** Records that this bundle publishes these readings' devices; called on every publish, so a read first, a write only on change. */
    void publishedBy(List<Reading> readings, long bundleId, String symbolicName, String version) {
        String last = null;
        for (Reading r : readings) {
            String device = r.device();
            if (device.equals(last)) continue; // batches are mostly one device
            last = device;
            DevicePublisher p = publishers.get(device);
            if (p == null || p.bundleId() != bundleId || !p.version().equals(version) || !p.symbolicName().equals(symbolicName)) {
                publishers.put(device, new DevicePublisher(device, bundleId, symbolicName, version));
            }
        }
    }

    List<DevicePublisher> publishers() {
        return publishers.values().stream().sorted(Comparator.comparing(DevicePublisher::device)).toList();
    }

    void accepted(List<Reading> readings) {
        for (Reading r : readings) {
            Entry e = devices.computeIfAbsent(r.device(), d -> new Entry());
            synchronized (e) {
                e.readings++;
                if (e.lastReading == null || !r.timestamp().isBefore(e.lastReading.timestamp())) e.lastReading = r;
            }
        }
    }

    void report(DeviceStatus status) {
        Entry e = devices.computeIfAbsent(status.device(), d -> new Entry());
        synchronized (e) {
            // keep "since" when the state did not change, so the console shows how long it has held
            if (e.status != null && e.status.state() == status.state()) {
                status = new DeviceStatus(status.device(), status.state(), status.message(), e.status.since(), status.details());
            }
            e.status = status;
        }
    }

    void error(String device, String message) {
        Entry e = devices.computeIfAbsent(device, d -> new Entry());
        synchronized (e) {
            e.errors++;
            e.lastError = message;
        }
    }

    void remove(String device) {
        devices.remove(device);
        publishers.remove(device);
    }

    List<DeviceInfo> snapshot() {
        return devices.entrySet().stream().map(en -> {
            Entry e = en.getValue();
            synchronized (e) {
                DeviceStatus s = e.status;
                DeviceState state = s == null ? null : s.state();
                Instant since = s == null ? null : s.since();
                return new DeviceInfo(en.getKey(), state, s == null ? "" : s.message(), since,
                        s == null ? Map.of() : s.details(), e.readings, e.errors, e.lastError, e.lastReading);
            }
        }).sorted(Comparator.comparing(DeviceInfo::device)).toList();
    }
}
