package dev.hearth.launcher;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The launcher's own log lines, in the same shape as slf4j-simple's so the output reads as one log.
 * Dates are left out under systemd (JOURNAL_STREAM set): the journal stamps every line itself.
 */
final class Log {
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** slf4j-simple's dateTimeFormat, kept equal to {@link #DATE}. */
    static final String SLF4J_DATE_PATTERN = "yyyy-MM-dd HH:mm:ss.SSS";

    private static volatile boolean showDate = System.getenv("JOURNAL_STREAM") == null;
    private static volatile int threshold = 2; // 0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 off
    private static final PrintStream OUT = System.out;

    private Log() {
    }

    static void level(String level) {
        threshold = switch (level) {
            case "trace" -> 0;
            case "debug" -> 1;
            case "info" -> 2;
            case "warn" -> 3;
            case "error" -> 4;
            default -> 5;
        };
    }

    static boolean showDate() {
        return showDate;
    }

    static void debug(String msg) {
        write(1, "DEBUG", msg, null);
    }

    static void info(String msg) {
        write(2, "INFO", msg, null);
    }

    static void warn(String msg) {
        write(3, "WARN", msg, null);
    }

    static void warn(String msg, Throwable t) {
        write(3, "WARN", msg, t);
    }

    static void error(String msg) {
        write(4, "ERROR", msg, null);
    }

    static void error(String msg, Throwable t) {
        write(4, "ERROR", msg, t);
    }

    private static void write(int level, String name, String msg, Throwable t) {
        if (level < threshold) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        if (showDate) {
            sb.append(DATE.format(LocalDateTime.now())).append(' ');
        }
        sb.append(name).append(" hearth.launcher - ").append(msg);
        if (t != null) {
            sb.append(": ").append(t);
        }
        synchronized (OUT) {
            OUT.println(sb);
            if (t != null && threshold <= 1) {
                t.printStackTrace(OUT);
            }
        }
    }
}
