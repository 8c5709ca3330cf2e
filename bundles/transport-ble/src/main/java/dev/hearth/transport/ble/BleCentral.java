package dev.hearth.transport.ble;

import java.time.Duration;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's Bluetooth LE adapter in the central role. Calls block for at most the timeout
 * given (or the implementation's own bound) and fail with {@link BleException}; listeners are
 * called on the transport's threads and must return quickly.
 */
@ProviderType
public interface BleCentral {

    /**
     * Starts discovery; {@code listener} gets every advertisement seen (repeats included) until the
     * returned handle is closed. Several scans may run at once; the adapter scans while any is open.
     */
    BleScan scan(Consumer<Advertisement> listener) throws BleException;

    /**
     * Connects to the device at {@code address} (as {@code AA:BB:CC:DD:EE:FF}) and resolves its GATT
     * services. Fails if the adapter does not know the device (scan first) or does not connect in time.
     *
     * @param events told once when this connection ends, whatever the cause
     */
    BleConnection connect(String address, Duration timeout, Consumer<String> events) throws BleException;

    /** Whether the adapter is present and powered. */
    boolean available();

    /** Registers an adapter listener until the returned handle is closed. */
    AutoCloseable addAdapterListener(Consumer<AdapterEvent> listener);
}
