package dev.hearth.api;

/** The state of the link between a driver and its device. */
public enum DeviceState {
    /** Connected or answering; readings flow. */
    ONLINE,
    /** Looking for the device, connecting or logging in. */
    CONNECTING,
    /** Known but not reachable; the driver retries with backoff. */
    OFFLINE,
    /** Reachable but failing (bad frames, refused commands); the message says how. */
    ERROR,
    /** The device speaks something this driver cannot; the driver will not retry in a loop. */
    UNSUPPORTED
}
