/**
 * The send side of a descriptor: what a kernel's socket send buffer does for a C program. write() copies the
 * caller's bytes in and returns; the bytes go to node:net in one socket.write per turn of the program (on
 * process.nextTick, once the program's run of calls that return at once is over) or per 64 KiB, whichever
 * comes first. Without it every 1 KiB write of the listings is its own system call, which costs most of the
 * time a ported server spends (profiled: 56 % of its CPU in the write call while streaming). Node's own
 * streams do the same with cork()/uncork() on nextTick; this does it without a copy per write.
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
