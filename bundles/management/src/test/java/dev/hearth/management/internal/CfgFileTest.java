package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.fileinstall.shaded.util.properties.TypedProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files management writes must read back exactly, by FileInstall 3.7.4's own reader (its
 * shaded TypedProperties, the class ConfigInstaller loads a .cfg with), or FileInstall's re-read
 * would change the configuration again.
 */
class CfgFileTest {

    @TempDir
    Path dir;

    /** How FileInstall 3.7.4 reads a .cfg that does not start with '<' (no substitution context: none needed here). */
    private static Map<String, Object> fileInstallReads(String text) throws Exception {
        TypedProperties p = new TypedProperties();
        p.load(new StringReader(text));
        Map<String, Object> out = new TreeMap<>();
        for (String k : p.keySet()) out.put(k, p.get(k));
        return out;
    }

    @Test
    void hostileValuesReadBackExactlyThroughFileInstallsReader() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("plain", "hello world");
        values.put("leading", "   three spaces");
        values.put("trailing", "spaces after   ");
        values.put("equals", "a=b:c");
        values.put("hash", "#not a comment");
        values.put("bang", "!not a comment");
        values.put("backslash", "C:\\path\\to\\file\\");
        values.put("unicode", "café ☕ 𝄞");
        values.put("quote", "\"quoted\"");
        values.put("bracket", "[a, b]");
        values.put("typedlooking", "I\"5\"");
        values.put("empty", "");
        values.put("number", "42");
        values.put("dollar", "costs $5 and {braces}");
        values.put("key with spaces=and:colons", "v");
        values.put("long", "x".repeat(CfgFile.MAX_VALUE_LENGTH));
        assertNull(CfgFile.fileProblem(values));
        String text = CfgFile.format(values, "header with\nnewline and é");
        assertTrue(text.chars().allMatch(c -> c < 0x80), "ASCII only, whatever the reader's encoding");
        assertEquals(new TreeMap<>(values), fileInstallReads(text));
        assertEquals(new TreeMap<>(values), new TreeMap<>(CfgFile.parse(text)));
    }

    @Test
    void valuesFileInstallWouldChangeAreRefused() {
        assertNotNull(CfgFile.problem("k", "${hearth.home}/x"), "substitution");
        assertNotNull(CfgFile.problem("k", "line1\nline2"), "newline");
        assertNotNull(CfgFile.problem("k", "nul\0"), "NUL");
        assertNotNull(CfgFile.problem("k", "x".repeat(CfgFile.MAX_VALUE_LENGTH + 1)), "too long");
        assertNotNull(CfgFile.problem("k", "lone \uD800 surrogate"), "lone surrogate");
        assertNotNull(CfgFile.problem("", "v"), "empty key");
        // a file whose every value looks typed is read as typed values by FileInstall
        assertNotNull(CfgFile.fileProblem(Map.of("a", "\"x\"", "b", "[1]")));
        assertNull(CfgFile.fileProblem(Map.of("a", "\"x\"", "b", "plain")));
    }

    @Test
    void whatFileInstallDoesWithRefusedValues() throws Exception {
        // the reasons for the refusals above, shown on FileInstall's reader
        assertEquals("5", fileInstallReads("a = \"5\"\n").get("a"), "an all-typed file loses its quotes");
        assertEquals(Integer.valueOf(5), fileInstallReads("a = I\"5\"\n").get("a"), "and becomes typed");
        assertEquals("xy", fileInstallReads("a = x${nothing}y\nb = plain\n").get("a"), "${...} is substituted");
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFile() throws Exception {
        Path f = dir.resolve("dev.hearth.test.cfg");
        Files.writeString(f, "old = 1\n");
        CfgFile.writeAtomically(f, CfgFile.format(Map.of("new", "2"), "h"));
        assertEquals(Map.of("new", "2"), CfgFile.parse(Files.readString(f, StandardCharsets.ISO_8859_1)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the .cfg");
        }
    }
}
