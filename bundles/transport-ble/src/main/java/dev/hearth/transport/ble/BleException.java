package dev.hearth.transport.ble;

import java.io.IOException;

/** A BLE operation failed: adapter missing or off, device unknown or unreachable, GATT error, timeout. */
public class BleException extends IOException {
    private static final long serialVersionUID = 1L;

    public BleException(String message) {
        super(message);
    }

    public BleException(String message, Throwable cause) {
        super(message, cause);
    }
}
