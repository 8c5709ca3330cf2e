package dev.hearth.driver.loadgen.internal;

import java.nio.file.Path;
import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.api.ReadingPublisher;

/**
 * A load generator, one per factory configuration ({@code dev.hearth.driver.loadgen~bench}).
 * Publishes deterministic readings {@code 1, 2, ...} on its own thread; see {@link LoadSequence}
 * and {@link LoadRunner}.
 */
@Component(service = {}, configurationPid = LoadgenDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LoadgenConfig.class, factory = true)
public final class LoadgenDriver {

    static final String PID = "dev.hearth.driver.loadgen";
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final LoadRunner runner;

    @Activate
    public LoadgenDriver(LoadgenConfig config, BundleContext context, @Reference(name = "publisher") ReadingPublisher publisher,
            @Reference(name = "status") DeviceStatusReporter status) {
        LoadSequence sequence = new LoadSequence(config.device(), context.getBundle().getVersion().toString(),
                config.epoch__start__ms());
        runner = new LoadRunner(sequence, publisher, status, settings(config, context.getProperty("hearth.data")));
        runner.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        runner.stop();
    }

    static LoadRunner.Settings settings(LoadgenConfig c, String dataDirectory) {
        String ack = c.ack__file() == null ? "" : c.ack__file().trim();
        AckFile ackFile = null;
        if (!ack.isEmpty()) {
            Path data = Path.of(dataDirectory == null || dataDirectory.isBlank() ? "./data" : dataDirectory);
            ackFile = new AckFile(data.resolve(ack)); // an absolute path stays as it is
        }
        return new LoadRunner.Settings(c.rate__per__second(), c.batch__size(), c.count(), ackFile, PUBLISH_TIMEOUT,
                FIRST_BACKOFF);
    }
}
