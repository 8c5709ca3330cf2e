package dev.hearth.transport.ble;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One advertisement (or scan response) as the adapter reported it.
 *
 * @param address the device address, upper case {@code AA:BB:CC:DD:EE:FF}
 * @param name the advertised local name, empty if none
 * @param rssi signal strength in dBm, or {@link Integer#MIN_VALUE} if unknown
 * @param services the advertised service UUIDs
 * @param manufacturerData manufacturer-specific data by company id (the bytes after the id)
 * @param time when it was received
 */
public record Advertisement(String address, String name, int rssi, List<UUID> services,
        Map<Integer, byte[]> manufacturerData, Instant time) {

    public Advertisement {
        Objects.requireNonNull(address, "address");
        name = name == null ? "" : name;
        services = List.copyOf(services == null ? List.of() : services);
        manufacturerData = Map.copyOf(manufacturerData == null ? Map.of() : manufacturerData);
        time = time == null ? Instant.now() : time;
    }
}
