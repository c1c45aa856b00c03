// What vtepd learns from the log of the gobgpd it runs (-p: logrus's text lines, warnings and
// worse): the sessions gobgpd closed because a neighbour sent more routes than its prefix
// limit. gobgpd tells its API nothing of that; its log line is the one trace:
//   time="..." level=warning msg="prefix limit reached" Family=l2vpn-evpn Key=192.0.2.3 Topic=Peer
// (the same message with Pct=80 is the early warning, not a closed session).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Read at most this much new log per look: a log that grows faster is skipped ahead. */
const MAX_READ = 1 << 20;

/** The neighbours whose sessions the log lines in `text` say were closed for the prefix limit, one per line. Pure. */
export function prefixLimitCloses(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.includes('msg="prefix limit reached"') && !/\bPct=/.test(line))
    .map((line) => /\bKey=(\S+)/.exec(line)?.[1] ?? '')
    .filter((address) => address !== '');
}

/** Reads what a log file gained since the last look (from its end when first opened). */
export class LogTail {
  private offset: number;

  constructor(private readonly file: string) {
    this.offset = this.size();
  }

  /** The complete lines appended since the last call. */
  read(): string {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return '';
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0;
      this.offset = Math.max(this.offset, size - MAX_READ);
      const buffer = Buffer.alloc(size - this.offset);
      const length = readSync(fd, buffer, 0, buffer.length, this.offset);
      const text = buffer.subarray(0, length).toString('utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      this.offset += Buffer.byteLength(complete);
      return complete;
    } finally {
      closeSync(fd);
    }
  }

  private size(): number {
    try {
      const fd = openSync(this.file, 'r');
      try {
        return fstatSync(fd).size;
      } finally {
        closeSync(fd);
      }
    } catch {
      return 0;
    }
  }
}
