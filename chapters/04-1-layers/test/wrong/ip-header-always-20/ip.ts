// IPv4's header taken as always 20 bytes: right for almost every packet, wrong once the header carries options
// (IHL above 5), where the options end up in front of the TCP header. IPv6 is the solution's.
import { PacketError } from "../../../solution/errors.ts";
import {
  formatIPv4,
  internetChecksum,
  ipLayer as solutionIpLayer,
  type IpPacket,
} from "../../../solution/ip.ts";
import type { NetworkProtocol } from "../../../solution/link.ts";

export * from "../../../solution/ip.ts";

export function ipLayer(protocol: NetworkProtocol, bytes: Buffer): IpPacket {
  if (protocol !== "IPv4") return solutionIpLayer(protocol, bytes);
  if (bytes.length < 20) throw new PacketError(`IPv4 header needs 20 bytes, the packet has ${bytes.length}`);
  const headerLength = 20;
  const totalLength = bytes.readUInt16BE(2);
  if (totalLength > bytes.length) {
    throw new PacketError(`IPv4 total length ${totalLength}, only ${bytes.length} bytes captured`);
  }
  const flagsAndOffset = bytes.readUInt16BE(6);
  return {
    version: 4,
    source: formatIPv4(bytes.subarray(12, 16)),
    destination: formatIPv4(bytes.subarray(16, 20)),
    protocol: bytes[9]!,
    headerLength,
    checksumOk: internetChecksum(bytes.subarray(0, headerLength)) === 0,
    fragment: (flagsAndOffset & 0x3fff) !== 0,
    extensions: [],
    payload: bytes.subarray(headerLength, totalLength),
  };
}
