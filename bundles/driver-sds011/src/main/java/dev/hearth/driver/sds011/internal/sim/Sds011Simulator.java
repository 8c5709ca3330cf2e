package dev.hearth.driver.sds011.internal.sim;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.transport.serial.PortGoneException;
import dev.hearth.transport.serial.SerialPort;
import dev.hearth.transport.serial.SerialPorts;
import dev.hearth.transport.serial.SerialSettings;

/**
 * The demo's SDS011s: a {@link SerialPorts} provider for {@code sim:NAME} ports, each a
 * {@link SimulatedSds011} that keeps its state (asleep, query mode) across opens. It sits at the
 * transport boundary, so the demo runs the driver's real codec, client and duty cycle. Runs only
 * when its own PID is configured (the demo feature does), never by default.
 */
@Component(configurationPid = Sds011Simulator.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = SerialPorts.class,
        property = SerialPorts.SCHEME + "=" + Sds011Simulator.SCHEME)
@Designate(ocd = Sds011SimulatorConfig.class)
public final class Sds011Simulator implements SerialPorts {

    static final String PID = "dev.hearth.simulator.sds011";
    static final String SCHEME = "sim";
    private static final Logger LOG = LoggerFactory.getLogger(Sds011Simulator.class);

    private final Map<String, SimulatedSds011> sensors = new ConcurrentHashMap<>();
    private final double baseline;
    private final double spikesPerHour;

    @Activate
    public Sds011Simulator(Sds011SimulatorConfig config) {
        if (!(config.baseline() >= 0 && config.baseline() <= 500)) throw new IllegalArgumentException("baseline must be within 0..500, is " + config.baseline());
        if (!(config.spikes__per__hour() >= 0 && config.spikes__per__hour() <= 60)) {
            throw new IllegalArgumentException("spikes_per_hour must be within 0..60, is " + config.spikes__per__hour());
        }
        this.baseline = config.baseline();
        this.spikesPerHour = config.spikes__per__hour();
    }

    @Override
    public SerialPort open(String port, SerialSettings settings) throws IOException {
        String name = port == null ? "" : port.trim();
        if (!SerialPorts.schemeOf(name).equals(SCHEME) || name.length() <= SCHEME.length() + 1) {
            throw new PortGoneException(name, "the SDS011 simulator opens sim:NAME ports only, not '" + name + "'");
        }
        if (settings.baud() != 9600) throw new IOException("an SDS011 speaks 9600 baud; asked for " + settings.baud());
        SimulatedSds011 sensor = sensors.computeIfAbsent(name, n -> {
            LOG.info("sds011 simulator: sensor {} created", n);
            return new SimulatedSds011(Clock.systemUTC(), n.hashCode(), 0xA160 ^ (n.hashCode() & 0x0F0F), baseline, spikesPerHour);
        });
        return new SimulatedSerialPort(name, sensor);
    }

    @Override
    public List<String> available() {
        return sensors.keySet().stream().sorted().toList();
    }
}
