// UDP traffic helper, run inside a namespace.
//
//   udp.js recv --listen ADDR:PORT --count N [--linger-ms M] [--timeout S] [--tag T]
//       prints "listening"; counts datagrams until N arrived, then keeps listening M ms more
//       (default 500) so duplicates are counted too; prints
//       {"count":C,"bytes":B,"sources":{"ADDR":n},"ports":[source ports],"payloads":["hex",..first 16],
//        "intact":I,"distinct":D,"ordered":O}: I datagrams are exactly what `send --tag T` sends
//       (default tag vtt), D different indexes among them, O whether those came in send order.
//       Exit 0 iff C >= N (the caller asserts exact counts). Bind 0.0.0.0 to get broadcasts.
//   udp.js send --to ADDR:PORT --count N [--size S] [--broadcast] [--interval-ms I] [--tag T] [--burst]
//       sends N datagrams, each "T:<index>:" padded to S bytes with a pattern; prints {"sent":N}.
//       --burst: all at once, without waiting for one send to finish before the next.
//   udp.js raw  --to ADDR:PORT --hex HEX [--count N] [--bind ADDR] [--sport P]
//       sends the given bytes verbatim as the UDP payload (malformed VXLAN packets).
//   udp.js echo --listen ADDR:PORT [--count N] [--timeout S]
//       prints "listening", echoes every datagram to its sender; exits after N echoes.
//   udp.js exchange --to ADDR:PORT --count N [--size S] [--timeout S]
//       sends N datagrams one at a time, each waiting (with resends) for its echo;
//       prints {"sent":N,"echoed":E}, exit 0 iff every payload came back intact.
import dgram from 'node:dgram';
import net from 'node:net';
import { Pattern, announce, deadline, emit, fail, flag, hostPort, num, parseArgs, str } from './common.js';

const args = parseArgs(process.argv.slice(2));
const mode = args.get('_0');
const timeout = num(args, 'timeout', 20);

function family(host: string): 'udp4' | 'udp6' {
  return net.isIPv6(host) ? 'udp6' : 'udp4';
}

function payload(tag: string, index: number, size: number): Buffer {
  const head = Buffer.from(`${tag}:${index}:`);
  if (size <= head.length) return head;
  return Buffer.concat([head, new Pattern(index + 1).next(size - head.length)]);
}

const RECV_BUFFER_BYTES = 4 << 20;

function recv(): void {
  const { host, port } = hostPort(str(args, 'listen'));
  const want = num(args, 'count');
  const linger = num(args, 'linger-ms', 500);
  const tag = str(args, 'tag', 'vtt');
  let count = 0;
  let bytes = 0;
  let intact = 0;
  const sources: Record<string, number> = {};
  const ports = new Set<number>();
  const indexes = new Set<number>();
  const payloads: string[] = [];
  let last = -1;
  let ordered = true;
  const result = () => ({ count, bytes, sources, ports: [...ports].sort((a, b) => a - b), payloads, intact, distinct: indexes.size, ordered });
  deadline(timeout, result);
  const sock = dgram.createSocket({ type: family(host), reuseAddr: true });
  let lingering = false;
  sock.on('message', (msg, rinfo) => {
    count++;
    bytes += msg.length;
    sources[rinfo.address] = (sources[rinfo.address] ?? 0) + 1;
    ports.add(rinfo.port);
    if (payloads.length < 16) payloads.push(msg.toString('hex'));
    const index = Number(/^[^:]*:(\d+):/.exec(msg.toString('latin1'))?.[1] ?? NaN);
    if (msg.equals(payload(tag, index, msg.length))) {
      intact++;
      indexes.add(index);
      ordered &&= index > last;
      last = index;
    }
    if (count >= want && !lingering) {
      lingering = true;
      setTimeout(() => {
        emit(result());
        process.exit(0);
      }, linger);
    }
  });
  sock.on('error', (e) => fail(`recv: ${e.message}`));
  sock.bind(port, host, () => {
    // Room for a burst: the default buffer holds only about 200 small datagrams.
    sock.setRecvBufferSize(RECV_BUFFER_BYTES);
    announce('listening');
  });
}

