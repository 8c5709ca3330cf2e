package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

class ConfigurationCheckerTest {

    record Attr(String id, int type) implements AttributeDefinition {
        public String getName() { return id; }
        public String getID() { return id; }
        public String getDescription() { return ""; }
        public int getCardinality() { return 0; }
        public int getType() { return type; }
        public String[] getOptionValues() { return null; }
        public String[] getOptionLabels() { return null; }
        public String validate(String value) { return null; } // like an AD without validation: the checker parses
        public String[] getDefaultValue() { return null; }
    }

    static final ObjectClassDefinition SYSTEM = new ObjectClassDefinition() {
        public String getName() { return "Host metrics"; }
        public String getID() { return "dev.hearth.driver.system"; }
        public String getDescription() { return ""; }
        public AttributeDefinition[] getAttributeDefinitions(int filter) {
            return new AttributeDefinition[] { new Attr("interval_seconds", AttributeDefinition.INTEGER),
                    new Attr("root", AttributeDefinition.STRING), new Attr("enabled", AttributeDefinition.BOOLEAN) };
        }
        public InputStream getIcon(int size) { return null; }
    };

    @Test
    void namesTheKeyAndTheValueThatCannotBeApplied() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("interval_seconds", "\"not a number\"");
        props.put("root", "/");
        props.put("enabled", "yes");
        props.put("felix.fileinstall.filename", "file:/x/config/dev.hearth.driver.system.cfg");
        props.put("intervall_seconds", "5");
        List<ConfigurationChecker.Problem> problems = ConfigurationChecker.check(SYSTEM, props);
        assertEquals(List.of("enabled", "interval_seconds"), problems.stream().map(ConfigurationChecker.Problem::key).sorted().toList());
        assertTrue(problems.stream().anyMatch(p -> p.message().contains("not a number")));
        assertEquals(Set.of("intervall_seconds"), ConfigurationChecker.unknownKeys(SYSTEM, props), "a typo is pointed out");
    }

    @Test
    void goodValuesAndHostileOnesAreTold() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("interval_seconds", new Integer[] { 5 });
        props.put("enabled", "TRUE");
        assertEquals(List.of(), ConfigurationChecker.check(SYSTEM, props));
        props.put("interval_seconds", "9".repeat(5000) + "\u0000\n");
        ConfigurationChecker.Problem p = ConfigurationChecker.check(SYSTEM, props).get(0);
        assertTrue(p.message().length() < 200, "a huge value is shortened in the log: " + p.message().length());
        assertTrue(!p.message().contains("\n"), "control characters do not reach the log");
        assertEquals("", ConfigurationChecker.parse(AttributeDefinition.LONG, " 42 "));
        assertEquals("not a number of the right kind", ConfigurationChecker.parse(AttributeDefinition.SHORT, "70000"));
    }
}
