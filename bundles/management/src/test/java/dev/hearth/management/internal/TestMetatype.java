package dev.hearth.management.internal;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.metatype.AD;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * A Metatype built in the test from Felix Metatype's own {@link AD} (the class whose validate()
 * the runtime calls), behind the OSGi interfaces MetatypeCheck sees.
 */
final class TestMetatype implements ObjectClassDefinition {

    private final String id;
    private final List<AttributeDefinition> attributes = new ArrayList<>();

    TestMetatype(String id) {
        this.id = id;
    }

    TestMetatype add(String key, String type, boolean required, String defaultValue, String min, String max, String... options) {
        return add(key, type, 0, required, defaultValue, min, max, options);
    }

    TestMetatype add(String key, String type, int cardinality, boolean required, String defaultValue, String min, String max,
            String... options) {
        AD ad = new AD();
        ad.setID(key);
        ad.setName(key);
        ad.setType(type);
        ad.setCardinality(cardinality);
        ad.setRequired(required);
        if (min != null) ad.setMin(min);
        if (max != null) ad.setMax(max);
        if (options.length > 0) {
            Map<String, String> o = new LinkedHashMap<>();
            for (String v : options) o.put(v, v);
            ad.setOptions(o);
        }
        if (defaultValue != null) ad.setDefaultValue(defaultValue);
        attributes.add(new Adapter(ad));
        return this;
    }

    /** The first OCD of a metatype XML document, parsed by Felix Metatype's own reader (as the runtime does). */
    static TestMetatype fromXml(InputStream xml) throws java.io.IOException {
        org.apache.felix.metatype.MetaData data = new org.apache.felix.metatype.MetaDataReader().parse(xml);
        org.apache.felix.metatype.OCD ocd = (org.apache.felix.metatype.OCD) data.getObjectClassDefinitions().values().iterator().next();
        TestMetatype out = new TestMetatype(ocd.getID());
        for (Object ad : ocd.getAttributeDefinitions().values()) out.attributes.add(new Adapter((AD) ad));
        return out;
    }

    MetatypeCheck check() {
        return new MetatypeCheck(this);
    }

    @Override
    public String getName() {
        return "Test " + id;
    }

    @Override
    public String getID() {
        return id;
    }

    @Override
    public String getDescription() {
        return "";
    }

    @Override
    public AttributeDefinition[] getAttributeDefinitions(int filter) {
        return attributes.stream().filter(a -> filter == ALL || ((Adapter) a).ad.isRequired() == (filter == REQUIRED))
                .toArray(AttributeDefinition[]::new);
    }

    @Override
    public InputStream getIcon(int size) {
        return null;
    }

    private record Adapter(AD ad) implements AttributeDefinition {
        @Override
        public String getName() {
            return ad.getName();
        }

        @Override
        public String getID() {
            return ad.getID();
        }

        @Override
        public String getDescription() {
            return ad.getDescription();
        }

        @Override
        public int getCardinality() {
            return ad.getCardinality();
        }

        @Override
        public int getType() {
            return ad.getType();
        }

        @Override
        public String[] getOptionValues() {
            return ad.getOptionValues();
        }

        @Override
        public String[] getOptionLabels() {
            return ad.getOptionLabels();
        }

        @Override
        public String validate(String value) {
            return ad.validate(value);
        }

        @Override
        public String[] getDefaultValue() {
            return ad.getDefaultValue();
        }
    }
}
