package dev.hearth.driver.mqtt.internal;

import java.io.IOException;
import java.io.Reader;

/**
 * A {@link Reader} over bytes that must all be ASCII, for Gson's streaming reader (which takes only
 * a Reader). Hand-written because the stock ways cost more than the JSON itself on small payloads:
 * {@code InputStreamReader} decodes through a CharsetDecoder (a tenth of the parse time), and
 * {@code new String} + {@code StringReader} copies the payload twice. ASCII decodes byte for byte
 * and is valid UTF-8; the first byte ≥ 0x80 throws {@link NotAscii}, so the caller can leave that
 * payload to the strict UTF-8 decoding of {@link JsonValues#parse}. Not thread-safe; no OSGi.
 */
final class AsciiReader extends Reader {

    /** A byte ≥ 0x80 was met; a signal to fall back, so no stack trace. */
    static final class NotAscii extends IOException {
        private static final long serialVersionUID = 1L;

        NotAscii() {
            super("not ASCII");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final byte[] bytes;
    private int pos;

    AsciiReader(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (pos >= bytes.length) return -1;
        int n = Math.min(length, bytes.length - pos);
        for (int i = 0; i < n; i++) {
            byte b = bytes[pos + i];
            if (b < 0) throw new NotAscii();
            buffer[offset + i] = (char) b;
        }
        pos += n;
        return n;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
