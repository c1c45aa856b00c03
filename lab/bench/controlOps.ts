// Control-plane microbenchmark, run by the lab's bench inside one of its namespaces: the cost
// of one FDB update through the TypeScript API into the addon, and of listing 100k entries.
// Prints one JSON line.
import Benchmark from 'benchmark';
import { VxlanDevice, parseLinkSpec } from 'vtepd';

const ENTRIES = 100_000;

function mac(i: number): string {
  const hex = (0x020000000000 + i).toString(16).padStart(12, '0');
  return hex.match(/../g)!.join(':');
}

function hz(bench: Benchmark): number {
  if (bench.error) throw bench.error;
  return bench.hz;
}

const device = await VxlanDevice.create(
  // maxaddress 0 (unlimited): the list below holds more MACs than the default limit admits.
  parseLinkSpec({ name: 'vxbench0', type: 'vxlan', id: 42, local: '192.0.2.1', dstport: 4799, maxaddress: 0 }),
);
try {
  const macs = Array.from({ length: ENTRIES }, (_, i) => mac(i));
  let next = 0;
  const update = new Benchmark('fdb replace', () => {
    device.fdbReplace({ mac: macs[next++ % ENTRIES]!, dst: '192.0.2.2' });
  }).run();
  for (const m of macs) device.fdbReplace({ mac: m, dst: '192.0.2.2' });
  const list = new Benchmark('fdb list 100k', () => {
    if (device.fdbList().length !== ENTRIES) throw new Error('fdb list lost entries');
  }).run();
  const updatesPerSecond = hz(update);
  console.log(
    JSON.stringify({
      fdb_update_per_s: Math.round(updatesPerSecond),
      fdb_add_100k_s: ENTRIES / updatesPerSecond,
      fdb_list_100k_ms: 1000 / hz(list),
    }),
  );
} finally {
  device.close();
}
