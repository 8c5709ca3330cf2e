package dev.hearth.transport.ble;

import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/** A GATT connection to one device. Characteristics are named by service and characteristic UUID. */
@ProviderType
public interface BleConnection extends AutoCloseable {

    String address();

    /** False once the link has dropped or {@link #close()} was called. */
    boolean connected();

    /** The UUIDs of the device's primary services. */
    Set<UUID> services();

    byte[] read(UUID service, UUID characteristic) throws BleException;

    /** Writes a value; {@code withResponse} waits for the device's acknowledgement. */
    void write(UUID service, UUID characteristic, byte[] value, boolean withResponse) throws BleException;

    /**
     * Enables notifications (writes the CCCD) and delivers each value to {@code listener} until the
     * connection ends or the returned handle is closed.
     */
    AutoCloseable subscribe(UUID service, UUID characteristic, Consumer<byte[]> listener) throws BleException;

    /** Disconnects; never throws. */
    @Override
    void close();
}
