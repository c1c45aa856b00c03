// Tells a supervisor that the daemon is ready: the control socket answers and the config's
// devices exist. systemd's Type=notify passes $NOTIFY_SOCKET; without it there is nobody to tell.
import { loadAddon } from '../device/addon.js';

export async function notifyReady(): Promise<void> {
  const socket = process.env.NOTIFY_SOCKET;
  if (!socket) return;
  try {
    (await loadAddon()).sdNotify(socket, 'READY=1');
  } catch (err) {
    // Not fatal: the daemon serves anyway, and a supervisor that waits times the start out.
    process.stderr.write(`vtepd: cannot notify readiness: ${(err as Error).message}\n`);
  }
}
