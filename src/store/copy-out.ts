/**
 * `COPY … TO STDOUT` on one node-postgres connection, its output gathered
 * into one buffer. node-postgres would make an object and a buffer of every
 * CopyData message, and pg-copy-streams copies the bytes twice on their way
 * (into its buffer list, then out of it); here each byte of the socket is
 * copied once, into a buffer sized from the message headers. As
 * pg-copy-streams does, the connection's socket is taken from node-postgres'
 * parser while the COPY runs and handed back from the first message that is
 * not COPY data (CopyDone or an error), which node-postgres then parses as
 * usual: it ends the query (or fails it) through the methods below.
 */
import type { EventEmitter } from 'node:events';
import type pg from 'pg';

const COPY_DATA = 0x64; // d
/** Messages that may come between CopyData ones and are skipped: CopyOutResponse, notices, parameter status, notifications. */
const SKIPPED = new Set([0x48, 0x4e, 0x53, 0x41]);

type DataHandler = (chunk: Buffer) => void;

interface Connection {
  readonly stream: EventEmitter;
  query(text: string): void;
}

/** A node-postgres submittable: `client.query(new CopyOut(sql))`, then `await done`. */
class CopyOut {
  readonly done: Promise<Uint8Array>;
  private resolve!: (bytes: Uint8Array) => void;
  private reject!: (error: Error) => void;
  private failed = false;
  private stream: EventEmitter | undefined;
  private pgData: DataHandler | undefined;
  private buffer = new Uint8Array(256);
  private used = 0;
  /** The header of the message being read (code and length), as far as it has come. */
  private readonly header = Buffer.alloc(5);
  private headerRead = 0;
  private remaining = 0;
  private keeping = false;

  constructor(readonly text: string) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): Error | undefined {
    const stream = connection.stream;
    const listeners = stream.listeners('data') as DataHandler[];
    if (listeners.length !== 1) return new Error('COPY TO: the connection is not read by node-postgres alone');
    this.stream = stream;
    this.pgData = listeners[0]!;
    stream.removeListener('data', this.pgData);
    stream.on('data', this.onData);
    connection.query(this.text);
    return undefined;
  }

  private readonly onData = (chunk: Buffer): void => {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(5 - this.headerRead, chunk.length - at);
        chunk.copy(this.header, this.headerRead, at, at + take);
        this.headerRead += take;
        at += take;
        if (this.headerRead < 5) return;
        this.headerRead = 0;
        const code = this.header[0]!;
        const length = this.header.readUInt32BE(1) - 4;
        if (code !== COPY_DATA && !SKIPPED.has(code)) {
          // CopyDone, or an error: node-postgres reads on from this message.
          this.detach(Buffer.concat([this.header, chunk.subarray(at)]));
          return;
        }
        this.keeping = code === COPY_DATA;
        this.remaining = length;
        if (this.keeping) this.reserve(length);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      if (this.keeping) this.buffer.set(chunk.subarray(at, at + take), this.used);
      if (this.keeping) this.used += take;
      this.remaining -= take;
      at += take;
    }
  };

  /** Room for `bytes` more, and a little over: the trailer that follows a large tuple needs no copy of it. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.used + bytes + 64));
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
  }

  private detach(rest: Buffer): void {
    const { stream, pgData } = this;
    if (!stream || !pgData) return;
    stream.removeListener('data', this.onData);
    stream.on('data', pgData);
    this.stream = undefined;
    pgData(rest);
  }

  handleError(error: Error): void {
    this.detach(Buffer.alloc(0));
    this.failed = true;
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve(this.buffer.subarray(0, this.used));
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
}

/** `COPY (query) TO STDOUT (FORMAT binary)` on `connection`: the bytes of COPY's binary format. */
export async function copyOutBinary(connection: pg.PoolClient, query: string): Promise<Uint8Array> {
  const copy = new CopyOut(`COPY (${query}) TO STDOUT (FORMAT binary)`);
  void connection.query(copy as unknown as pg.Submittable);
  return copy.done;
}
