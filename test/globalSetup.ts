// Runs once in the vitest main process: checks the namespace prerequisites (failing the
// run under CI=true when they are missing), sweeps what crashed earlier runs left, and
// afterwards removes anything this run left behind (namespaces, the daemons and helpers
// still running in them, control sockets) and checks that it is really gone.
import { staleNamespaces, sweepLeftovers } from '../lab/testbed/index.js';
import { netnsUnavailable } from './netns/prereq.js';

export async function setup(): Promise<void> {
  const why = netnsUnavailable();
  if (why) {
    if (process.env.CI === 'true') throw new Error(`namespace tests cannot run under CI: ${why}`);
    console.warn(`[vtepd tests] namespace tests will be skipped: ${why}`);
  }
  if (netnsUnavailable(false)) return;
  await sweepLeftovers('vtt');
  await sweepLeftovers('vtd'); // demos that died without cleaning up
}

export async function teardown(): Promise<void> {
  if (netnsUnavailable(false)) return;
  const swept = [...(await sweepLeftovers('vtt')), ...(await sweepLeftovers('vtd'))];
  if (swept.length) console.warn(`[vtepd tests] tests left namespaces behind, swept: ${swept.join(' ')}`);
  const left = [...(await staleNamespaces('vtt')), ...(await staleNamespaces('vtd'))];
  if (left.length) throw new Error(`namespaces left after the suite: ${left.join(' ')}`);
}
