// A program embedding vtepd, run inside a namespace: one VXLAN device made through the
// TypeScript API (VxlanDevice.create), for what the daemon does not offer, such as local
// learning, which a BGP EVPN control plane turns on.
//
//   embedded.js --spec JSON [--options JSON] [--timeout S]
//
// --spec is the link spec (parseLinkSpec's input), --options VxlanDeviceOptions. Prints
// "listening" once the device runs (its TAP down, as made), then one JSON line per device
// event: {"event":{...},"localMacs":[...],"stats":{...}}, the table and counters as they are
// right after the event. SIGTERM (or the timeout, default 60 s) closes the device and exits.
import { VxlanDevice, parseLinkSpec, type LocalMacEvent, type FdbEvent } from 'vtepd';
import { announce, deadline, emit, num, parseArgs, str } from './common.js';

const args = parseArgs(process.argv.slice(2));
const spec = parseLinkSpec(JSON.parse(str(args, 'spec')));
if (spec.type !== 'vxlan') throw new Error('--spec must be a vxlan link');
const device = await VxlanDevice.create(spec, JSON.parse(str(args, 'options', '{}')));

const close = (): never => {
  device.close();
  process.exit(0);
};
process.on('SIGTERM', close);
deadline(num(args, 'timeout', 60));
// Device events alone do not keep a process alive.
setInterval(() => undefined, 1 << 30);

const report = (event: FdbEvent | LocalMacEvent): void => emit({ event, localMacs: device.localMacs(), stats: device.stats() });
for (const type of ['learned', 'moved', 'aged', 'local-learned', 'local-aged'] as const) device.on(type, report);
announce('listening');
