// Starts simulated Kasa plugs on 127.0.0.1 for the driver's tests (tplink-smarthome-simulator):
// an HS110 hardware 1.0 (realtime fields power/voltage/current/total), an HS110 hardware 2.0
// (power_mw/voltage_mv/current_ma/total_wh) and an HS300 power strip with six outlets.
// Prints one JSON line with their ports, then takes one JSON command per stdin line and answers
// one JSON line each. Exits when stdin closes, so the plugs die with the test JVM.
//
//   {"device":"hs110v2","realtime":{"power":12.5,"voltage":230.5,"current":0.25,"total":3.5}}
//   {"device":"hs300","child":"02","realtime":{...}}   child = the outlet's two-digit slot
//   {"device":"hs300","child":"02","alias":"Lamp"}
//
// Values are given in W, V, A and kWh; the simulator scales them for the v2 field names.
'use strict';
const readline = require('readline');
const { Device } = require('tplink-smarthome-simulator');

const OPTIONS = {
  hs110v1: { model: 'hs110', alias: 'Kettle Plug',
    data: { deviceId: '8006A110V1000000000000000000000000000001', mac: '50:C7:BF:00:00:01' } },
  hs110v2: { model: 'hs110v2', alias: 'Fridge Plug',
    data: { deviceId: '8006A110V2000000000000000000000000000002', mac: '50:C7:BF:00:00:02' } },
  hs300: { model: 'hs300', alias: 'Bench Strip',
    data: { deviceId: '8006A300000000000000000000000000000003', mac: '50:C7:BF:00:00:03' } },
};

// The simulator takes a free TCP port and then binds UDP (discovery) on the same number, which
// another socket may hold: EADDRINUSE then, now and again. A new device on a new port is the fix.
async function started(options) {
  for (let attempt = 1; ; attempt++) {
    const device = new Device({ ...options, address: '127.0.0.1', port: 0 });
    try {
      await device.start();
      return device;
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || attempt >= 10) throw e;
      try { await device.stop(); } catch (ignored) { /* half started */ }
    }
  }
}

async function main() {
  const devices = {};
  const ports = {};
  for (const [name, options] of Object.entries(OPTIONS)) {
    const device = await started(options);
    device.deviceNetworking.on('error', () => {});
    devices[name] = device;
    ports[name] = device.port;
  }
  process.stdout.write(JSON.stringify({ ports }) + '\n');

  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    try {
      const command = JSON.parse(line);
      const device = devices[command.device];
      if (!device) throw new Error('no device ' + command.device);
      let target = device.data;
      if (command.child != null) {
        target = device.children.find((c) => c.sysinfo.id.endsWith(command.child));
        if (!target) throw new Error('no child ' + command.child);
      }
      if (command.realtime) target.emeter.realtime = { ...target.emeter.realtime, ...command.realtime };
      if (command.alias) (command.child != null ? target.sysinfo : target.system.sysinfo).alias = command.alias;
      process.stdout.write(JSON.stringify({ ok: true }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ ok: false, error: String(e.message || e) }) + '\n');
    }
  });
  lines.on('close', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e) + '\n');
  process.exit(1);
});
