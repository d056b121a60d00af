// The two ways a capture can be wrong. Given complete in the starter: throw them from your layers.

/** The file as a whole cannot be read: not a pcap file, truncated, inconsistent. dissect.ts stops (exit 1). */
export class CaptureError extends Error {
  override readonly name = "CaptureError";
}

/** One packet cannot be dissected (too short for its headers, say). dissect.ts reports it and goes on. */
export class PacketError extends Error {
  override readonly name = "PacketError";
}
