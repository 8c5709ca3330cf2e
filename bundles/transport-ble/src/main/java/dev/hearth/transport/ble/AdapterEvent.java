package dev.hearth.transport.ble;

/** What happened to the adapter or to the Bluetooth service behind it. */
public enum AdapterEvent {
    /** The adapter is present and powered (again). */
    POWERED_ON,
    /** The adapter was powered off or removed; every connection has ended. */
    POWERED_OFF,
    /** The Bluetooth service restarted (on BlueZ: the owner of {@code org.bluez} changed); connections and scans have ended. */
    SERVICE_RESTARTED
}
