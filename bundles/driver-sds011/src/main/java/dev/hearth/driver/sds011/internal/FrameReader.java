package dev.hearth.driver.sds011.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Finds frames in a byte stream that may hold garbage, frames split across reads and several
 * frames in one read. A candidate starts at {@code AA} with a known type byte and must end in
 * {@code AB} with a good checksum; anything else is skipped one byte at a time, so a real frame
 * that starts inside garbage (or inside a damaged frame) is still found. Bounded: holds at most
 * one frame's worth of bytes between calls. Not thread-safe.
 */
public final class FrameReader {

    private final byte[] buf = new byte[Sds011Codec.COMMAND_LENGTH * 4];
    private int len;
    private long checksumErrors;
    private long malformedFrames;
    private long skippedBytes;
    private final BiConsumer<Sds011Codec.Fault, String> onBadFrame;

    /** @param onBadFrame told of each refused candidate frame (fault and a description), may be null */
    public FrameReader(BiConsumer<Sds011Codec.Fault, String> onBadFrame) {
        this.onBadFrame = onBadFrame == null ? (f, m) -> { } : onBadFrame;
    }

    /** Adds bytes read from the line; returns the whole, valid frames they completed, in order. */
    public List<Sds011Codec.Frame> feed(byte[] data, int off, int n) {
        List<Sds011Codec.Frame> frames = new ArrayList<>(2);
        int i = off;
        int end = off + n;
        while (i < end) {
            int take = Math.min(end - i, buf.length - len);
            System.arraycopy(data, i, buf, len, take);
            len += take;
            i += take;
            scan(frames);
        }
        return frames;
    }

    private void scan(List<Sds011Codec.Frame> out) {
        int pos = 0;
        while (true) {
            // skip to the next AA
            int start = pos;
            while (start < len && (buf[start] & 0xFF) != Sds011Codec.HEAD) start++;
            skippedBytes += start - pos;
            pos = start;
            if (len - pos < 2) break;
            int frameLen = Sds011Codec.lengthOf(buf[pos + 1] & 0xFF);
            if (frameLen < 0) { // AA then no frame type: a stray AA in garbage
                pos++;
                skippedBytes++;
                continue;
            }
            if (len - pos < frameLen) break; // wait for the rest
            try {
                out.add(Sds011Codec.decode(buf, pos));
                pos += frameLen;
            } catch (Sds011Codec.BadFrameException e) {
                if (e.fault() == Sds011Codec.Fault.BAD_CHECKSUM) checksumErrors++; else malformedFrames++;
                onBadFrame.accept(e.fault(), e.getMessage());
                pos++; // the real frame may start inside this one
                skippedBytes++;
            }
        }
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
    }

    /** Drops a partial frame (after the port was reopened, its rest will never come). */
    public void reset() {
        skippedBytes += len;
        len = 0;
    }

    public long checksumErrors() { return checksumErrors; }

    /** Frames with the right head and type but the wrong tail. */
    public long malformedFrames() { return malformedFrames; }

    /** Bytes that belonged to no valid frame (garbage, stray heads, refused frames). */
    public long skippedBytes() { return skippedBytes; }

    /** Bytes held for a frame still incomplete. */
    int pending() { return len; }
}
