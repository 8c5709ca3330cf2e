package dev.hearth.api.status;

import java.time.Instant;
import java.util.Map;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;

/**
 * What the gateway knows of one device.
 *
 * @param device the device id
 * @param state the last reported state, or {@code null} if the driver never reported one
 * @param message the last state message
 * @param since when it entered that state
 * @param details driver-specific facts
 * @param readings readings accepted from it since start
 * @param errors errors counted against it since start
 * @param lastError the last error message, or {@code null}
 * @param lastReading its newest reading, or {@code null}
 */
public record DeviceInfo(String device, DeviceState state, String message, Instant since, Map<String, String> details,
        long readings, long errors, String lastError, Reading lastReading) {
}
