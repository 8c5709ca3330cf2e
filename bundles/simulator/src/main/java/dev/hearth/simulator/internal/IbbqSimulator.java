package dev.hearth.simulator.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;

/**
 * The simulated iBBQ as the BLE service, while {@code dev.hearth.simulator.ibbq} is configured. Its
 * ranking is above the BlueZ transport's, so a driver takes it when both are present. Ticks on the
 * gateway's shared scheduler.
 */
@Component(configurationPid = IbbqSimulator.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = BleCentral.class,
        property = { "hearth.ble=simulator", "service.ranking:Integer=100" })
@Designate(ocd = IbbqSimulatorConfig.class)
public final class IbbqSimulator implements BleCentral {

    static final String PID = "dev.hearth.simulator.ibbq";
    private static final Logger LOG = LoggerFactory.getLogger(IbbqSimulator.class);

    private final SimulatedIbbq device;
    private final ScheduledFuture<?> ticks;

    @Activate
    public IbbqSimulator(IbbqSimulatorConfig config, @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler) {
        if (config.probes() < 1 || config.probes() > 6) throw new IllegalArgumentException("probes must be within 1..6, is " + config.probes());
        if (config.time__scale() < 1 || config.time__scale() > 3600) throw new IllegalArgumentException("time_scale must be within 1..3600");
        if (config.drop__every__seconds() < 0) throw new IllegalArgumentException("drop_every_seconds must not be negative");
        if (!config.address().trim().matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) throw new IllegalArgumentException("address must look like AA:BB:CC:DD:EE:FF");
        device = new SimulatedIbbq(config.address().trim(), config.name(), config.probes(), config.time__scale(),
                Duration.ofSeconds(config.drop__every__seconds()));
        ticks = scheduler.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        LOG.info("ibbq simulator: {} '{}' with {} probes, cook time x{}, misbehaving every {} s", config.address(), config.name(),
                config.probes(), config.time__scale(), config.drop__every__seconds());
    }

    private void tick() {
        try {
            device.tick();
        } catch (RuntimeException e) {
            LOG.error("ibbq simulator: tick failed", e); // keep ticking: an exception would end the schedule
        }
    }

    @Deactivate
    void deactivate() {
        ticks.cancel(false);
    }

    @Override
    public BleScan scan(Consumer<Advertisement> listener) {
        return device.scan(listener);
    }

    @Override
    public BleConnection connect(String address, Duration timeout, Consumer<String> events) throws BleException {
        return device.connect(address, timeout, events);
    }

    @Override
    public boolean available() {
        return device.available();
    }

    @Override
    public AutoCloseable addAdapterListener(Consumer<AdapterEvent> listener) {
        return device.addAdapterListener(listener);
    }
}
