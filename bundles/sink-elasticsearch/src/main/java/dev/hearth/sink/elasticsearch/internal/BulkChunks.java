package dev.hearth.sink.elasticsearch.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Cuts a batch into consecutive chunks whose bodies stay under a byte limit. No OSGi in here. */
public final class BulkChunks {

    private BulkChunks() {
    }

    /**
     * Splits {@code items}, keeping their order, so that each chunk's total size is at most
     * {@code maxBytes}; an item bigger than that on its own gets a chunk of its own (the server
     * decides whether it is too big).
     */
    public static <T> List<List<T>> split(List<T> items, ToLongFunction<T> size, long maxBytes) {
        List<List<T>> chunks = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            long s = size.applyAsLong(item);
            if (!current.isEmpty() && bytes + s > maxBytes) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += s;
        }
        if (!current.isEmpty()) chunks.add(current);
        return chunks;
    }
}
