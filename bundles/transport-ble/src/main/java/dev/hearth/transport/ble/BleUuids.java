package dev.hearth.transport.ble;

import java.util.UUID;

/** Bluetooth SIG short UUIDs as full 128-bit UUIDs. */
public final class BleUuids {

    private BleUuids() {
    }

    /** The 16-bit UUID {@code short16} on the Bluetooth base UUID {@code 0000xxxx-0000-1000-8000-00805f9b34fb}. */
    public static UUID of16(int short16) {
        if (short16 < 0 || short16 > 0xFFFF) throw new IllegalArgumentException("not a 16-bit UUID: " + short16);
        return new UUID(((long) short16 << 32) | 0x1000L, 0x800000805F9B34FBL);
    }
}
