// Restoring a device to its persistent TAP after a restart: by the ifindex the state file
// recorded, or, if that TAP is gone (removed while no daemon ran, or a reboot with the state
// kept on disk), made anew, which the log says (its addresses are lost).
import type { Logger } from './logger.js';

/**
 * `create(ifindex)` makes the device on that TAP (0: a new TAP). Throws what creating it
 * threw, or, when the TAP was gone and a new one cannot be made either, why.
 */
export async function reattach<T>(name: string, ifindex: number, logger: Logger, create: (ifindex: number) => Promise<T>): Promise<T> {
  try {
    return await create(ifindex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENODEV') throw err;
  }
  const device = await create(0).catch((cause: Error) => {
    throw new Error(`its TAP (ifindex ${ifindex}) is gone and cannot be made anew: ${cause.message}`);
  });
  logger.warn({ device: name, ifindex }, `${name}: its TAP (ifindex ${ifindex}) was gone: created anew, without its addresses`);
  return device;
}
