// The payload taken from byte 20, as if TCP never carried options: every SYN (MSS, window scale, SACK) and every
// segment with timestamps, which Linux puts on all of them, then shows its options as data.
import { PacketError } from "../../../solution/errors.ts";
import type { TcpSegment } from "../../../solution/tcp.ts";

export * from "../../../solution/tcp.ts";

export function tcpSegment(bytes: Buffer): TcpSegment {
  if (bytes.length < 20) throw new PacketError(`TCP header needs 20 bytes, the segment has ${bytes.length}`);
  return {
    sourcePort: bytes.readUInt16BE(0),
    destinationPort: bytes.readUInt16BE(2),
    seq: bytes.readUInt32BE(4),
    ack: bytes.readUInt32BE(8),
    headerLength: (bytes[12]! >> 4) * 4,
    flags: bytes[13]!,
    window: bytes.readUInt16BE(14),
    urgentPointer: bytes.readUInt16BE(18),
    payload: bytes.subarray(20),
  };
}
