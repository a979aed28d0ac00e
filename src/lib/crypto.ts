/**
 * Token and hash helpers on Web Crypto only, so the same code runs on Node and on Workers.
 * Tokens are 256 random bits from the CSPRNG; the database keeps only HMAC(APP_SECRET, token),
 * so a leaked table cannot be replayed and a forged token cannot be checked offline.
 */
const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

export function randomToken(prefix = ''): string {
  return prefix + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function sha256Hex(input: string | Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', typeof input === 'string' ? encoder.encode(input) : input));
}

const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 in hex, answered in the calling thread. */
export type SyncHmac = (secret: string, message: string) => string;
let syncHmac: SyncHmac | null = null;

/**
 * Node's HMAC answers in the calling thread; Web Crypto's goes to the thread pool and back, which
 * cost a link decision more CPU than the hash itself (every decision and every bearer request hashes
 * a token). src/runtime.ts installs Node's; a Worker keeps Web Crypto. Both give the same digest.
 */
export function useSyncHmac(hmac: SyncHmac): void {
  syncHmac = hmac;
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  if (syncHmac) return syncHmac(secret, message);
  return webHmacHex(secret, message);
}

/** The Web Crypto HMAC (what a Worker uses), also for checking the installed one against it. */
export async function webHmacHex(secret: string, message: string): Promise<string> {
  return hex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
}

/** The stored form of any bearer or link token. */
export const hashToken = (secret: string, token: string) => hmacHex(secret, `token:${token}`);

/** Compares two strings in time independent of where they differ (for MACs presented by clients). */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/** JSON with sorted keys: the same value always hashes the same, whatever order jsonb returns keys in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
