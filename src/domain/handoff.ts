import { constantTimeEqual, hmacHex } from '../lib/crypto';

/**
 * How a hand-off delivery (draft.approved / draft.retracted) is signed, and the check a receiver
 * runs. The signed string is `${timestamp}.${body}`: the existing webhook signature
 * (`X-Imprimatur-Signature: sha256=<hex HMAC-SHA256(secret, …)>`) with the send time in front, so
 * a captured delivery replayed later fails the window check, and a changed timestamp fails the
 * signature. Headers: `X-Imprimatur-Timestamp` (Unix seconds), `X-Imprimatur-Signature`.
 */
export const HANDOFF_REPLAY_WINDOW_SECONDS = 300;

export const handoffSignedString = (timestamp: number, body: string) => `${timestamp}.${body}`;

export async function handoffSignature(secret: string, timestamp: number, body: string): Promise<string> {
  return `sha256=${await hmacHex(secret, handoffSignedString(timestamp, body))}`;
}

export type HandoffCheck = { ok: true } | { ok: false; reason: 'malformed' | 'bad_signature' | 'outside_window' };

/**
 * The receiver's check, as the README documents it: the timestamp is an integer within
 * `windowSeconds` of the receiver's clock (either way), and the signature is the HMAC of
 * `${timestamp}.${raw body}` under the shared secret, compared in constant time. Receivers should
 * also drop a delivery id (`Idempotency-Key`) they have already processed.
 */
export async function verifyHandoff(input: { secret: string; timestamp: string | undefined; signature: string | undefined; body: string; now: Date; windowSeconds?: number }): Promise<HandoffCheck> {
  const window = input.windowSeconds ?? HANDOFF_REPLAY_WINDOW_SECONDS;
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp) || !input.signature || !/^sha256=[0-9a-f]{64}$/.test(input.signature)) return { ok: false, reason: 'malformed' };
  const timestamp = Number(input.timestamp);
  const expected = await handoffSignature(input.secret, timestamp, input.body);
  if (!constantTimeEqual(expected, input.signature)) return { ok: false, reason: 'bad_signature' };
  if (Math.abs(input.now.getTime() / 1000 - timestamp) > window) return { ok: false, reason: 'outside_window' };
  return { ok: true };
}
