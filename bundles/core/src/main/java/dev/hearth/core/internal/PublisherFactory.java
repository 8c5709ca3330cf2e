package dev.hearth.core.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * The core's {@link ReadingPublisher}, one per using bundle (OSGi bundle scope): each publish
 * records which bundle published the readings' devices in the {@link DeviceRegistry}, then goes
 * to the core's bus. Management's health check after an OTA uses that to know which devices an
 * updated driver must bring back, without being told.
 */
// registered by hand, so DS does not declare the service: declared here for resolvers (drivers require it)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=dev.hearth.api.ReadingPublisher", uses = ReadingPublisher.class)
final class PublisherFactory implements ServiceFactory<ReadingPublisher> {

    private final ReadingPublisher core;
    private final DeviceRegistry devices;

    PublisherFactory(ReadingPublisher core, DeviceRegistry devices) {
        this.core = core;
        this.devices = devices;
    }

    @Override
    public ReadingPublisher getService(Bundle bundle, ServiceRegistration<ReadingPublisher> registration) {
        return new BundlePublisher(core, devices, bundle);
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<ReadingPublisher> registration, ReadingPublisher service) {
        // the device → bundle records stay: after an update the health check compares with them
    }

    /** The publisher handed to one bundle. */
    static final class BundlePublisher implements ReadingPublisher {
        private final ReadingPublisher core;
        private final DeviceRegistry devices;
        private final long bundleId;
        private final String symbolicName;
        private final String version;

        BundlePublisher(ReadingPublisher core, DeviceRegistry devices, Bundle bundle) {
            // a version is fixed per revision; an update stops the bundle, so its next use gets a new publisher
            this(core, devices, bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString());
        }

        BundlePublisher(ReadingPublisher core, DeviceRegistry devices, long bundleId, String symbolicName, String version) {
            this.core = core;
            this.devices = devices;
            this.bundleId = bundleId;
            this.symbolicName = symbolicName;
            this.version = version;
        }

        @Override
        public CompletionStage<Void> publish(Reading reading) {
            return publish(List.of(reading));
        }

        @Override
        public CompletionStage<Void> publish(List<Reading> readings) {
            devices.publishedBy(readings, bundleId, symbolicName, version);
            return core.publish(readings);
        }

        @Override
        public CompletionStage<Void> publishPromptly(List<Reading> readings) {
            devices.publishedBy(readings, bundleId, symbolicName, version);
            return core.publishPromptly(readings);
        }
    }
}
