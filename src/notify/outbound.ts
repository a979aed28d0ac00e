import ipaddr from 'ipaddr.js';
import { AppError, words } from '../lib/errors';

/**
 * The rules for URLs the service calls out to (unit robots, webhooks): what may be stored, and how
 * a failed call is reported. Pure and Workers-safe, so the API checks URLs when they are saved; the
 * Node sender (./outbound-node.ts) applies the same policy again after DNS resolution at send time.
 *
 * Why: whoever may set a robot URL could otherwise make the server call its own network (Redis on
 * 127.0.0.1:6379, the cloud metadata service at 169.254.169.254, an intranet admin page) and read
 * the answer back through the delivery list.
 */
export interface OutboundPolicy {
  /** `http://` accepted besides `https://` (intranet robots without TLS): `ALLOW_HTTP_WEBHOOKS=true`. */
  allowHttp: boolean;
  /**
   * Addresses or CIDR ranges that may be reached although private, loopback or reserved (an
   * intranet robot; a test's receivers on 127.0.0.1): `OUTBOUND_ALLOW_ADDRESSES`. Matched against
   * the resolved address, so a host name is allowed only by what it resolves to.
   */
  allowAddresses: readonly string[];
}

/** The default: https only, public unicast addresses only. */
export const STRICT_OUTBOUND: OutboundPolicy = { allowHttp: false, allowAddresses: [] };

/** Parses `OUTBOUND_ALLOW_ADDRESSES` (comma or space separated IPs and CIDRs); throws on a bad entry. */
export function parseAllowAddresses(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    if (!ipaddr.isValid(entry) && !isCidr(entry)) throw new Error(`not an IP address or CIDR range: ${entry}`);
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try { ipaddr.parseCIDR(entry); return true; } catch { return false; }
}

/**
 * Whether an outbound call may reach this IP address: public unicast, or allowed by the policy.
 * Everything ipaddr.js does not class as `unicast` is refused: loopback, private (10/8, 172.16/12,
 * 192.168/16), link-local (169.254/16 with the metadata services, fe80::/10), unique-local
 * (fc00::/7), carrier-grade NAT (100.64/10), unspecified (0.0.0.0, ::), broadcast, multicast,
 * reserved, and IPv4 hidden in IPv6 (::ffff:127.0.0.1, ::127.0.0.1, 6to4, Teredo). The same rule as the
 * request-filtering agent the Node sender uses, here for literal addresses at save time.
 */
export function addressAllowed(address: string, policy: OutboundPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  for (const entry of policy.allowAddresses) {
    if (ipaddr.isValid(entry) ? ipaddr.parse(entry).toNormalizedString() === parsed.toNormalizedString() : matchesCidr(parsed, entry)) return true;
  }
  return parsed.range() === 'unicast' && !ipv4Compatible(parsed);
}

/**
 * `::a.b.c.d` (::/96, the deprecated IPv4-compatible form): ipaddr.js classes it as unicast, yet it
 * names an IPv4 address ([::127.0.0.1] is ::7f00:1). Refused like the address it hides.
 */
export function ipv4Compatible(address: ipaddr.IPv4 | ipaddr.IPv6 | string): boolean {
  const parsed = typeof address === 'string' ? (ipaddr.isValid(address) ? ipaddr.parse(address) : null) : address;
  return parsed?.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0);
}

function matchesCidr(address: ipaddr.IPv4 | ipaddr.IPv6, cidr: string): boolean {
  try {
    const range = ipaddr.parseCIDR(cidr);
    return address.kind() === range[0].kind() && address.match(range);
  } catch {
    return false;
  }
}

/** `localhost` and `*.localhost` always mean loopback (RFC 6761): judged as 127.0.0.1 without DNS. */
const LOOPBACK_NAME = /(^|\.)localhost\.?$/i;

type Problem = { zh: string; en: string };

