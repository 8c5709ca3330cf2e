package dev.hearth.driver.kasa.internal;

import java.util.List;

/**
 * What {@code system.get_sysinfo} says about a plug.
 *
 * @param alias the name given in the Kasa app, may be empty
 * @param model e.g. {@code HS110(EU)}
 * @param hardwareVersion {@code hw_ver}, e.g. {@code 2.0}
 * @param softwareVersion {@code sw_ver}
 * @param deviceId {@code deviceId}, 40 hex characters on real plugs
 * @param mac {@code mac} (or {@code mic_mac}), may be empty
 * @param relayOn {@code relay_state == 1}; for a power strip, whether any outlet is on
 * @param hasEnergyMeter {@code feature} contains {@code ENE}
 * @param outlets the child outlets of a power strip (HS300), empty for a single plug
 */
public record KasaSysinfo(String alias, String model, String hardwareVersion, String softwareVersion, String deviceId,
        String mac, boolean relayOn, boolean hasEnergyMeter, List<Outlet> outlets) {

    public KasaSysinfo {
        outlets = List.copyOf(outlets);
    }

    /**
     * One outlet of a power strip.
     *
     * @param id the full child id as TCP answers it (deviceId + two digits); UDP answers only the two digits
     * @param alias its own name, may be empty
     * @param on its relay {@code state == 1}
     */
    public record Outlet(String id, String alias, boolean on) {

        /** The two-digit slot, stable across both id forms. */
        public String slot() {
            return id.length() <= 2 ? id : id.substring(id.length() - 2);
        }
    }
}
