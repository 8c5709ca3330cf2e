package dev.hearth.transport.gpio;

import org.osgi.annotation.versioning.ProviderType;

/** Opens GPIO lines. Provided by the transport-gpio bundle as an OSGi service. */
@ProviderType
public interface GpioController {

    /**
     * Requests {@code line} as an output and drives it to {@code initialHigh}.
     *
     * @param consumer a short name the kernel shows for the holder ({@code gpioinfo}), e.g. the driver's device id
     * @throws GpioUnavailableException when the machine has no usable GPIO chip or cannot drive this line,
     *         with a message saying why (no {@code /dev/gpiochip*}, not a supported board, chip not supported)
     * @throws GpioException when the line exists but cannot be requested (held by another consumer, permissions)
     */
    GpioOutput openOutput(GpioLine line, boolean initialHigh, String consumer) throws GpioException;
}
