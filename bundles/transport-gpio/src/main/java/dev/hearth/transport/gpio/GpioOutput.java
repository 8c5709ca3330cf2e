package dev.hearth.transport.gpio;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A GPIO line held as a digital output. Held until {@link #close()}: the kernel lets one consumer
 * hold a line at a time. Calls are thread-safe.
 */
@ProviderType
public interface GpioOutput extends AutoCloseable {

    /** The longest {@link #pulse} allowed; longer waits belong on a scheduler, not in a blocked thread. */
    Duration MAX_PULSE = Duration.ofSeconds(10);

    GpioLine line();

    /** Drives the line high ({@code true}) or low. */
    void set(boolean high) throws GpioException;

    default void high() throws GpioException {
        set(true);
    }

    default void low() throws GpioException {
        set(false);
    }

    /** The level last set (the initial level until the first {@link #set}). */
    boolean isHigh();

    /**
     * Drives the line to {@code level} for {@code duration}, then back to the level it had;
     * blocks the caller meanwhile.
     *
     * @throws IllegalArgumentException if the duration is negative or longer than {@link #MAX_PULSE}
     */
    void pulse(boolean level, Duration duration) throws GpioException, InterruptedException;

    /** Releases the line. The kernel leaves it at its last level. Further calls fail; closing twice does nothing. */
    @Override
    void close();
}
