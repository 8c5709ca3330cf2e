#!/usr/bin/python3
"""Drives a python3-dbusmock bluez5 mock on the bus in DBUS_SYSTEM_BUS_ADDRESS, for the tests.

The bluez5 template has adapters and devices but no GATT and a Connect that does not set
Connected; this adds an iBBQ's FFF0 service with its characteristics, and a Connect that
connects. Commands (one per run, output on stdout):
  setup ADDR NAME            adapter hci0, the device, its GATT objects
  notify ADDR UUID16 HEX     a notification: the characteristic's Value changes
  writes ADDR UUID16         every value written to the characteristic, one hex line each
  connected ADDR true|false  sets Connected (false = the link dropped)
  power true|false           powers hci0 on or off
  advertise ADDR HEX         new manufacturer data (company 0) and RSSI
"""
import sys

import dbus

BUS = 'org.bluez'
MOCK = 'org.freedesktop.DBus.Mock'
DEV = 'org.bluez.Device1'
SVC = 'org.bluez.GattService1'
CHR = 'org.bluez.GattCharacteristic1'
ADAPTER = '/org/bluez/hci0'
CHARS = {'fff1': ('0011', ['notify']), 'fff2': ('0014', ['write']), 'fff3': ('0017', ['notify']),
         'fff4': ('001a', ['notify']), 'fff5': ('001d', ['write', 'write-without-response'])}


def uuid(short):
    return '0000%s-0000-1000-8000-00805f9b34fb' % short


def dev_path(addr):
    return ADAPTER + '/dev_' + addr.upper().replace(':', '_')


def mock(bus, path):
    return dbus.Interface(bus.get_object(BUS, path), MOCK)


def ay(hexstr):
    return dbus.Array(bytearray.fromhex(hexstr), signature='y')


def setup(bus, addr, name):
    root = mock(bus, '/')
    template = dbus.Interface(bus.get_object(BUS, '/'), 'org.bluez.Mock')
    template.AddAdapter('hci0', 'hearth-test')
    path = template.AddDevice('hci0', addr, name)
    dev = mock(bus, path)
    dev.UpdateProperties(DEV, {'UUIDs': dbus.Array([uuid('fff0')], signature='s'), 'RSSI': dbus.Int16(-60)})
    # the template's Connect does not set Connected: ours does, as bluetoothd would once the link is up
    dev.AddMethod(DEV, 'Connect', '', '',
                  "self.UpdateProperties('org.bluez.Device1', {'Connected': dbus.Boolean(True), 'ServicesResolved': dbus.Boolean(True)})")
    dev.AddMethod(DEV, 'Disconnect', '', '',
                  "self.UpdateProperties('org.bluez.Device1', {'Connected': dbus.Boolean(False), 'ServicesResolved': dbus.Boolean(False)})")
    svc = path + '/service0010'
    svc_props = {'UUID': dbus.String(uuid('fff0')), 'Primary': dbus.Boolean(True), 'Device': dbus.ObjectPath(path)}
    root.AddObject(svc, SVC, svc_props, [])
    added(root, svc, SVC, svc_props)
    for short, (handle, flags) in CHARS.items():
        char_props = {'UUID': dbus.String(uuid(short)), 'Service': dbus.ObjectPath(svc), 'Value': dbus.Array([], signature='y'),
                      'Notifying': dbus.Boolean(False), 'Flags': dbus.Array(flags, signature='s')}
        root.AddObject(svc + '/char' + handle, CHR, char_props,
                       [('ReadValue', 'a{sv}', 'ay', "ret = self.Get('org.bluez.GattCharacteristic1', 'Value')"),
                        ('WriteValue', 'aya{sv}', '', ''),
                        ('StartNotify', '', '', "self.UpdateProperties('org.bluez.GattCharacteristic1', {'Notifying': dbus.Boolean(True)})"),
                        ('StopNotify', '', '', "self.UpdateProperties('org.bluez.GattCharacteristic1', {'Notifying': dbus.Boolean(False)})")])
        added(root, svc + '/char' + handle, CHR, char_props)
    print(path)


def added(root, path, iface, props):
    """AddObject does not announce the object (dbusmock leaves that to the caller); bluetoothd does."""
    root.EmitSignal('org.freedesktop.DBus.ObjectManager', 'InterfacesAdded', 'oa{sa{sv}}',
                    [dbus.ObjectPath(path), dbus.Dictionary({iface: dbus.Dictionary(props, signature='sv')}, signature='sa{sv}')])


def char_path(addr, short):
    return dev_path(addr) + '/service0010/char' + CHARS[short.lower()][0]


def main(argv):
    bus = dbus.SystemBus()
    cmd = argv[1]
    if cmd == 'setup':
        setup(bus, argv[2], argv[3])
    elif cmd == 'notify':
        mock(bus, char_path(argv[2], argv[3])).UpdateProperties(CHR, {'Value': ay(argv[4])})
    elif cmd == 'writes':
        for _, args in mock(bus, char_path(argv[2], argv[3])).GetMethodCalls('WriteValue'):
            print(bytes(bytearray(args[0])).hex())
    elif cmd == 'connected':
        on = argv[3] == 'true'
        mock(bus, dev_path(argv[2])).UpdateProperties(DEV, {'Connected': on, 'ServicesResolved': on})
    elif cmd == 'power':
        mock(bus, ADAPTER).UpdateProperties('org.bluez.Adapter1', {'Powered': argv[2] == 'true'})
    elif cmd == 'advertise':
        # UpdateProperties cannot wrap a dictionary: emit what bluetoothd emits instead
        data = dbus.Dictionary({dbus.UInt16(0): dbus.Array(bytearray.fromhex(argv[3]), signature='y', variant_level=1)},
                               signature='qv', variant_level=1)
        mock(bus, dev_path(argv[2])).EmitSignal('org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as',
                                                [DEV, dbus.Dictionary({'ManufacturerData': data, 'RSSI': dbus.Int16(-61, variant_level=1)}, signature='sv'),
                                                 dbus.Array([], signature='s')])
    else:
        raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    main(sys.argv)
