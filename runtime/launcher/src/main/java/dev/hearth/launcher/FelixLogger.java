package dev.hearth.launcher;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** Routes the framework's own messages into the launcher log, one format for everything. */
final class FelixLogger extends Logger {
    @Override
    @SuppressWarnings("rawtypes")
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable t) {
        String text = bundle == null ? msg : msg + " [" + bundle.getSymbolicName() + "]";
        switch (level) {
            case LOG_ERROR -> Log.error("framework: " + text, t);
            case LOG_WARNING -> Log.warn("framework: " + text, t);
            case LOG_INFO -> Log.info("framework: " + text);
            default -> Log.debug("framework: " + text + (t == null ? "" : ": " + t));
        }
    }

    static String level(String logLevel) {
        return switch (logLevel) {
            case "trace", "debug" -> "4";
            case "info" -> "2"; // Felix's INFO is chatty; warnings and errors are what matter
            case "warn" -> "2";
            case "error" -> "1";
            default -> "0";
        };
    }
}
