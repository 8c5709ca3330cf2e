package dev.hearth.sink.file.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;

/**
 * The embedded default store: readings as JSON lines in rotated files under
 * {@code ${hearth.data}/readings}. Registered as sink {@code file}; its configuration's
 * {@code hearth.sink.filter} reaches the service registration because DS publishes configuration
 * properties as service properties.
 */
@Component(service = ReadingSink.class, configurationPid = FileSink.PID, property = ReadingSink.ID + "=file")
@Designate(ocd = FileSinkConfig.class)
public final class FileSink implements ReadingSink {

    static final String PID = "dev.hearth.sink.file";
    /** Framework property naming the gateway's data directory. */
    static final String DATA_PROPERTY = "hearth.data";
    static final String DEFAULT_DATA = "./data";

    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final JsonLinesStore store;

    @Activate
    public FileSink(FileSinkConfig config, BundleContext context) {
        this(settings(config, context.getProperty(DATA_PROPERTY)), Clock.systemUTC());
    }

    FileSink(StoreSettings settings, Clock clock) {
        store = new JsonLinesStore(settings, clock);
        try {
            store.open();
            LOG.info("writing readings to {}", store.currentFile());
        } catch (IOException | RuntimeException e) {
            // stay registered: deliveries answer RETRY with the reason until the directory is usable
            LOG.warn("cannot open {} yet ({}); deliveries will be retried", store.currentFile(), JsonLinesStore.describe(e));
        }
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) {
        return store.write(batch);
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    static StoreSettings settings(FileSinkConfig c, String dataProperty) {
        Path data = Path.of(dataProperty == null || dataProperty.isBlank() ? DEFAULT_DATA : dataProperty);
        String dir = c.directory() == null ? "" : c.directory().trim();
        Path directory = dir.isEmpty() ? data.resolve("readings") : data.resolve(dir); // resolve keeps an absolute dir
        return new StoreSettings(directory, c.max__file__mb() * StoreSettings.MIB, Duration.ofHours(c.rotate__hours()),
                c.max__files(), c.max__total__mb() * StoreSettings.MIB, c.fsync(), c.dedup__window());
    }
}
