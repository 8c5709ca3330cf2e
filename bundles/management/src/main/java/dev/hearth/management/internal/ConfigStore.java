package dev.hearth.management.internal;

import java.io.IOException;
import java.util.Map;

/** Where configurations live: ConfigAdmin in the gateway ({@link ConfigAdminStore}), a map in tests. */
interface ConfigStore {

    /** The target's properties as text (reserved keys removed), or {@code null} if it has no configuration. */
    Stored get(Target target) throws IOException;

    /** Creates or updates the target's configuration with exactly {@code properties}. */
    void put(Target target, Map<String, String> properties) throws IOException;

    /** Deletes the target's configuration, if there is one. */
    void delete(Target target) throws IOException;

    /**
     * A configuration as stored.
     *
     * @param fileUri FileInstall's {@code felix.fileinstall.filename}, or {@code null}
     * @param notText keys whose values are not scalar text (arrays, collections): a {@code .cfg} cannot hold them
     */
    record Stored(Map<String, String> properties, String fileUri, java.util.Set<String> notText) {
    }
}
