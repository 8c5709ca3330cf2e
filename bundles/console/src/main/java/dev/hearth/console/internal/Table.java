package dev.hearth.console.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table whose columns are as wide as their widest cell, up to a cap. Every cell goes
 * through {@link Text#clean}, so newlines, escape sequences and very long values cannot break the
 * layout. No OSGi.
 */
final class Table {

    /** The widest a column gets unless told otherwise. */
    static final int DEFAULT_MAX_WIDTH = 40;

    private final String[] headers;
    private final int[] maxWidths;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
        this.maxWidths = new int[headers.length];
        this.right = new boolean[headers.length];
        Arrays.fill(maxWidths, DEFAULT_MAX_WIDTH);
    }

    /** Right-aligns these columns (counts, sizes). */
    Table right(int... columns) {
        for (int c : columns) right[c] = true;
        return this;
    }

    /** Caps a column's width (at least 2). */
    Table maxWidth(int column, int width) {
        maxWidths[column] = Math.max(2, width);
        return this;
    }

    /** Adds a row; missing cells are blank, extra cells are ignored, {@code null} shows as {@code -}. */
    Table row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length ? Text.clean(cells[i], maxWidths[i]) : "";
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size();
    }

    /** The table, header first, lines separated by {@code \n}, with a trailing newline. */
    String render() {
        int n = headers.length;
        int[] w = new int[n];
        String[] head = new String[n];
        for (int i = 0; i < n; i++) {
            head[i] = Text.clean(headers[i], maxWidths[i]);
            w[i] = head[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) w[i] = Math.max(w[i], r[i].length());
        }
        StringBuilder b = new StringBuilder();
        line(b, head, w);
        for (String[] r : rows) line(b, r, w);
        return b.toString();
    }

    private void line(StringBuilder b, String[] cells, int[] w) {
        int start = b.length();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) b.append("  ");
            int pad = w[i] - cells[i].length();
            if (right[i]) b.append(" ".repeat(pad)).append(cells[i]);
            else b.append(cells[i]).append(i == cells.length - 1 ? "" : " ".repeat(pad));
        }
        // no trailing blanks
        int end = b.length();
        while (end > start && b.charAt(end - 1) == ' ') end--;
        b.setLength(end);
        b.append('\n');
    }
}
