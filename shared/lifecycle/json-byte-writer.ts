/** Where written bytes go: each chunk is handed over once and never touched again by the writer. */
export type ByteSink = (chunk: Uint8Array) => void;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FIRST_PRINTABLE = 0x20;
const LAST_ASCII_KEPT = 0x7e;
const MINUS = 0x2d;
const ZERO = 0x30;

const utf8 = new TextEncoder();

/**
 * JSON text written straight into fixed-size byte chunks, for outputs of tens of megabytes: no
 * string is built for the whole output or for any part of it, so nothing is copied twice and the
 * garbage collector has next to nothing to trace. A full chunk goes to the sink and a fresh one
 * is taken (a sink may keep the chunk, e.g. an asynchronous stream write).
 *
 * Strings take a fast path when every character is printable ASCII other than `"` and `\` (digests,
 * most tags, AWS CLI timestamps): one byte a character, copied as it is checked. Anything else is
 * escaped by JSON.stringify itself and encoded as UTF-8, so the output is what JSON.stringify
 * gives in every case (lone surrogates included: ES2019's well-formed JSON.stringify escapes them).
 */
export class JsonByteWriter {
  private chunk: Uint8Array;
  private used = 0;
  private chunkBytes: number;

  /**
   * `sink` undefined: nothing is handed over; the one buffer grows instead (doubling) and `written`
   * reads it back. Offsets into it (`position`) then stay valid until the writer is dropped.
   */
  constructor(
    private readonly sink: ByteSink | undefined,
    chunkBytes: number,
  ) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
      throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
    }
    this.chunkBytes = chunkBytes;
    this.chunk = new Uint8Array(chunkBytes);
  }

  /** Bytes in the current chunk: with no sink, the offset of the next byte in the one buffer. */
  get position(): number {
    return this.used;
  }

  /** With no sink: everything written so far (a view, not a copy). */
  written(): Uint8Array {
    return this.chunk.subarray(0, this.used);
  }

  /** `source[start, end)` copied as it is: bytes this or another writer encoded earlier. */
  copy(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.used + length > this.chunkBytes && !this.makeRoom(length)) {
      this.handOver(source.slice(start, end));
      return;
    }
    // A native copy: a byte loop in JavaScript took twice as long on results of 250 bytes, view included.
    this.chunk.set(source.subarray(start, end), this.used);
    this.used += length;
  }

  /** Text the caller knows is ASCII: the writer's own punctuation and keys, numbers' digits. */
  ascii(text: string): void {
    const length = text.length;
    if (this.used + length > this.chunkBytes && !this.makeRoom(length)) {
      this.handOver(utf8.encode(text));
      return;
    }
    const chunk = this.chunk;
    let at = this.used;
    for (let i = 0; i < length; i++) chunk[at++] = text.charCodeAt(i);
    this.used = at;
  }

  /** Bytes the caller encoded once (constant punctuation and keys), copied as they are. */
  raw(bytes: Uint8Array): void {
    const length = bytes.length;
    if (this.used + length > this.chunkBytes && !this.makeRoom(length)) {
      this.handOver(bytes.slice());
      return;
    }
    this.chunk.set(bytes, this.used);
    this.used += length;
  }

  /** A JSON string literal of `value`, quotes included: exactly JSON.stringify(value). */
  string(value: string): void {
    const length = value.length;
    if (this.used + length + 2 > this.chunkBytes && !this.makeRoom(length + 2)) {
      this.encoded(JSON.stringify(value));
      return;
    }
    const chunk = this.chunk;
    let at = this.used;
    chunk[at++] = QUOTE;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code < FIRST_PRINTABLE || code > LAST_ASCII_KEPT || code === QUOTE || code === BACKSLASH) {
        // Nothing written so far is committed (`used` has not moved): start again, slowly.
        this.encoded(JSON.stringify(value));
        return;
      }
      chunk[at++] = code;
    }
    chunk[at++] = QUOTE;
    this.used = at;
  }

  /** A JSON number: integers digit by digit, anything else as JSON.stringify prints it. */
  number(value: number): void {
    if (!Number.isSafeInteger(value) || this.used + 17 > this.chunkBytes) {
      this.ascii(JSON.stringify(value));
      return;
    }
    const chunk = this.chunk;
    let rest = value;
    if (rest < 0) {
      chunk[this.used++] = MINUS;
      rest = -rest;
    }
    let digits = 1;
    for (let scale = 10; scale <= rest; scale *= 10) digits++;
    let at = this.used + digits;
    this.used = at;
    do {
      chunk[--at] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  /** Hands what is left to the sink. The writer is not used afterwards. */
  end(): void {
    if (this.used > 0) this.sink?.(this.chunk.subarray(0, this.used));
    this.used = 0;
  }

  /** Any well-formed string (JSON.stringify output is) as UTF-8: at most 3 bytes a UTF-16 unit. */
  private encoded(text: string): void {
    const most = text.length * 3;
    if (this.used + most > this.chunkBytes && !this.makeRoom(most)) {
      this.handOver(utf8.encode(text));
      return;
    }
    this.used += utf8.encodeInto(text, this.chunk.subarray(this.used)).written;
  }

  /**
   * Passes the current chunk on and starts a fresh one; false when `bytes` would not fit even in
   * an empty chunk (the caller then hands its bytes to the sink on their own, after this chunk).
   * With no sink the buffer grows to hold them, and this is always true.
   */
  private makeRoom(bytes: number): boolean {
    if (this.sink === undefined) {
      const grown = new Uint8Array(Math.max(this.chunkBytes * 2, this.used + bytes));
      grown.set(this.chunk.subarray(0, this.used));
      this.chunk = grown;
      this.chunkBytes = grown.length;
      return true;
    }
    if (this.used > 0) {
      this.sink(this.chunk.subarray(0, this.used));
      this.chunk = new Uint8Array(this.chunkBytes);
      this.used = 0;
    }
    return bytes <= this.chunkBytes;
  }

  /** Bytes too large for a chunk, after the chunk makeRoom just passed on (only with a sink). */
  private handOver(bytes: Uint8Array): void {
    (this.sink as ByteSink)(bytes);
  }
}
