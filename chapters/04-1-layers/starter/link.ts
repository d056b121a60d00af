// Stage 2: the link layer. Each record's bytes start with a link-layer header whose shape the file's link
// type gives; it says which network protocol comes next (an EtherType, or an address family) and where.
// See README.md (한국어: README.ko.md), "Stage 2".
import { todo } from "@tcp-katas/shared/cli";

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

/**
 * Takes the link-layer header off one frame. Returns undefined for a link type this dissector does not read
 * (dissect.ts names it and skips the file's packets); throws PacketError for a frame too short for its header.
 */
export function linkLayer(linkType: number, frame: Buffer): LinkFrame | undefined {
  // Ethernet (1): 6 + 6 bytes of MAC addresses, then the EtherType (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP).
  // BSD loopback (0): a 4-byte address family in the capturing host's byte order (AF_INET 2; AF_INET6 10,
  //   23, 24, 28 or 30 depending on the system).
  // Linux cooked v1 (113): 16 bytes, the protocol (an EtherType) in the last 2. v2 (276): 20 bytes, it first.
  // Raw IP (101): no header at all; the version nibble says 4 or 6.
  todo(
    `stage 2: linkLayer: take the ${linkTypeName(linkType)} header off a ${frame.length}-byte frame`,
    `2단계: linkLayer: ${frame.length}바이트 프레임에서 ${linkTypeName(linkType)} 헤더를 떼어 내세요`,
  );
}