/**
 * The scheme rule alone: https, or http when the policy allows it. The Node sender applies it at
 * send time and leaves every address question to its filtering agent, after DNS resolution.
 */
export function schemeProblem(url: string, policy: OutboundPolicy): Problem | null {
  let parsed: URL;
  try { parsed = new URL(url); } catch { return { zh: '不是有效的网址', en: 'not a valid URL' }; }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && policy.allowHttp)) return null;
  return policy.allowHttp
    ? { zh: '只能使用 https:// 或 http:// 网址', en: 'only https:// or http:// URLs' }
    : { zh: '只能使用 https:// 网址（内网 http 机器人须由运维设置 ALLOW_HTTP_WEBHOOKS=true）', en: 'must be an https:// URL (http only with ALLOW_HTTP_WEBHOOKS=true, for intranet robots)' };
}

/**
 * Why this URL may not be stored for outbound calls (zh, en), or null when it may: the scheme
 * rule, and a literal address (or `localhost`) that is not public. Host names are judged at send
 * time, when they are resolved.
 */
export function outboundUrlProblem(url: string, policy: OutboundPolicy): Problem | null {
  const scheme = schemeProblem(url, policy);
  if (scheme) return scheme;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = LOOPBACK_NAME.test(host) ? '127.0.0.1' : ipaddr.isValid(host) ? host : null;
  if (literal !== null && !addressAllowed(literal, policy)) {
    return { zh: '不能指向本机、内网或保留地址', en: 'must not point at a loopback, private, link-local or reserved address' };
  }
  return null;
}

/**
 * The save-time check: throws one 400 naming every field (`{ "wecom.url": url, … }`) whose URL
 * breaks the rules. Host names are resolved only at send time (by the Node sender), where the
 * resolved address is checked again.
 */
export function assertOutboundUrls(urls: Record<string, string | undefined>, policy: OutboundPolicy): void {
  const issues = Object.entries(urls).flatMap(([path, url]) => {
    const problem = url === undefined ? null : outboundUrlProblem(url, policy);
    return problem ? [{ path, in: 'body', message: words(problem.zh, problem.en) }] : [];
  });
  if (issues.length) throw new AppError('validation_failed', { fields: issues.map((i) => i.path).join(', ') }, issues);
}

export const assertOutboundUrl = (url: string, field: string, policy: OutboundPolicy) => assertOutboundUrls({ [field]: url }, policy);

/** One HTTP POST to an outside URL, as the senders see it; the Node implementation filters destinations. */
export type OutboundPost = (url: string, body: string, headers: Record<string, string>) => Promise<OutboundResponse>;
/** The answer: its status and at most the first few KiB of its body, for the platform's result code only. */
export interface OutboundResponse { status: number; body: string }

/**
 * A short, safe reason for the delivery list (`lastError`): control and format characters removed,
 * whitespace collapsed, at most `max` characters. It never carries more of a target's answer than a
 * caller put in; callers put in only a status and a robot platform's code and message fields.
 */
export function shortReason(text: string, max = 200): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Cs}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The robot platforms' documented result fields and nothing else of the reply: WeCom and DingTalk
 * `errcode`/`errmsg`, Feishu `code`/`msg` and its legacy `StatusCode`/`StatusMessage`. Empty when
 * the reply has none (a proxy's page, an arbitrary server's answer).
 */
export function platformReason(reply: unknown): string {
  const obj = reply && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Record<string, unknown>) : null;
  if (!obj) return '';
  for (const [codeField, messageField] of [['errcode', 'errmsg'], ['code', 'msg'], ['StatusCode', 'StatusMessage']] as const) {
    const code = obj[codeField];
    if (typeof code !== 'number' && typeof code !== 'string') continue;
    const message = typeof obj[messageField] === 'string' ? shortReason(obj[messageField] as string, 80) : '';
    return `${codeField} ${shortReason(String(code), 20)}${message ? `: ${message}` : ''}`;
  }
  return '';
}
