package dev.hearth.transport.serial;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/** One open serial port. Not thread-safe: one driver thread at a time reads and writes it. */
@ProviderType
public interface SerialPort extends Closeable {

    /** The name it was opened by, as configured. */
    String name();

    /** The device it resolved to when opened (e.g. {@code /dev/ttyUSB0}). */
    String device();

    /**
     * Reads what has arrived, at most {@code length} bytes, waiting up to {@code timeout} for the
     * first byte. Returns the number read, 0 if the timeout passed with nothing.
     *
     * @throws PortGoneException if the device has gone (unplugged); the port is then closed
     * @throws IOException if the port is closed or failing
     */
    int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException;

    /**
     * Writes all of {@code data}.
     *
     * @throws PortGoneException if the device has gone; the port is then closed
     */
    void write(byte[] data) throws IOException;

    /** Drops whatever has arrived and not been read (stale frames before a command). */
    void discardInput() throws IOException;

    boolean isOpen();

    /** Closes the port; closing twice is harmless. */
    @Override
    void close();
}
