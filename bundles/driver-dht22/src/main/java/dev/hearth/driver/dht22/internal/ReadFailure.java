package dev.hearth.driver.dht22.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** A failed read of the sensor, classified by what the driver should do about it. */
final class ReadFailure extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** EIO: the kernel lost sync, the checksum failed or the bits did not decode. Retry after 2 s. */
        EIO(true),
        /** ETIMEDOUT: too few edges within 1 s (sensor unpowered, wedged, or a wire loose). Retry after 2 s. */
        TIMEOUT(true),
        /** The IIO device or its attribute is gone (sensor unbound, overlay removed): find it again. */
        GONE(false),
        /** The file holds something no kernel writes (empty, not a number, too long), or is not a file. */
        MALFORMED(false),
        /** Not readable by the gateway's user. */
        ACCESS(false),
        /** Any other I/O error. */
        OTHER(false);

        final boolean transientSensorError;

        Kind(boolean transientSensorError) {
            this.transientSensorError = transientSensorError;
        }
    }

    private final Kind kind;

    ReadFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    ReadFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    /**
     * What an {@link IOException} from reading a sysfs attribute means. Java reports a failed
     * {@code read(2)} as a plain IOException whose message is the C library's {@code strerror}:
     * glibc says "Input/output error" (EIO), "Connection timed out" (ETIMEDOUT) and "No such
     * device" (ENODEV); musl says "I/O error" and "Operation timed out". A failed {@code open(2)}
     * is a {@link FileSystemException} whose reason carries the same text.
     */
    static Kind classify(IOException e) {
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) return Kind.GONE;
        if (e instanceof AccessDeniedException) return Kind.ACCESS;
        // a FileSystemException's message is the path (plus the reason): only its reason is the error's text
        String m = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (m == null) return Kind.OTHER;
        if (m.endsWith("Input/output error") || m.endsWith("I/O error")) return Kind.EIO;
        if (m.endsWith("Connection timed out") || m.endsWith("Operation timed out")) return Kind.TIMEOUT;
        if (m.endsWith("No such device") || m.endsWith("No such file or directory")) return Kind.GONE;
        if (m.endsWith("Permission denied") || m.endsWith("Operation not permitted")) return Kind.ACCESS;
        if (m.endsWith("Is a directory")) return Kind.MALFORMED;
        return Kind.OTHER;
    }
}
