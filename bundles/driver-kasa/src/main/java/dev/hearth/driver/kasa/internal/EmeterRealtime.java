package dev.hearth.driver.kasa.internal;

/**
 * One {@code emeter.get_realtime} answer, normalised whatever field names the firmware used.
 *
 * @param powerWatts W
 * @param voltageVolts V
 * @param currentAmps A
 * @param energyKwh total energy since the meter was last reset, kWh
 */
public record EmeterRealtime(double powerWatts, double voltageVolts, double currentAmps, double energyKwh) {
}
