package dev.hearth.driver.kasa.internal.sim;

import java.io.IOException;
import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's Kasa plug: a {@link SimulatedPlug} on a local TCP port. It sits at the transport
 * boundary, so the demo exercises the driver's real codec and client. Runs only when its own PID
 * is configured (the demo feature does), never by default.
 */
@Component(configurationPid = KasaSimulator.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = KasaSimulatorConfig.class)
public final class KasaSimulator {

    static final String PID = "dev.hearth.simulator.kasa";
    private static final Logger LOG = LoggerFactory.getLogger(KasaSimulator.class);

    private final KasaPlugServer server;

    @Activate
    public KasaSimulator(KasaSimulatorConfig config) throws IOException {
        SimulatedPlug.Model model;
        try {
            model = SimulatedPlug.Model.valueOf(config.model().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model must be HS110V1, HS110V2 or HS300, is '" + config.model() + "'", e);
        }
        server = new KasaPlugServer(new SimulatedPlug(model, config.alias(), System::nanoTime), config.address(), config.port());
        LOG.info("kasa simulator: {} '{}' on {}:{}", model, config.alias(), config.address(), server.port());
    }

    @Deactivate
    void deactivate() {
        server.close();
    }
}
