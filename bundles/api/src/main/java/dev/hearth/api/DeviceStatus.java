package dev.hearth.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A driver's account of one device.
 *
 * @param device the device id used in its readings
 * @param state the link state
 * @param message a short human-readable explanation, may be empty
 * @param since when the device entered this state
 * @param details driver-specific facts shown by the console (e.g. reconnect counts, firmware), values as strings
 */
public record DeviceStatus(String device, DeviceState state, String message, Instant since, Map<String, String> details) {

    public DeviceStatus {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
        since = since == null ? Instant.now() : since;
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static DeviceStatus of(String device, DeviceState state, String message) {
        return new DeviceStatus(device, state, message, Instant.now(), Map.of());
    }
}
