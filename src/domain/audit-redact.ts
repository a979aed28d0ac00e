/**
 * What an audit event's payload may show to the people who read the log. The services record ids,
 * names and summaries, never a credential; this is the second line, for whatever a future event
 * carries: a field whose name says it is a secret or a token is hidden, and so is a credential that
 * sits inside a text (a sign-off or sign-in link, a robot URL's key or access token).
 */
export const REDACTED = '[已隐藏 redacted]';

/** Names of fields that hold a credential: `secret`, `token`, `password`, `apiKey`… — but not `tokenId` or `tokensRevoked`. */
const SECRET_WORD = /^(?:.*[_-])?(?:secret|token|password|passwd|api[_-]?key|access[_-]?key|private[_-]?key|sign(?:ature)?|cookie|authorization|credential)s?$/i;
/** …and as the last word of a camelCase name (`webhookSecret`, `accessToken`). */
const SECRET_SUFFIX = /[a-z](?:Secret|Token|Password|Key|Signature|Cookie|Credential)s?$/;
/** A capability link's token: `/s/<token>` and `/login/<token>`. */
const LINK_TOKEN = /(\/(?:s|login)\/)[A-Za-z0-9_-]{16,}/g;
/** Query parameters that carry a robot's or an API's key. */
const KEY_PARAM = /([?&](?:key|access_token|token|secret|sign|signature|api_key|apikey)=)[^&#\s"']*/gi;

export const isSecretKey = (key: string): boolean => SECRET_WORD.test(key) || SECRET_SUFFIX.test(key);

export function redactText(s: string): string {
  return s.replace(LINK_TOKEN, `$1${REDACTED}`).replace(KEY_PARAM, `$1${REDACTED}`);
}

/** The payload with every secret-named field and every credential inside a text replaced by REDACTED. */
export function redactAuditData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactAuditData(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretKey(k) && v !== null && typeof v !== 'boolean' ? REDACTED : redactAuditData(v, depth + 1)]),
  );
}
