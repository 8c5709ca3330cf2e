package dev.hearth.api;

import static dev.hearth.api.StatusLogPolicy.Level.INFO;
import static dev.hearth.api.StatusLogPolicy.Level.NONE;
import static dev.hearth.api.StatusLogPolicy.Level.WARN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.hearth.api.StatusLogPolicy.Decision;

class StatusLogPolicyTest {

    @Test
    void aDeviceNotUpAtStartIsInfoThenOneWarningIfItStaysDown() {
        StatusLogPolicy p = new StatusLogPolicy();
        assertEquals(new Decision(INFO, true, true), p.status(DeviceState.ERROR, "ERROR unreachable"));
        assertEquals(new Decision(WARN, false, false), p.status(DeviceState.ERROR, "ERROR unreachable"));
        assertEquals(new Decision(NONE, false, false), p.status(DeviceState.ERROR, "ERROR unreachable"));
        assertEquals(new Decision(NONE, false, false), p.status(DeviceState.ERROR, "ERROR unreachable"));
        assertEquals(new Decision(INFO, true, false), p.status(DeviceState.ONLINE, "ONLINE"), "a recovery is said");
        assertEquals(new Decision(NONE, false, false), p.status(DeviceState.ONLINE, "ONLINE"));
        assertEquals(new Decision(WARN, true, false), p.status(DeviceState.ERROR, "ERROR unreachable"),
                "after a success, a failure is a warning at once");
    }

    @Test
    void theFirstSuccessIsNotLoggedAndAnotherFailureIsAWarningAtOnce() {
        StatusLogPolicy p = new StatusLogPolicy();
        assertEquals(new Decision(NONE, true, false), p.status(DeviceState.ONLINE, "ONLINE"));
        assertEquals(new Decision(WARN, true, false), p.status(DeviceState.ERROR, "ERROR timeout"));

        StatusLogPolicy q = new StatusLogPolicy();
        assertEquals(new Decision(INFO, true, true), q.status(DeviceState.ERROR, "ERROR not found"));
        assertEquals(new Decision(WARN, true, false), q.status(DeviceState.ERROR, "ERROR malformed reply"),
                "a different failure after the first is a warning at once");
        assertEquals(new Decision(NONE, false, false), q.status(DeviceState.ERROR, "ERROR malformed reply"),
                "and no second warning for it");
    }

    @Test
    void forgettingMakesTheNextStatusAChange() {
        StatusLogPolicy p = new StatusLogPolicy();
        p.status(DeviceState.ONLINE, "ONLINE");
        p.forget();
        assertEquals(new Decision(NONE, true, false), p.status(DeviceState.ONLINE, "ONLINE"),
                "changed (report it under the new id), and as after start, not logged");
        assertEquals(new Decision(NONE, false, false), p.status(DeviceState.ONLINE, "ONLINE"));
    }

    @Test
    void aRefusedPublishIsOneWarningAndOneRecovery() {
        StatusLogPolicy p = new StatusLogPolicy();
        assertEquals(NONE, p.published(true));
        assertEquals(WARN, p.published(false));
        assertEquals(NONE, p.published(false));
        assertEquals(NONE, p.published(false));
        assertEquals(INFO, p.published(true));
        assertEquals(NONE, p.published(true));
        assertEquals(WARN, p.published(false));
    }
}
