package dev.hearth.transport.gpio;

/**
 * This machine cannot drive the line at all: no GPIO chip, an unsupported board or chip.
 * Retrying will not help until the hardware or the configuration changes.
 */
public class GpioUnavailableException extends GpioException {

    private static final long serialVersionUID = 1L;

    public GpioUnavailableException(String message) {
        super(message);
    }

    public GpioUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
