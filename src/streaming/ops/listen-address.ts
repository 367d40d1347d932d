/** How a bound address is written: as bound (what the server prints) and as a client reaches it. */
import type { AddressInfo } from 'node:net';

/** IPv6 literals are bracketed in URLs. */
function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** The stream URL of the address as bound, e.g. ws://0.0.0.0:8080/stream. */
export function boundStreamUrl(a: AddressInfo): string {
  return `ws://${urlHost(a.address)}:${a.port}/stream`;
}

/** A URL a local client can connect to: a wildcard address is reached through loopback. */
export function localStreamUrl(a: AddressInfo): string {
  const host = a.address === '0.0.0.0' ? '127.0.0.1' : a.address === '::' ? '::1' : a.address;
  return `ws://${urlHost(host)}:${a.port}/stream`;
}

/** A note on what the bound address means, for the start-up line. */
export function addressNote(a: AddressInfo): string {
  if (a.address === '0.0.0.0') return 'every IPv4 interface';
  if (a.address === '::') return 'every interface';
  if (a.address === '127.0.0.1' || a.address === '::1') return 'this machine only';
  return `interface ${a.address}`;
}
