package dev.hearth.transport.gpio;

import java.io.IOException;

/** A GPIO line could not be opened or driven; the message says why. */
public class GpioException extends IOException {

    private static final long serialVersionUID = 1L;

    public GpioException(String message) {
        super(message);
    }

    public GpioException(String message, Throwable cause) {
        super(message, cause);
    }
}
