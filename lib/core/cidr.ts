import { StagecraftError } from './errors';

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** An IPv4 range as its first address and prefix length; undefined when `value` is not an IPv4 CIDR. */
function parseCidr(value: string): { base: number; prefix: number } | undefined {
  const match = IPV4_CIDR.exec(value);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((sum, o) => sum * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: address - (address % size), prefix };
}

/** Throws unless `value` is an IPv4 CIDR such as `10.0.0.0/8` (what a NetworkPolicy `ipBlock` takes). */
export function checkCidr(path: string, what: string, value: string): void {
  if (typeof value !== 'string' || parseCidr(value) === undefined) {
    throw new StagecraftError(
      path,
      `${what} must be an IPv4 CIDR such as 10.0.0.0/8 or 0.0.0.0/0, got ${JSON.stringify(value)}`,
    );
  }
}

/** Whether every address of `inner` lies in `outer` (both IPv4 CIDRs; false when either is not one). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || i.prefix < o.prefix) return false;
  const size = 2 ** (32 - o.prefix);
  return i.base - (i.base % size) === o.base;
}

/** Whether `a` and `b` share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
