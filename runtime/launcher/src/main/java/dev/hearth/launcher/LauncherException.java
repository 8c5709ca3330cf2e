package dev.hearth.launcher;

/** A problem the user can fix (bad configuration, missing feature): printed without a stack trace. */
public final class LauncherException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Exit code for configuration errors (malformed file, unknown feature, bad value). */
    public static final int CONFIG = 2;
    /** Exit code for a feature check that failed. */
    public static final int CHECK_FAILED = 3;

    private final int exitCode;

    public LauncherException(String message) {
        this(message, CONFIG, null);
    }

    public LauncherException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
