package dev.hearth.itests.osgi.otasample;

import java.time.Instant;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * The activator of OtaFeatureIT's test driver: publishes a reading of the device named by its
 * manifest header {@code X-Itest-Device} every 100 ms through the core's ReadingPublisher (a
 * version without the header publishes nothing: a driver whose device fell silent).
 */
public class PublishingActivator implements BundleActivator {

    private volatile boolean running;
    private Thread thread;

    @Override
    public void start(BundleContext context) {
        String device = context.getBundle().getHeaders().get("X-Itest-Device");
        if (device == null) return;
        running = true;
        thread = new Thread(() -> {
            while (running) {
                ServiceReference<ReadingPublisher> ref = context.getServiceReference(ReadingPublisher.class);
                ReadingPublisher p = ref == null ? null : context.getService(ref);
                if (p != null) {
                    try {
                        p.publish(Reading.of(device, "itest").field("v", 1.0).at(Instant.now()).build());
                    } finally {
                        context.ungetService(ref);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "itest-publisher-" + device);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop(BundleContext context) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
    }
}
