package dev.hearth.itests.osgi.otasample;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of OtaIT's broken test bundle version: it throws on start. */
public class BadActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException("broken on purpose (OtaIT)");
    }

    @Override
    public void stop(BundleContext context) {
        // never started
    }
}
