// Control requests to Daemon calls. Params come from any client, so each is checked here with
// the same validators as the command line and the config file (errors name `params.KEY`).
import type { Daemon } from '../daemon/daemon.js';
import type { VxlanDevice } from '../device/vxlanDevice.js';
import { FDB_ENTRY_KEYS, FDB_SELECTOR_KEYS, parseFdbEntry, parseFdbSelector } from '../link/fdbEntry.js';
import { checkDeviceName, parseLinkSpec } from '../link/linkSpec.js';
import { Field, checkObject, requiredKey } from '../validation.js';
import type { Method, MethodResults } from './protocol.js';

const PARAMS = Field.config('params');

export async function dispatch(
  daemon: Daemon,
  method: Exclude<Method, 'monitor'>,
  params: unknown,
): Promise<MethodResults[Exclude<Method, 'monitor'>]> {
  switch (method) {
    case 'link.add':
      return daemon.addLink(parseLinkSpec(params, PARAMS));
    case 'link.del':
      daemon.deleteLink(deviceName(params, 'name', true));
      return null;
    case 'link.show':
      return daemon.links(deviceName(params, 'name', false));
    case 'fdb.add':
    case 'fdb.append':
    case 'fdb.replace': {
      const { dev, ...entry } = checkObject(params, PARAMS, ['dev', ...FDB_ENTRY_KEYS]);
      const device = deviceParam(daemon, dev);
      const update = { 'fdb.add': 'fdbAdd', 'fdb.append': 'fdbAppend', 'fdb.replace': 'fdbReplace' } as const;
      device[update[method]](parseFdbEntry(entry, PARAMS));
      return null;
    }
    case 'fdb.del': {
      const { dev, ...selector } = checkObject(params, PARAMS, ['dev', ...FDB_SELECTOR_KEYS]);
      const device = deviceParam(daemon, dev);
      const { mac, dst } = parseFdbSelector(selector, PARAMS);
      device.fdbDel(mac, dst);
      return null;
    }
    case 'fdb.show':
      return daemon.fdbRows(deviceName(params, 'dev', false));
    case 'stats':
      return daemon.stats(deviceName(params, 'name', false));
    case 'port.show':
      checkObject(params, PARAMS, []);
      return daemon.ports();
  }
}

/** The device an fdb request names in params.dev. */
function deviceParam(daemon: Daemon, dev: unknown): VxlanDevice {
  if (dev === undefined) throw PARAMS.at('dev').missing();
  return daemon.fdbDevice(checkDeviceName(dev, PARAMS.at('dev')));
}

/** params is { [key]: NAME }, key optional unless `required`. */
function deviceName(params: unknown, key: string, required: true): string;
function deviceName(params: unknown, key: string, required: false): string | undefined;
function deviceName(params: unknown, key: string, required: boolean): string | undefined {
  const raw = checkObject(params, PARAMS, [key]);
  if (raw[key] === undefined && !required) return undefined;
  return checkDeviceName(requiredKey(raw, key, PARAMS), PARAMS.at(key));
}
