// What a point-to-point device (gretap, Geneve, an L2TPv3 session) is to its user: a TAP whose frames
// go to its one peer, so no FDB and no learning; each kind's device.ts adds how it is made.
import { EventEmitter } from 'node:events';
import type { DeviceStats, GretapFeatures, LinkInfo } from '../link/linkInfo.js';
import type { NativePeerDevice, NativeOnGone } from './addon.js';
import { type DeviceEvents, callNative, linkInfo } from './common.js';

export abstract class PeerDevice<R extends LinkInfo['spec'], N extends NativePeerDevice = NativePeerDevice> extends EventEmitter<DeviceEvents> {
  /** The interface name the kernel gave the TAP. */
  readonly name: string;
  readonly ifindex: number;
  /** The settings the device runs with (host defaults filled in). */
  readonly spec: R;
  protected readonly device: N;

  /** `open` makes the native device, which calls its argument should the TAP go. */
  protected constructor(open: (onGone: NativeOnGone) => N, spec: R) {
    super();
    this.device = open(() => this.emit('gone'));
    this.name = this.device.name;
    this.ifindex = this.device.ifindex;
    this.spec = { ...spec, name: this.name };
  }

  stats(): DeviceStats {
    return callNative(this.name, () => this.device.stats());
  }

  /** The offloads the data path uses: TAP offloads (its sockets use no UDP offloads). */
  get features(): GretapFeatures {
    return callNative(this.name, () => this.device.features);
  }

  info(): LinkInfo {
    return linkInfo(this.ifindex, this.name, this.spec, this.features);
  }

  /**
   * Stops the data plane and removes the TAP; close(false) leaves a persistent TAP for a later
   * reattach. Idempotent (nothing to do once 'gone').
   */
  close(remove = true): void {
    this.device.close(remove);
  }
}
