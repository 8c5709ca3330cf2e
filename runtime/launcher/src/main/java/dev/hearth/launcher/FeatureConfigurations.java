package dev.hearth.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Applies the {@code configurations} of the selected features through Configuration Admin, only
 * for PIDs that have no configuration yet: files in {@code config/} (FileInstall, which starts
 * later) and changes made at run time win over feature defaults.
 *
 * <p>Runs synchronously when Configuration Admin registers, i.e. during the start-level ramp and
 * before SCR activates any component, so components start with their feature configuration. The
 * launcher sees the Configuration Admin API only through reflection: it is not on the class path.
 */
final class FeatureConfigurations implements ServiceListener {
    static final String CM = "org.osgi.service.cm.ConfigurationAdmin";

    private final BundleContext context;
    private final Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
    private boolean applied;

    FeatureConfigurations(BundleContext context, List<Feature> features) {
        this.context = context;
        for (Feature f : features) {
            configurations.putAll(f.configurations());
        }
    }

    void register() throws org.osgi.framework.InvalidSyntaxException {
        if (configurations.isEmpty()) {
            return;
        }
        context.addServiceListener(this, "(objectClass=" + CM + ")");
    }

    @Override
    public synchronized void serviceChanged(ServiceEvent event) {
        if (event.getType() != ServiceEvent.REGISTERED || applied) {
            return;
        }
        applied = true;
        context.removeServiceListener(this);
        apply(event.getServiceReference());
    }

    private void apply(ServiceReference<?> ref) {
        Object cm = context.getService(ref);
        if (cm == null) {
            return;
        }
        try {
            ClassLoader api = cm.getClass().getClassLoader();
            Class<?> cmClass = Class.forName(CM, false, api);
            Class<?> confClass = Class.forName("org.osgi.service.cm.Configuration", false, api);
            Method list = cmClass.getMethod("listConfigurations", String.class);
            Method get = cmClass.getMethod("getConfiguration", String.class, String.class);
            Method getFactory = cmClass.getMethod("getFactoryConfiguration", String.class, String.class, String.class);
            Method update = confClass.getMethod("update", Dictionary.class);
            for (Map.Entry<String, Map<String, Object>> e : configurations.entrySet()) {
                String pid = e.getKey();
                try {
                    Object[] existing = (Object[]) list.invoke(cm, "(service.pid=" + pid + ")");
                    if (existing != null && existing.length > 0) {
                        Log.debug("Configuration " + pid + " exists; feature default not applied");
                        continue;
                    }
                    int tilde = pid.indexOf('~');
                    Object conf = tilde < 0 ? get.invoke(cm, pid, "?")
                            : getFactory.invoke(cm, pid.substring(0, tilde), pid.substring(tilde + 1), "?");
                    update.invoke(conf, new Hashtable<>(e.getValue()));
                    Log.info("Applied feature configuration " + pid);
                } catch (InvocationTargetException ex) {
                    Log.error("Cannot apply feature configuration " + pid, ex.getCause());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException ex) {
            Log.error("Cannot apply feature configurations", ex);
        } finally {
            context.ungetService(ref);
        }
    }
}
