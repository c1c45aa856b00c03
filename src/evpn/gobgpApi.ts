// GoBGP's gRPC API (the v3 `apipb.GobgpApi` service Debian's gobgpd 3.x serves), loaded from
// the .proto files Debian's golang-github-osrg-gobgp-dev installs: nothing is vendored, and a
// missing package is an error that names it. Messages are as apiMessages.ts describes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Message } from './apiMessages.js';
import { type SpeakerApi, speakerApiText } from './evpnConfig.js';

/** Where golang-github-osrg-gobgp-dev puts the API; $VTEPD_GOBGP_PROTO overrides it. */
export const GOBGP_PROTO_DIR = '/usr/share/gocode/src/github.com/osrg/gobgp/api';
export const GOBGP_PROTO_PACKAGE = 'golang-github-osrg-gobgp-dev';
type Unary = (request: Message, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, reply: Message) => void) => void;
type ServerStream = (request: Message, options?: grpc.CallOptions) => grpc.ClientReadableStream<Message>;

let packageDefinition: protoLoader.PackageDefinition | undefined;

function loadDefinition(): protoLoader.PackageDefinition {
  if (packageDefinition) return packageDefinition;
  const dir = process.env.VTEPD_GOBGP_PROTO ?? GOBGP_PROTO_DIR;
  const file = join(dir, 'gobgp.proto');
  if (!existsSync(file)) {
    throw new Error(`GoBGP's API definition ${file} is missing: install the Debian package ${GOBGP_PROTO_PACKAGE} (apt-get install --no-install-recommends ${GOBGP_PROTO_PACKAGE})`);
  }
  // gobgp.proto carries Any fields whose types live in attribute.proto and capability.proto,
  // which it does not import: load all three so the Anys can be written and read.
  packageDefinition = protoLoader.loadSync([file, join(dir, 'attribute.proto'), join(dir, 'capability.proto')], {
    includeDirs: [dir],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
    json: true,
  });
  return packageDefinition;
}

/** A connection to one gobgpd's API: unary calls as promises, streams as they are. */
export class GobgpApi {
  private readonly client: grpc.Client & Record<string, Unary | ServerStream>;

  constructor(readonly address: SpeakerApi) {
    const proto = grpc.loadPackageDefinition(loadDefinition()) as unknown as {
      apipb: { GobgpApi: new (target: string, credentials: grpc.ChannelCredentials) => grpc.Client };
    };
    this.client = new proto.apipb.GobgpApi(speakerApiText(address), grpc.credentials.createInsecure()) as GobgpApi['client'];
  }

  /** A unary call; rejects after `timeoutMs` (the speaker may be gone). */
  call(method: string, request: Message, timeoutMs = 5000): Promise<Message> {
    const fn = this.client[method] as Unary;
    return new Promise((resolve, reject) => {
      fn.call(this.client, request, { deadline: Date.now() + timeoutMs }, (err, reply) => (err ? reject(err) : resolve(reply)));
    });
  }

  /** Every message of a server stream (ListPath, ListPeer), once it ends. */
  collect(method: string, request: Message, timeoutMs = 10000): Promise<Message[]> {
    const stream = this.stream(method, request, { deadline: Date.now() + timeoutMs });
    const items: Message[] = [];
    return new Promise((resolve, reject) => {
      stream.on('data', (item: Message) => items.push(item));
      stream.on('error', reject);
      stream.on('end', () => resolve(items));
    });
  }

  stream(method: string, request: Message, options?: grpc.CallOptions): grpc.ClientReadableStream<Message> {
    return (this.client[method] as ServerStream).call(this.client, request, options);
  }

  /** Resolves once the channel is connected, rejects after `timeoutMs`. */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.client.close();
  }
}
