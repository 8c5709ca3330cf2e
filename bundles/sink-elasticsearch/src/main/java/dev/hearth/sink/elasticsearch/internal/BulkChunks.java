package dev.hearth.sink.elasticsearch.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/** Cuts a batch into consecutive chunks whose bodies stay under a byte limit. No OSGi in here. */
public final class BulkChunks {

    private BulkChunks() {
    }

    /** Items {@code from} (inclusive) to {@code to} (exclusive) of a batch. */
    public record Range(int from, int to) {
        public int size() {
            return to - from;
        }
    }

    /**
     * Splits items {@code 0..count-1}, keeping their order, so that each chunk's total size is at
     * most {@code maxBytes}; an item bigger than that on its own gets a chunk of its own (the
     * server decides whether it is too big).
     */
    public static List<Range> split(int count, IntToLongFunction size, long maxBytes) {
        List<Range> chunks = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            long s = size.applyAsLong(i);
            if (i > from && bytes + s > maxBytes) {
                chunks.add(new Range(from, i));
                from = i;
                bytes = 0;
            }
            bytes += s;
        }
        if (count > from) chunks.add(new Range(from, count));
        return chunks;
    }
}
