/**
 * The send side of a descriptor, as a kernel's send buffer is for a C program: write() copies the bytes in and
 * returns; they go to node:net in one socket.write per turn of the program (process.nextTick) or per 64 KiB.
 * Without it every 1 KiB write of the listings is its own system call (profiled: 56 % of a streaming server's
 * CPU). Node's cork()/uncork() on nextTick would do the same with a copy per write.
 */
import type net from "node:net";

const SLAB = 64 * 1024;
/** A slab with less room than this left is not reused. */
const MIN_ROOM = 4 * 1024;

export class SendBuffer {
  readonly #socket: net.Socket;
  #slab: Buffer | undefined;
  #used = 0;
  #scheduled = false;
  readonly #flushSoon = () => {
    this.#scheduled = false;
    this.flush();
  };

  constructor(socket: net.Socket) {
    this.#socket = socket;
  }

  /** Copies the bytes in (the caller may reuse its buffer at once); they leave by the end of this turn. */
  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      if (!this.#slab) {
        this.#slab = Buffer.allocUnsafe(SLAB);
        this.#used = 0;
      }
      const room = this.#slab.length - this.#used;
      const n = Math.min(room, bytes.length - at);
      this.#slab.set(at === 0 && n === bytes.length ? bytes : bytes.subarray(at, at + n), this.#used);
      this.#used += n;
      at += n;
      if (this.#used === this.#slab.length) this.flush();
    }
    if (this.#used > 0 && !this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushSoon);
    }
  }

  /** Hands what is pending to the socket now (before close, shutdown, or when a slab is full). */
  flush(): void {
    const slab = this.#slab;
    if (!slab || this.#used === 0) return;
    const chunk = slab.subarray(0, this.#used);
    // The rest of the slab is still free: keep filling it (node:net holds only the part handed over).
    this.#slab = slab.length - this.#used >= MIN_ROOM ? slab.subarray(this.#used) : undefined;
    this.#used = 0;
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.write(chunk);
  }
}
