package dev.hearth.console.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every configuration that changes against its component's Metatype and says, in one log
 * line, which file and which key is wrong and why. Declarative Services would otherwise only
 * report "NumberFormatException" from deep inside the component's activation, without the file or
 * the key. A refused value leaves the component unconfigured (DS does not activate it); nothing
 * else changes.
 */
@Component
public final class ConfigurationChecker implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationChecker.class);
    /** Keys that belong to the framework, FileInstall or the whiteboard, not to a component's Metatype. */
    private static final List<String> FOREIGN_PREFIXES = List.of("service.", "felix.", "component.", "hearth.sink.", "osgi.",
            ".");

    /** One problem in one configuration. */
    record Problem(String key, String message) {
    }

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference
    private MetaTypeService metaType;

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED) return;
        try {
            Configuration c = configAdmin.getConfiguration(event.getPid(), "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) return;
            ObjectClassDefinition ocd = definition(event.getFactoryPid() != null ? event.getFactoryPid() : event.getPid());
            if (ocd == null) return; // not a component with Metatype: nothing to check against
            Object file = props.get("felix.fileinstall.filename");
            String source = Text.clean(file != null ? file.toString().replaceFirst("^file:", "") : "configuration " + event.getPid(), 200);
            for (Problem p : check(ocd, props)) {
                LOG.error("{}: {}: {}; {} stays unconfigured until this is fixed", source, p.key(), p.message(), event.getPid());
            }
            for (String unknown : unknownKeys(ocd, props)) {
                // The key comes from the file as it is: cleaned, or it could forge log lines.
                LOG.warn("{}: {} is not a setting of {} (known: {}); ignored", source, Text.clean(unknown, 80), ocd.getName(), knownKeys(ocd));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot check configuration {}: {}", event.getPid(), e.toString());
        }
    }

    private ObjectClassDefinition definition(String pid) {
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null) continue;
            boolean has = List.of(info.getPids()).contains(pid) || List.of(info.getFactoryPids()).contains(pid);
            if (has) return info.getObjectClassDefinition(pid, null);
        }
        return null;
    }

    /** What is wrong with {@code props} for {@code ocd}: unparsable values, values out of range or not among the options. */
    static List<Problem> check(ObjectClassDefinition ocd, Dictionary<String, Object> props) {
        List<Problem> problems = new ArrayList<>();
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        if (ads == null) return problems;
        for (AttributeDefinition ad : ads) {
            Object value = props.get(ad.getID());
            if (value == null) continue;
            for (String v : asStrings(value)) {
                String why = ad.validate(v);
                if (why == null) why = parse(ad.getType(), v); // no validation offered: at least the type
                if (why != null && !why.isEmpty()) {
                    problems.add(new Problem(ad.getID(), "'" + Text.clean(v, 80) + "' is refused (" + why + ")"));
                }
            }
        }
        return problems;
    }

    static Set<String> unknownKeys(ObjectClassDefinition ocd, Dictionary<String, Object> props) {
        Set<String> known = knownKeys(ocd);
        Set<String> unknown = new TreeSet<>();
        for (String key : Collections.list(props.keys())) {
            if (known.contains(key) || FOREIGN_PREFIXES.stream().anyMatch(key::startsWith)) continue;
            unknown.add(key);
        }
        return unknown;
    }

    private static Set<String> knownKeys(ObjectClassDefinition ocd) {
        Set<String> known = new TreeSet<>();
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        if (ads != null) for (AttributeDefinition ad : ads) known.add(ad.getID());
        return known;
    }

    private static List<String> asStrings(Object value) {
        if (value.getClass().isArray()) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) out.add(String.valueOf(Array.get(value, i)));
            return out;
        }
        if (value instanceof java.util.Collection<?> c) return c.stream().map(String::valueOf).toList();
        return List.of(String.valueOf(value));
    }

    /** {@code ""} if {@code v} parses as {@code type}, else why not. */
    static String parse(int type, String v) {
        String s = v.trim();
        try {
            switch (type) {
                case AttributeDefinition.INTEGER -> Integer.parseInt(s);
                case AttributeDefinition.LONG -> Long.parseLong(s);
                case AttributeDefinition.SHORT -> Short.parseShort(s);
                case AttributeDefinition.BYTE -> Byte.parseByte(s);
                case AttributeDefinition.DOUBLE -> Double.parseDouble(s);
                case AttributeDefinition.FLOAT -> Float.parseFloat(s);
                case AttributeDefinition.BOOLEAN -> {
                    if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) return "not true or false";
                }
                default -> {
                    // strings and others: anything goes
                }
            }
            return "";
        } catch (NumberFormatException e) {
            return "not a number of the right kind";
        }
    }
}
