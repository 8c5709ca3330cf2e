package dev.hearth.itests.osgi.otasample;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of OtaIT's healthy test bundle versions (copied into jars the test builds). */
public class GoodActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        // healthy: nothing to do
    }

    @Override
    public void stop(BundleContext context) {
        // nothing to undo
    }
}
