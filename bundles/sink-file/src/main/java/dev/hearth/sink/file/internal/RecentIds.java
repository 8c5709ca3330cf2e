package dev.hearth.sink.file.internal;

import java.util.Iterator;
import java.util.LinkedHashSet;

/** The ids of the newest {@code capacity} readings written, oldest evicted first. Not thread-safe. */
final class RecentIds {

    private final int capacity;
    private final LinkedHashSet<String> ids;

    RecentIds(int capacity) {
        this.capacity = capacity;
        this.ids = new LinkedHashSet<>(Math.min(capacity, 1 << 16) * 2);
    }

    boolean contains(String id) {
        return ids.contains(id);
    }

    void add(String id) {
        if (capacity == 0) return;
        ids.remove(id); // re-adding makes it the newest again
        ids.add(id);
        if (ids.size() > capacity) {
            Iterator<String> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    int size() {
        return ids.size();
    }

    int capacity() {
        return capacity;
    }

    void clear() {
        ids.clear();
    }
}
