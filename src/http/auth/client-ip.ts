import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { ConfigError } from '../../config.ts';

/** The client address of a request, from its peer (socket) address and its `X-Forwarded-For` header ('' when absent). */
export type ClientIpResolver = (peer: string, forwardedFor: string) => string;

/**
 * Canonical text of an address: uWS writes IPv6 peers in full (`0000:…:ffff:7f00:0001`); this gives
 * `127.0.0.1` for IPv4-mapped ones and the RFC 5952 form otherwise. Dotted IPv4 is returned as is.
 */
export function canonicalIp(text: string): string {
  if (!text.includes(':') || !ipaddr.isValid(text)) return text;
  return ipaddr.process(text).toString();
}

/**
 * Builds the resolver for TRUST_PROXY (comma-separated addresses, CIDRs or the names `loopback`,
 * `linklocal`, `uniquelocal`). Without it the client is the peer. With it, `X-Forwarded-For` is
 * walked from the right past trusted proxies (proxy-addr, as Express does): a client cannot spoof its
 * address by sending the header itself.
 * @throws ConfigError on an entry that is not an address, CIDR or known name.
 */
export function clientIpResolver(trustProxy: string): ClientIpResolver {
  const list = trustProxy.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) return (peer) => canonicalIp(peer);
  let trust: (addr: string, i: number) => boolean;
  try {
    trust = proxyaddr.compile(list);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  TRUST_PROXY=${JSON.stringify(trustProxy)}: ${(err as Error).message}`);
  }
  return (peer, forwardedFor) => {
    const socket = canonicalIp(peer);
    if (forwardedFor === '') return socket;
    // proxy-addr reads only these two members of a Node request.
    const req = { headers: { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: socket } } as unknown as IncomingMessage;
    return canonicalIp(proxyaddr(req, trust));
  };
}

/**
 * Rate-limit key of a client address: IPv6 clients usually hold a whole /64, so they are counted per /64.
 */
export function ipKey(ip: string): string {
  if (!ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return ip;
  return `${ipaddr.IPv6.parse(ip).toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}

/**
 * Idempotency scope of an anonymous caller: its client address, so two anonymous clients never
 * share (or replay) each other's Idempotency-Keys.
 */
export function anonymousPrincipal(ip: string): string {
  return `anon:${ip}`;
}
