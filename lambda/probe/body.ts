/**
 * Reads a response body up to a cap, counting DECODED bytes: a gzip bomb is
 * stopped after `maxBytes` of output, however small its compressed form. Only
 * an excerpt is kept unless an assertion needs the whole body.
 */
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { PROBE_CODES, ProbeError } from './classify.ts';

/** bodyExcerpt's limit, in bytes of the (decoded) body. */
export const EXCERPT_BYTES = 512;

type Coding = 'gzip' | 'deflate' | 'br';
const CODINGS: Record<string, Coding> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' };
const NO_CODINGS: readonly Coding[] = [];

/**
 * The decoders to apply, outermost first (content-encoding lists them in the
 * order they were applied). Null when a coding is unknown: the body is then
 * counted as it arrives, undecoded.
 */
export function codingsOf(contentEncoding: string | undefined): Coding[] | null {
  if (contentEncoding === undefined || contentEncoding === '') return [];
  const listed = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  const codings = listed.map((c) => CODINGS[c]);
  if (codings.some((c) => c === undefined)) return null;
  return (codings as Coding[]).reverse();
}

/** Who hears from a reader (an object rather than callbacks: one per probe, no closures). */
export interface BodyListener {
  /** The body cannot be read: too large, or not decodable. Called once. */
  bodyFailed(err: Error): void;
  /** A paused source may send again (decoder drained). */
  bodyDrained(): void;
  /** After end(): every decoder has flushed. Never called after a failure. */
  bodyComplete(): void;
}

export interface BodyReaderOptions {
  maxBytes: number;
  /** Keep the whole decoded body (an assertion reads it); otherwise only the excerpt. */
  keep: boolean;
  contentEncoding: string | undefined;
  listener: BodyListener;
}

export class BodyReader {
  /** Decoded bytes seen, capped at maxBytes. */
  bytes = 0;
  private readonly excerptChunks: Buffer[] = [];
  private excerptBytes = 0;
  private readonly kept: Buffer[] = [];
  private failed = false;
  private readonly decoders: Transform[] = [];
  private readonly pendingCodings: readonly Coding[];
  private ended = false;

  constructor(private readonly options: BodyReaderOptions) {
    this.pendingCodings = codingsOf(options.contentEncoding) ?? NO_CODINGS;
  }

  /** Feeds a network chunk; false asks the source to pause until the listener hears bodyDrained. */
  write(chunk: Buffer): boolean {
    if (this.failed) return true;
    if (this.pendingCodings.length > 0 && this.decoders.length === 0) this.buildDecoders(chunk);
    const first = this.decoders[0];
    if (!first) {
      this.accept(chunk);
      return true;
    }
    return first.write(chunk);
  }

  /** The network body is complete; the listener's bodyComplete follows once every decoder has flushed. */
  end(): void {
    this.ended = true;
    const first = this.decoders[0];
    if (!first) {
      if (!this.failed) this.options.listener.bodyComplete();
      return;
    }
    first.end();
  }

  /** Stops decoding (the attempt is over, whatever the reason). */
  destroy(): void {
    for (const d of this.decoders) d.destroy();
  }

  excerpt(): string | null {
    if (this.excerptBytes === 0) return null;
    return utf8Prefix(Buffer.concat(this.excerptChunks), EXCERPT_BYTES);
  }

  /** The decoded body as UTF-8 text, when it was kept and read completely. */
  text(): string | null {
    if (!this.options.keep || this.failed || !this.ended) return null;
    return Buffer.concat(this.kept).toString('utf8');
  }

  private buildDecoders(firstChunk: Buffer): void {
    const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
    this.pendingCodings.forEach((coding, i) => {
      let d: Transform;
      if (coding === 'gzip') d = zlib.createGunzip(options);
      else if (coding === 'br') d = zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
      // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate; the first byte tells.
      else d = i === 0 && (firstChunk[0]! & 0x0f) !== 0x08 ? zlib.createInflateRaw(options) : zlib.createInflate(options);
      d.on('error', (err: Error) => this.fail(err));
      this.decoders.push(d);
    });
    this.decoders.forEach((d, i) => {
      const next = this.decoders[i + 1];
      if (next) d.pipe(next);
    });
    const last = this.decoders[this.decoders.length - 1]!;
    last.on('data', (chunk: Buffer) => this.accept(chunk));
    last.on('end', () => {
      if (!this.failed && this.ended) this.options.listener.bodyComplete();
    });
    this.decoders[0]!.on('drain', () => this.options.listener.bodyDrained());
  }

  private accept(chunk: Buffer): void {
    if (this.failed) return;
    const room = this.options.maxBytes - this.bytes;
    const taken = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.bytes += taken.length;
    if (this.excerptBytes < EXCERPT_BYTES && taken.length > 0) {
      const part = taken.subarray(0, EXCERPT_BYTES - this.excerptBytes);
      this.excerptChunks.push(Buffer.from(part));
      this.excerptBytes += part.length;
    }
    if (this.options.keep && taken.length > 0) this.kept.push(taken);
    if (chunk.length > room) {
      this.fail(new ProbeError(PROBE_CODES.bodyTooLarge, `body larger than maxBodySize`));
    }
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.kept.length = 0;
    this.destroy();
    this.options.listener.bodyFailed(err);
  }
}

/** At most `max` bytes of UTF-8, never ending in a cut character. */
export function utf8Prefix(buf: Buffer, max: number): string {
  if (buf.length <= max) return buf.toString('utf8');
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
