/** A port with its two bytes swapped, as bind() gets it when htons() is forgotten on a little-endian machine. */
export function byteSwapped(port: number): number {
  return ((port & 0xff) << 8) | (port >> 8);
}
