package dev.hearth.api;

/**
 * When a polling driver logs its device's status, so that a log read weeks later tells what
 * changed without one line per poll, and a device that is simply not up yet at start-up is no
 * warning:
 *
 * <ul>
 * <li>a status is logged when its key (state and cause, without what changes at every try, such
 * as a retry delay or a count) differs from the one logged last;</li>
 * <li>the first failure since start is INFO; the same failure at the next try is then one WARN;
 * any other failure is a WARN at once;</li>
 * <li>being online is INFO, except the first success (the driver's start-up line says it);</li>
 * <li>readings the publisher refuses: one WARN, and one INFO once readings are accepted again.</li>
 * </ul>
 *
 * <p>The driver logs with its own logger at the level returned (this package has no logging
 * framework). Not thread-safe: call it under the driver's lock.
 */
public final class StatusLogPolicy {

    /** The level to log at; {@code NONE}: not at all. */
    public enum Level {
        NONE, INFO, WARN
    }

    /**
     * What to do with one status.
     *
     * @param level the level to log it at
     * @param changed whether its key differs from the one logged last (a driver may skip reporting
     *        an unchanged status too)
     * @param firstTry whether this is the first failure since start (worth saying in the line)
     */
    public record Decision(Level level, boolean changed, boolean firstTry) {
    }

    private static final Decision UNCHANGED = new Decision(Level.NONE, false, false);
    private static final Decision REPEATED_FIRST_FAILURE = new Decision(Level.WARN, false, false);

    private String lastLogged;
    private boolean triedSinceStart;
    /** The last failure was logged at INFO only, as the first try's: if it repeats, it is a warning. */
    private boolean firstFailureAtInfo;
    private boolean publishFailing;

    /** The decision for a status of {@code state} whose state and cause are {@code key}. */
    public Decision status(DeviceState state, String key) {
        if (key.equals(lastLogged)) {
            boolean repeated = firstFailureAtInfo;
            firstFailureAtInfo = false;
            return repeated ? REPEATED_FIRST_FAILURE : UNCHANGED;
        }
        firstFailureAtInfo = false;
        Decision d;
        if (state == DeviceState.ONLINE) {
            d = new Decision(lastLogged != null ? Level.INFO : Level.NONE, true, false);
        } else if (!triedSinceStart) {
            d = new Decision(Level.INFO, true, true);
            firstFailureAtInfo = true;
        } else {
            d = new Decision(Level.WARN, true, false);
        }
        triedSinceStart = true;
        lastLogged = key;
        return d;
    }

    /**
     * The level for the outcome of a publish: WARN for the first refusal, INFO for the first
     * acceptance after refusals, else NONE.
     */
    public Level published(boolean accepted) {
        boolean wasFailing = publishFailing;
        publishFailing = !accepted;
        if (accepted) return wasFailing ? Level.INFO : Level.NONE;
        return wasFailing ? Level.NONE : Level.WARN;
    }

    /** Forgets the status logged last, so that the next one counts as a change (e.g. the device got a new id). */
    public void forget() {
        lastLogged = null;
    }
}
