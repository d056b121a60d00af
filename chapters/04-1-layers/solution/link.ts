// Stage 2: the link layer. Each record's bytes start with a link-layer header whose shape the file's link
// type gives; it says which network protocol comes next (an EtherType, or an address family) and where.
import { PacketError } from "./errors.ts";

export type NetworkProtocol = "IPv4" | "IPv6";

export interface LinkFrame {
  /** The network protocol carried, when it is IP; undefined for anything else (ARP, ...). */
  readonly protocol: NetworkProtocol | undefined;
  /** What the frame carries, named for messages: "IPv4", "IPv6", "ARP", "EtherType 0x88cc", "family 17". */
  readonly carries: string;
  /** The bytes after the link-layer header: the network-layer packet. */
  readonly payload: Buffer;
}

/** The link types dissect.ts reads (LINKTYPE_* numbers of the pcap format). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** tcpdump's names, as in `link-type EN10MB (Ethernet)`. */
const NAMES: Record<number, string> = {
  0: "NULL (BSD loopback)",
  1: "EN10MB (Ethernet)",
  9: "PPP (PPP)",
  101: "RAW (Raw IP)",
  105: "IEEE802_11 (802.11)",
  108: "LOOP (OpenBSD loopback)",
  113: "LINUX_SLL (Linux cooked v1)",
  127: "IEEE802_11_RADIO (802.11 plus radiotap header)",
  195: "IEEE802_15_4 (IEEE 802.15.4 with FCS)",
  220: "USB_LINUX_MMAPPED (USB with padded Linux header)",
  228: "IPV4 (Raw IPv4)",
  229: "IPV6 (Raw IPv6)",
  249: "USBPCAP (USB with USBPcap header)",
  253: "NETLINK (Linux netlink)",
  276: "LINUX_SLL2 (Linux cooked v2)",
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `link type ${linkType} (unknown)`;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_ARP = 0x0806;

function byEtherType(etherType: number, payload: Buffer): LinkFrame {
  if (etherType === ETHERTYPE_IPV4) return { protocol: "IPv4", carries: "IPv4", payload };
  if (etherType === ETHERTYPE_IPV6) return { protocol: "IPv6", carries: "IPv6", payload };
  if (etherType === ETHERTYPE_ARP) return { protocol: undefined, carries: "ARP", payload };
  return {
    protocol: undefined,
    carries: `EtherType 0x${etherType.toString(16).padStart(4, "0")}`,
    payload,
  };
}

// BSD loopback's address family numbers: AF_INET is 2 everywhere, AF_INET6 differs by system.
const AF_INET = 2;
const AF_INET6 = new Set([
  10 /* Linux */, 23 /* Windows */, 24 /* NetBSD, OpenBSD */, 28 /* FreeBSD */, 30 /* macOS */,
]);

function byFamily(family: number, payload: Buffer): LinkFrame {
  if (family === AF_INET) return { protocol: "IPv4", carries: "IPv4", payload };
  if (AF_INET6.has(family)) return { protocol: "IPv6", carries: "IPv6", payload };
  return { protocol: undefined, carries: `family ${family}`, payload };
}

function byVersion(payload: Buffer): LinkFrame {
  const version = (payload[0] ?? 0) >> 4;
  if (version === 4) return { protocol: "IPv4", carries: "IPv4", payload };
  if (version === 6) return { protocol: "IPv6", carries: "IPv6", payload };
  return { protocol: undefined, carries: `IP version ${version}`, payload };
}

function need(frame: Buffer, bytes: number, what: string): void {
  if (frame.length < bytes) {
    throw new PacketError(`${what} header needs ${bytes} bytes, the frame has ${frame.length}`);
  }
}

/**
 * Takes the link-layer header off one frame. Returns undefined for a link type this dissector does not read
 * (dissect.ts names it and skips the file's packets); throws PacketError for a frame too short for its header.
 */
export function linkLayer(linkType: number, frame: Buffer): LinkFrame | undefined {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      // Destination MAC (6), source MAC (6), EtherType (2).
      need(frame, 14, "Ethernet");
      return byEtherType(frame.readUInt16BE(12), frame.subarray(14));
    case LINKTYPE.NULL: {
      // The address family, in the byte order of the machine that captured: if the high half is set, it
      // was written the other way round.
      need(frame, 4, "BSD loopback");
      const le = frame.readUInt32LE(0);
      return byFamily(le & 0xffff0000 ? frame.readUInt32BE(0) : le, frame.subarray(4));
    }
    case LINKTYPE.LOOP:
      need(frame, 4, "OpenBSD loopback");
      return byFamily(frame.readUInt32BE(0), frame.subarray(4));
    case LINKTYPE.LINUX_SLL:
      // Packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2).
      need(frame, 16, "Linux cooked v1");
      return byEtherType(frame.readUInt16BE(14), frame.subarray(16));
    case LINKTYPE.LINUX_SLL2:
      // Protocol (2), reserved (2), interface index (4), ARPHRD type (2), packet type (1), address length
      // (1), address (8).
      need(frame, 20, "Linux cooked v2");
      return byEtherType(frame.readUInt16BE(0), frame.subarray(20));
    case LINKTYPE.RAW:
      return byVersion(frame);
    case LINKTYPE.IPV4:
      return { protocol: "IPv4", carries: "IPv4", payload: frame };
    case LINKTYPE.IPV6:
      return { protocol: "IPv6", carries: "IPv6", payload: frame };
    default:
      return undefined;
  }
}
