package dev.hearth.driver.loadgen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest acknowledged sequence number, kept in a file so that a crash test can compare it
 * with what reached a sink. Written atomically (a temporary file renamed over it), so a reader
 * never sees a half-written number. No OSGi.
 */
final class AckFile {

    private static final Logger LOG = LoggerFactory.getLogger(AckFile.class);
    /** Longer content is not a number this driver wrote; no need to read a huge file to know it. */
    private static final int MAX_CONTENT = 64;

    private final Path file;
    private final Path temp;

    AckFile(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    Path path() {
        return file;
    }

    /**
     * The sequence number recorded, or 0 if there is none: a missing file, or one that does not hold
     * a number 0..{@link LoadSequence#MAX_SEQ} (logged with what it holds), never an exception.
     */
    long read() {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_CONTENT + 1);
        } catch (NoSuchFileException e) {
            LOG.info("no ack file {} yet; starting from 1", file);
            return 0;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read ack file {} ({}); starting from 1", file, e.toString());
            return 0;
        }
        String text = new String(content, 0, Math.min(content.length, MAX_CONTENT), StandardCharsets.UTF_8).strip();
        if (content.length > MAX_CONTENT || !text.matches("[0-9]{1,16}") || Long.parseLong(text) > LoadSequence.MAX_SEQ) {
            LOG.warn("ack file {} does not hold a sequence number 0..{} but '{}'{}; starting from 1", file, LoadSequence.MAX_SEQ,
                    printable(text), content.length > MAX_CONTENT ? "…" : "");
            return 0;
        }
        return Long.parseLong(text);
    }

    /** Records {@code seq}; throws if it could not, leaving the previous value in place. */
    void write(long seq) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(temp, seq + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The content as it may appear in a log line: no control characters, at most 40 characters. */
    static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
