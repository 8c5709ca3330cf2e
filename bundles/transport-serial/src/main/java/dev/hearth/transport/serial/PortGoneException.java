package dev.hearth.transport.serial;

import java.io.IOException;

/**
 * The device behind a port is not there: never plugged in, or unplugged while open. Worth trying
 * again later (with backoff); the port, if it was open, has been closed.
 */
public class PortGoneException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String port;

    public PortGoneException(String port, String message) {
        super(message);
        this.port = port;
    }

    public PortGoneException(String port, String message, Throwable cause) {
        super(message, cause);
        this.port = port;
    }

    /** The port's name, as it was asked for. */
    public String port() {
        return port;
    }
}
