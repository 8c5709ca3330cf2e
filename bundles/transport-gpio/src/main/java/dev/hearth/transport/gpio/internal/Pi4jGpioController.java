package dev.hearth.transport.gpio.internal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pi4j.Pi4J;
import com.pi4j.boardinfo.util.BoardInfoHelper;
import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.IOType;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;

import dev.hearth.transport.gpio.GpioController;
import dev.hearth.transport.gpio.GpioException;
import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioOutput;
import dev.hearth.transport.gpio.GpioUnavailableException;

/**
 * GPIO outputs through Pi4J 2.8 and its gpiod provider (the Linux GPIO character device; the
 * sysfs GPIO numbering broke on Raspberry Pi OS Bookworm). The Pi4J context is made at the first
 * line opened, not at activation, so a gateway without GPIO never loads the native library.
 */
@Component(service = GpioController.class)
public final class Pi4jGpioController implements GpioController {

    private static final Logger LOG = LoggerFactory.getLogger(Pi4jGpioController.class);

    private final ChipProbe probe;
    private final BooleanSupplier raspberryPi;
    private final Map<GpioLine, Pi4jOutput> open = new HashMap<>();
    private Context context;
    private boolean closed;

    @Activate
    public Pi4jGpioController() {
        this(new ChipProbe(Path.of("/dev")), Pi4jGpioController::runningOnRaspberryPi);
    }

    Pi4jGpioController(ChipProbe probe, BooleanSupplier raspberryPi) {
        this.probe = probe;
        this.raspberryPi = raspberryPi;
    }

    private static boolean runningOnRaspberryPi() {
        try {
            return BoardInfoHelper.runningOnRaspberryPi();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("gpio: board detection failed", e);
            return false;
        }
    }

    @Override
    public synchronized GpioOutput openOutput(GpioLine line, boolean initialHigh, String consumer) throws GpioException {
        if (closed) throw new GpioException("the GPIO service is stopping");
        probe.requireChip(line);
        if (!line.chip().isEmpty()) {
            // GpioDContext picks its chip itself (the one labelled pinctrl-*) and addresses lines by offset on it
            throw new GpioUnavailableException("Pi4J's gpiod provider drives only the board's main GPIO chip, by BCM number; "
                    + "give the line as a number (e.g. " + line.offset() + " or GPIO" + line.offset() + "), not as " + line);
        }
        if (!raspberryPi.getAsBoolean()) {
            throw new GpioUnavailableException("Pi4J's gpiod provider drives GPIO on a Raspberry Pi only, and this board is not "
                    + "recognised as one (/proc/device-tree/model); " + line + " cannot be driven");
        }
        if (open.containsKey(line)) throw new GpioException(line + " is already held by '" + open.get(line).consumer() + "' in this gateway");
        Context ctx = context();
        String id = ioId(consumer, line.offset());
        DigitalOutput out;
        try {
            out = ctx.create(DigitalOutput.newConfigBuilder(ctx).id(id).name(consumer == null ? id : consumer).address(line.offset())
                    .initial(initialHigh ? DigitalState.HIGH : DigitalState.LOW).provider(GpioDDigitalOutputProvider.ID).build(),
                    IOType.DIGITAL_OUTPUT);
        } catch (Pi4JException | IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No gpio chip")) {
                throw new GpioUnavailableException("Pi4J found no GPIO chip labelled pinctrl-* for " + line, e);
            }
            throw new GpioException("cannot request " + line + " as an output (held by another program, or no permission on "
                    + "/dev/gpiochip*: add the gateway's user to the gpio group): " + m, e);
        }
        Pi4jOutput o = new Pi4jOutput(line, consumer == null ? id : consumer, out, initialHigh, this::release);
        open.put(line, o);
        LOG.info("gpio: {} is an output for '{}', {}", line, o.consumer(), initialHigh ? "high" : "low");
        return o;
    }

    private Context context() {
        if (context == null) {
            // explicit provider, no auto-detection: Pi4J's ServiceLoader lookup cannot see into other bundles
            context = Pi4J.newContextBuilder().noAutoDetect().add(GpioDDigitalOutputProvider.newInstance()).build();
        }
        return context;
    }

    private synchronized void release(Pi4jOutput o) {
        open.remove(o.line(), o);
        if (context != null) {
            try {
                context.shutdown(o.ioId());
            } catch (RuntimeException e) {
                LOG.warn("gpio: releasing {} failed: {}", o.line(), e.toString());
            }
        }
    }

    /** A Pi4J IO id, which gpiod also shows as the line's consumer: short, printable, unique per line. */
    static String ioId(String consumer, int offset) {
        String c = consumer == null ? "" : consumer.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
        if (c.length() > 20) c = c.substring(0, 20);
        return "hearth-" + (c.isEmpty() ? "" : c + "-") + offset;
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true;
        for (Pi4jOutput o : Map.copyOf(open).values()) o.close();
        if (context != null) {
            try {
                context.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("gpio: Pi4J shutdown failed: {}", e.toString());
            }
            context = null;
        }
    }
}
