package dev.hearth.management.internal;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/** {@link Handler.Catalog} over ConfigAdmin ({@link ConfigAdminStore}) and the Metatype of every installed bundle. */
final class OsgiCatalog implements Handler.Catalog {

    private final BundleContext context;
    private final ConfigAdminStore store;
    private final MetaTypeService metatype;

    OsgiCatalog(BundleContext context, ConfigAdminStore store, MetaTypeService metatype) {
        this.context = context;
        this.store = store;
        this.metatype = metatype;
    }

    @Override
    public List<Map.Entry<Target, ConfigStore.Stored>> configurations(String pid) throws Exception {
        String filter = pid == null ? null : "(|(service.pid=" + pid + ")(service.factoryPid=" + pid + "))";
        List<Map.Entry<Target, ConfigStore.Stored>> out = new ArrayList<>();
        Configuration[] all = store.list(filter);
        Arrays.sort(all, (a, b) -> a.getPid().compareTo(b.getPid()));
        for (Configuration c : all) {
            if (c.getProperties() == null) continue;
            String fp = c.getFactoryPid();
            String name = fp != null && c.getPid().startsWith(fp + "~") ? c.getPid().substring(fp.length() + 1) : null;
            out.add(new AbstractMap.SimpleEntry<>(new Target(c.getPid(), fp, name), ConfigAdminStore.stored(c.getProperties())));
        }
        return out;
    }

    @Override
    public ConfigStore.Stored get(Target t) throws Exception {
        return store.get(t);
    }

    @Override
    public MetatypeCheck metatype(Target t) {
        String pid = t.metatypePid();
        boolean otherKind = false;
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.UNINSTALLED) continue;
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info == null) continue;
            List<String> same = Arrays.asList(t.isFactory() ? info.getFactoryPids() : info.getPids());
            List<String> other = Arrays.asList(t.isFactory() ? info.getPids() : info.getFactoryPids());
            if (same.contains(pid)) {
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                if (ocd != null) return new MetatypeCheck(ocd);
            }
            if (other.contains(pid)) otherKind = true;
        }
        if (otherKind) {
            throw new IllegalArgumentException(t.isFactory() ? "'" + pid + "' is not a factory PID: give it as 'pid', without a name"
                    : "'" + pid + "' is a factory PID: give 'factory_pid' and 'name' for an instance");
        }
        throw new IllegalArgumentException("no component describes PID '" + pid + "' (unknown PID, or its bundle is not installed)");
    }

    @Override
    public Map<String, List<String>> describedPids() {
        TreeSet<String> pids = new TreeSet<>();
        TreeSet<String> factories = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info == null) continue;
            pids.addAll(Arrays.asList(info.getPids()));
            factories.addAll(Arrays.asList(info.getFactoryPids()));
        }
        return Map.of("pids", List.copyOf(pids), "factory_pids", List.copyOf(factories));
    }
}
