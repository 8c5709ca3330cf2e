package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileCheckTest {
    @TempDir
    Path dir;

    private static String cfg(String text) {
        return ConfigFileCheck.problem(text.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    @Test
    void ordinaryFilesPass() {
        assertNull(cfg("# comment with C:\\users in it\ninterval_seconds = 2\r\nroot = /\ndevice = k\\u00fcche\n"));
        assertNull(cfg("path = C:\\\\users\\\\hearth\nlist = a,\\\n  b\nemoji = \\uD83D\\uDE00\n\ttabbed = 1\f\n"));
        assertNull(cfg(""));
        assertNull(cfg("ends with a backslash \\"));
        assertNull(ConfigFileCheck.problem("x = \\users".getBytes(StandardCharsets.ISO_8859_1), false), ".config: escapes are its own");
    }

    @Test
    void aBackslashUThatIsNoEscapeNamesTheLineAndTheKey() {
        String p = cfg("interval_seconds = 2\ndevice = x\nroot = C:\\users\\hearth");
        assertTrue(p.startsWith("line 3 (root): a backslash-u starts a unicode escape, but 'sers'"), p);
        assertTrue(cfg("a = \\u12").startsWith("line 1 (a):"), "truncated at the end of the file");
        assertTrue(cfg("a = 1\\\nb = \\uzzzz\n").startsWith("line 2"), "after a continued line");
    }

    @Test
    void binaryBytesAreRefusedWithTheirLine() {
        byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };
        assertEquals("line 2: binary data (byte 0x1a): not a configuration file", ConfigFileCheck.problem(png, true));
        assertTrue(cfg("a = 1\nb = \u001b[2J\n").startsWith("line 2: binary data (byte 0x1b)"));
        assertTrue(cfg("a = \u0000").startsWith("line 1: binary data (byte 0x00)"));
        assertTrue(ConfigFileCheck.problem(new byte[] {'a', 0x7f}, false).contains("0x7f"), ".config files too");
    }

    @Test
    void anOversizedFileIsRefusedWithoutBeingRead() throws Exception {
        Path big = dir.resolve("big.cfg");
        try (var out = Files.newOutputStream(big)) {
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'A');
            for (int i = 0; i < 32; i++) out.write(block);
        }
        String p = ConfigFileCheck.problem(big);
        assertTrue(p.startsWith("larger than 256 KiB (33554432 bytes)"), p);
        Path ok = dir.resolve("ok.cfg");
        Files.writeString(ok, "a = 1\n");
        assertNull(ConfigFileCheck.problem(ok));
        assertTrue(ConfigFileCheck.problem(dir.resolve("absent.cfg")).startsWith("cannot be read"));
        Path exactly = dir.resolve("exactly.cfg");
        Files.write(exactly, ("a = " + "x".repeat((int) ConfigFileCheck.MAX_BYTES - 4)).getBytes(StandardCharsets.ISO_8859_1));
        assertNull(ConfigFileCheck.problem(exactly), "the limit itself is allowed");
    }
}
