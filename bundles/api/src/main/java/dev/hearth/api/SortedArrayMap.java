package dev.hearth.api;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The immutable sorted map behind a {@link Reading}'s tags and fields: keys in natural order in one
 * array, values in another. A reading has a handful of entries and is made once and read many
 * times (journal, sinks), so two arrays beat a TreeMap, which costs an object per entry to build,
 * to collect and to walk (profiles of a journal replay had the Reading constructor's TreeMap copies
 * as the largest allocator). Lookups are binary searches; equals, hashCode and toString are
 * {@link AbstractMap}'s, so it compares equal to any map with the same entries, and prints as
 * TreeMap does. Every mutator throws {@link UnsupportedOperationException}.
 */
final class SortedArrayMap<V> extends AbstractMap<String, V> implements SortedMap<String, V> {

    private static final SortedArrayMap<Object> EMPTY = new SortedArrayMap<>(new String[0], new Object[0], null);

    private final String[] keys;
    private final Object[] values;
    /** The check every value passed when this map was made: a map made by the same check needs no copy. */
    private final BiFunction<String, Object, ?> check;
    private Set<Map.Entry<String, V>> entrySet;

    private SortedArrayMap(String[] keys, Object[] values, BiFunction<String, Object, ?> check) {
        this.keys = keys;
        this.values = values;
        this.check = check;
    }

    /**
     * A map of {@code keys} and {@code values} (copied), which must be in strictly ascending key
     * order, each value passed through {@code check}; for {@link Reading#ofSorted}.
     */
    @SuppressWarnings("unchecked")
    static <V> SortedMap<String, V> ofSorted(String[] keys, Object[] values, BiFunction<String, Object, V> check) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException(keys.length + " keys but " + values.length + " values");
        }
        if (keys.length > Reading.MAX_ENTRIES) throw new IllegalArgumentException("more than " + Reading.MAX_ENTRIES + " tags or fields");
        if (keys.length == 0) return (SortedMap<String, V>) EMPTY;
        String[] k = keys.clone();
        Object[] v = values.clone();
        checkInOrder(k, v, check);
        return new SortedArrayMap<>(k, v, check);
    }

    /** Refuses a null, repeated or out-of-order key, and passes each value through {@code check}, in key order. */
    private static void checkInOrder(String[] keys, Object[] values, BiFunction<String, Object, ?> check) {
        for (int k = 0; k < keys.length; k++) {
            if (keys[k] == null) throw new NullPointerException("null key");
            if (k > 0 && keys[k - 1].compareTo(keys[k]) >= 0) {
                throw new IllegalArgumentException("key '" + keys[k] + "' twice or out of order");
            }
            values[k] = check.apply(keys[k], values[k]);
        }
    }

    /**
     * A copy of {@code source} with each value passed through {@code check} (which may replace it
     * or throw); {@code check} sees the entries in key order. A source that is already sorted by
     * natural order (a TreeMap, another reading's map) is copied without sorting.
     */
    @SuppressWarnings("unchecked")
    static <V> SortedMap<String, V> copyOf(Map<String, ? extends V> source, BiFunction<String, Object, V> check) {
        // made by this same check (another reading's map): immutable and already checked, so shared
        if (source instanceof SortedArrayMap<?> made && made.check == check) return (SortedMap<String, V>) made;
        int n = source.size();
        if (n == 0) return (SortedMap<String, V>) EMPTY;
        String[] keys = new String[n];
        Object[] values = new Object[n];
        int i = 0;
        for (Map.Entry<String, ? extends V> e : source.entrySet()) {
            if (i == n) throw new IllegalArgumentException("map changed while being copied");
            keys[i] = e.getKey();
            values[i++] = e.getValue();
        }
        if (i != n) throw new IllegalArgumentException("map changed while being copied");
        boolean sorted = source instanceof SortedMap<?, ?> s && s.comparator() == null;
        if (!sorted) sortByKey(keys, values);
        // after sorting, only a map whose own order disagrees with String's (a custom comparator) is refused here
        checkInOrder(keys, values, check);
        return new SortedArrayMap<>(keys, values, check);
    }

    /** Insertion sort of both arrays by key: maps here have a few entries (at most Reading.MAX_ENTRIES). */
    private static void sortByKey(String[] keys, Object[] values) {
        for (int i = 1; i < keys.length; i++) {
            String k = keys[i];
            Object v = values[i];
            if (k == null) throw new NullPointerException("null key");
            int j = i - 1;
            while (j >= 0 && keys[j].compareTo(k) > 0) {
                keys[j + 1] = keys[j];
                values[j + 1] = values[j];
                j--;
            }
            keys[j + 1] = k;
            values[j + 1] = v;
        }
    }

    private int indexOf(Object key) {
        if (!(key instanceof String s)) return -1;
        return Arrays.binarySearch(keys, s);
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean isEmpty() {
        return keys.length == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = indexOf(key);
        return i >= 0 ? (V) values[i] : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super String, ? super V> action) {
        for (int i = 0; i < keys.length; i++) action.accept(keys[i], (V) values[i]);
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
        Set<Map.Entry<String, V>> s = entrySet;
        if (s == null) {
            s = new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, V>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keys.length;
                        }

                        @Override
                        @SuppressWarnings("unchecked")
                        public Map.Entry<String, V> next() {
                            if (next >= keys.length) throw new NoSuchElementException();
                            int i = next++;
                            return new AbstractMap.SimpleImmutableEntry<>(keys[i], (V) values[i]);
                        }
                    };
                }

                @Override
                public int size() {
                    return keys.length;
                }
            };
            entrySet = s;
        }
        return s;
    }

    @Override
    public V put(String key, V value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public V remove(Object key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void putAll(Map<? extends String, ? extends V> m) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Comparator<? super String> comparator() {
        return null;
    }

    @Override
    public String firstKey() {
        if (keys.length == 0) throw new NoSuchElementException();
        return keys[0];
    }

    @Override
    public String lastKey() {
        if (keys.length == 0) throw new NoSuchElementException();
        return keys[keys.length - 1];
    }

    // Views by range are rare (nothing in Hearth asks for them): a read-only TreeMap copy does.
    @Override
    public SortedMap<String, V> subMap(String fromKey, String toKey) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this).subMap(fromKey, toKey));
    }

    @Override
    public SortedMap<String, V> headMap(String toKey) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this).headMap(toKey));
    }

    @Override
    public SortedMap<String, V> tailMap(String fromKey) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this).tailMap(fromKey));
    }
}
