package dev.hearth.console.internal;

/**
 * One installed bundle, as the {@code status} command shows it.
 *
 * @param id the bundle id
 * @param symbolicName its symbolic name (may be {@code null} for a legacy bundle)
 * @param version its version
 * @param state {@code ACTIVE}, {@code RESOLVED}, {@code INSTALLED}, ...
 * @param fragment whether it is a fragment (fragments never become active)
 */
record BundleSummary(long id, String symbolicName, String version, String state, boolean fragment) {

    /** Whether this bundle is as it should be: active, or a resolved fragment. */
    boolean healthy() {
        return "ACTIVE".equals(state) || fragment && "RESOLVED".equals(state);
    }
}
