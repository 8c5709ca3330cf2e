package dev.hearth.management.internal;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One configuration a request names: a singleton PID, or a factory PID with an instance name. The
 * names are checked here, because they become LDAP filters, file names and topics: letters,
 * digits, '.', '_' and '-' (not '-' in a PID: FileInstall splits the file name at the first '-').
 */
record Target(String pid, String factoryPid, String name) {

    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._]{0,199}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

    /** A singleton PID. */
    static Target singleton(String pid) {
        check(pid, PID, "pid");
        return new Target(pid, null, null);
    }

    /** A factory instance: PID {@code factoryPid~name}, file {@code factoryPid-name.cfg}. */
    static Target instance(String factoryPid, String name) {
        check(factoryPid, PID, "factory_pid");
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("factory_pid '" + factoryPid + "' needs a name");
        check(name, NAME, "name");
        return new Target(factoryPid + "~" + name, factoryPid, name);
    }

    boolean isFactory() {
        return factoryPid != null;
    }

    /** The PID Metatype describes: the factory PID for an instance. */
    String metatypePid() {
        return isFactory() ? factoryPid : pid;
    }

    /** FileInstall's file for this configuration in {@code dir}. */
    Path file(Path dir) {
        return dir.resolve(isFactory() ? factoryPid + "-" + name + ".cfg" : pid + ".cfg");
    }

    @Override
    public String toString() {
        return isFactory() ? factoryPid + " instance '" + name + "'" : pid;
    }

    private static void check(String value, Pattern pattern, String key) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException(key + " is missing");
        if (!pattern.matcher(value).matches()) {
            String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
            throw new IllegalArgumentException(key + " '" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not a valid name "
                    + "(letters, digits, '.', '_'" + (key.equals("name") ? ", '-'" : "") + "; at most "
                    + (key.equals("name") ? 100 : 200) + ")");
        }
    }
}
