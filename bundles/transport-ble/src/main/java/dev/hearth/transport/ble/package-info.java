/**
 * A small BLE central API of Hearth's own: scan with advertisement data, connect by address,
 * GATT read, write and notifications by UUID, and connection and adapter events. Drivers use
 * {@link dev.hearth.transport.ble.BleCentral}; the transport bundle provides it over BlueZ D-Bus,
 * the simulator provides a simulated one for the demo.
 */
@Export
@Version("1.0.0")
package dev.hearth.transport.ble;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
