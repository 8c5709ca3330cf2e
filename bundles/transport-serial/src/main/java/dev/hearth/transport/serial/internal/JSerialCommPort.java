package dev.hearth.transport.serial.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.hearth.transport.serial.PortGoneException;
import dev.hearth.transport.serial.SerialPort;

/** A {@link SerialPort} over one open jSerialComm port. */
final class JSerialCommPort implements SerialPort {

    private final String name;
    private final com.fazecast.jSerialComm.SerialPort port;
    /** Checked before each read and after a failure: an unplugged adapter's node (and its by-id link) disappears. */
    private final Path watched;
    private int readTimeoutMillis = -1;
    private volatile boolean open = true;

    JSerialCommPort(String name, com.fazecast.jSerialComm.SerialPort port, Path watched) {
        this.name = name;
        this.port = port;
        this.watched = watched;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return port.getSystemPortPath();
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        checkOpen();
        if (offset < 0 || length < 0 || offset + length > buffer.length) throw new IndexOutOfBoundsException();
        if (length == 0) return 0;
        gone(null);
        // jSerialComm takes 0 as "wait forever": never ask for that
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (millis != readTimeoutMillis) {
            port.setComPortTimeouts(com.fazecast.jSerialComm.SerialPort.TIMEOUT_READ_SEMI_BLOCKING
                    | com.fazecast.jSerialComm.SerialPort.TIMEOUT_WRITE_BLOCKING, millis, 2000);
            readTimeoutMillis = millis;
        }
        int n = port.readBytes(buffer, length, offset);
        if (n < 0) {
            gone("read failed (error " + port.getLastErrorCode() + ")");
            throw failed("read failed (error " + port.getLastErrorCode() + " at " + port.getLastErrorLocation() + ")");
        }
        return n;
    }

    @Override
    public void write(byte[] data) throws IOException {
        checkOpen();
        gone(null);
        int done = 0;
        while (done < data.length) {
            int n = port.writeBytes(data, data.length - done, done);
            if (n <= 0) {
                gone("write failed (error " + port.getLastErrorCode() + ")");
                throw failed("write failed (error " + port.getLastErrorCode() + " at " + port.getLastErrorLocation() + ")");
            }
            done += n;
        }
    }

    @Override
    public void discardInput() throws IOException {
        checkOpen();
        port.flushIOBuffers();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        if (!open) return;
        open = false;
        port.closePort();
    }

    private void checkOpen() throws IOException {
        if (!open) throw new IOException("port " + name + " is closed");
    }

    /** Throws {@link PortGoneException} (and closes) if the device node or the link it was opened by has gone. */
    private void gone(String why) throws PortGoneException {
        boolean present = watched == null || Files.exists(watched) && Files.exists(Path.of(port.getSystemPortPath()));
        if (present) return;
        close();
        throw new PortGoneException(name, "port " + name + " has gone (unplugged?)" + (why == null ? "" : "; " + why));
    }

    private IOException failed(String message) {
        // the node is still there but the port fails: treat as gone too, so the driver reopens it
        close();
        return new PortGoneException(name, "port " + name + ": " + message);
    }
}