function send(): void {
  const { host, port } = hostPort(str(args, 'to'));
  const count = num(args, 'count', 1);
  const size = num(args, 'size', 64);
  const interval = num(args, 'interval-ms', 0);
  const tag = str(args, 'tag', 'vtt');
  deadline(timeout);
  const sock = dgram.createSocket(family(host));
  sock.on('error', (e) => fail(`send: ${e.message}`));
  sock.bind(0, () => {
    if (flag(args, 'broadcast')) sock.setBroadcast(true);
    if (flag(args, 'burst')) {
      let done = 0;
      for (let k = 0; k < count; k++) {
        sock.send(payload(tag, k, size), port, host, (err) => {
          if (err) fail(`send: ${err.message}`);
          if (++done === count) {
            emit({ sent: count });
            sock.close();
          }
        });
      }
      return;
    }
    let i = 0;
    const next = (): void => {
      if (i >= count) {
        emit({ sent: count });
        sock.close();
        return;
      }
      sock.send(payload(tag, i, size), port, host, (err) => {
        if (err) fail(`send: ${err.message}`);
        i++;
        if (interval > 0) setTimeout(next, interval);
        else setImmediate(next);
      });
    };
    next();
  });
}

function raw(): void {
  const { host, port } = hostPort(str(args, 'to'));
  const hex = str(args, 'hex');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) fail('--hex needs an even number of hex digits');
  const data = Buffer.from(hex, 'hex');
  const count = num(args, 'count', 1);
  deadline(timeout);
  const sock = dgram.createSocket(family(host));
  sock.on('error', (e) => fail(`raw: ${e.message}`));
  const bindAddr = args.has('bind') ? str(args, 'bind') : undefined;
  sock.bind(num(args, 'sport', 0), bindAddr, () => {
    let i = 0;
    const next = (): void => {
      if (i >= count) {
        emit({ sent: count, bytes: data.length });
        sock.close();
        return;
      }
      sock.send(data, port, host, (err) => {
        if (err) fail(`raw: ${err.message}`);
        i++;
        setImmediate(next);
      });
    };
    next();
  });
}

function echo(): void {
  const { host, port } = hostPort(str(args, 'listen'));
  const want = args.has('count') ? num(args, 'count') : Infinity;
  let echoed = 0;
  deadline(timeout, () => ({ echoed }));
  const sock = dgram.createSocket({ type: family(host), reuseAddr: true });
  sock.on('message', (msg, rinfo) => {
    sock.send(msg, rinfo.port, rinfo.address, (err) => {
      if (err) fail(`echo: ${err.message}`);
      echoed++;
      if (echoed >= want) {
        emit({ echoed });
        process.exit(0);
      }
    });
  });
  sock.on('error', (e) => fail(`echo: ${e.message}`));
  sock.bind(port, host, () => announce('listening'));
}

function exchange(): void {
  const { host, port } = hostPort(str(args, 'to'));
  const count = num(args, 'count', 1);
  const size = num(args, 'size', 64);
  const tag = str(args, 'tag', 'xchg');
  let echoed = 0;
  let resends = 0;
  deadline(timeout, () => ({ sent: count, echoed, resends }));
  const sock = dgram.createSocket(family(host));
  sock.on('error', (e) => fail(`exchange: ${e.message}`));
  let i = 0;
  let current: Buffer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const transmit = (): void => {
    sock.send(current!, port, host, (err) => {
      if (err && !['EHOSTUNREACH', 'ECONNREFUSED'].includes((err as NodeJS.ErrnoException).code ?? '')) {
        fail(`exchange: ${err.message}`);
      }
    });
    timer = setTimeout(() => {
      resends++;
      transmit();
    }, 300);
  };
  const next = (): void => {
    if (i >= count) {
      emit({ sent: count, echoed, resends });
      process.exit(echoed === count ? 0 : 1);
    }
    current = payload(tag, i, size);
    transmit();
  };
  sock.on('message', (msg) => {
    if (!current || !msg.equals(current)) return; // a late duplicate of an earlier one
    clearTimeout(timer);
    echoed++;
    i++;
    current = undefined;
    next();
  });
  sock.bind(0, next);
}

const modes: Record<string, () => void> = { recv, send, raw, echo, exchange };
const fn = typeof mode === 'string' ? modes[mode] : undefined;
if (!fn) fail(`usage: udp.js ${Object.keys(modes).join('|')} ...`);
fn();
