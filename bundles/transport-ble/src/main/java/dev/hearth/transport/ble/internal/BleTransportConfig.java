package dev.hearth.transport.ble.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The one place the BLE transport's defaults live. Two underscores stand for one in the property ({@code dbus_address}). */
@ObjectClassDefinition(name = "Hearth BLE transport (BlueZ)",
        description = "Bluetooth LE through BlueZ's D-Bus API. Needs bluetoothd and permission to talk to org.bluez on the bus.")
public @interface BleTransportConfig {

    @AttributeDefinition(name = "D-Bus address", description = "Where BlueZ is: empty for the system bus, or a D-Bus address "
            + "such as unix:path=/run/dbus/system_bus_socket.")
    String dbus__address() default "";

    @AttributeDefinition(name = "Adapter", description = "The adapter to use, e.g. hci0. Empty: the first one.")
    String adapter() default "";
}
