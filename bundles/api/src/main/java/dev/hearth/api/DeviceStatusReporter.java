package dev.hearth.api;

import org.osgi.annotation.versioning.ProviderType;

/** Where drivers report the state of their devices and count their errors. Provided by the core bundle. */
@ProviderType
public interface DeviceStatusReporter {

    /** Records the device's current state. */
    void report(DeviceStatus status);

    /** Counts one error against a device (a bad frame, a failed read) without changing its state. */
    void error(String device, String message);

    /** Forgets a device (its driver was removed or reconfigured away from it). */
    void remove(String device);
}
