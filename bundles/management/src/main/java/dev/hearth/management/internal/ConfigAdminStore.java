package dev.hearth.management.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@link ConfigStore} over ConfigAdmin. Factory instances are named configurations
 * ({@code getFactoryConfiguration(factoryPid, name, "?")}, PID {@code factoryPid~name}), the way
 * FileInstall 3.7.4 creates them from {@code factoryPid-name.cfg}, so both find the same one.
 * Every value is stored as text, as FileInstall reads a {@code .cfg}: its re-read of the file
 * management writes then finds nothing to change.
 */
final class ConfigAdminStore implements ConfigStore {

    private final ConfigurationAdmin admin;

    ConfigAdminStore(ConfigurationAdmin admin) {
        this.admin = admin;
    }

    @Override
    public Stored get(Target target) throws IOException {
        Configuration c = find(target);
        if (c == null) return null;
        Dictionary<String, Object> d = c.getProperties();
        if (d == null) return null;
        return stored(d);
    }

    static Stored stored(Dictionary<String, Object> d) {
        Map<String, String> props = new TreeMap<>();
        Set<String> notText = new TreeSet<>();
        String file = null;
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            Object v = d.get(k);
            if (k.equals(ConfigEditor.FILENAME_KEY)) {
                file = String.valueOf(v);
                continue;
            }
            if (MetatypeCheck.RESERVED.contains(k)) continue;
            if (v.getClass().isArray() || v instanceof Collection<?>) notText.add(k);
            else props.put(k, String.valueOf(v));
        }
        return new Stored(props, file, notText);
    }

    @Override
    public void put(Target target, Map<String, String> properties) throws IOException {
        Configuration c = target.isFactory() ? admin.getFactoryConfiguration(target.factoryPid(), target.name(), "?")
                : admin.getConfiguration(target.pid(), "?");
        Hashtable<String, Object> d = new Hashtable<>(properties);
        c.update(d);
    }

    @Override
    public void delete(Target target) throws IOException {
        Configuration c = find(target);
        if (c != null) c.delete();
    }

    /** The existing configuration, without creating one. */
    Configuration find(Target target) throws IOException {
        try {
            // the names were checked by Target: no filter characters in them
            Configuration[] found = admin.listConfigurations("(service.pid=" + target.pid() + ")");
            return found == null || found.length == 0 ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IOException("bad filter for " + target + ": " + e.getMessage(), e);
        }
    }

    /** Every configuration whose PID or factory PID matches {@code filter} (an LDAP filter), or all. */
    Configuration[] list(String filter) throws IOException, InvalidSyntaxException {
        Configuration[] found = admin.listConfigurations(filter);
        return found == null ? new Configuration[0] : found;
    }
}
