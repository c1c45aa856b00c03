// Loads the C++ addon on first use, so importing a device module (or the package) needs no build.
import type { NativeAddon } from './native.js';

export async function loadAddon(): Promise<NativeAddon> {
  try {
    return (await import('./native.js')).native;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('the native addon build/Release/vtepd.node is missing: build it with "npx node-gyp rebuild"');
  }
}
