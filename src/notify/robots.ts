import { z } from 'zod';
import { hmacHex } from '../lib/crypto';
import { text } from '../lib/text';
import { PermanentSendError, withoutLinks, type Channel, type Notification } from './channel';
import { platformReason, type OutboundPost } from './outbound';

/**
 * Group robots (WeCom, DingTalk, Feishu) and a generic JSON webhook, configured per unit in
 * `units.robots`. They send through an `OutboundPost` (the Node workers' filtered sender) and sign
 * with WebCrypto. None of them reaches the person alone (group chats; the unit's own systems), so
 * none ever receives a sign-off link: sending strips links from what these channels get (see
 * `forRoute`), the message names the person and says the link went to their mail.
 *
 * The schema takes http and https URLs; the save-time rules that depend on settings (https only
 * unless ALLOW_HTTP_WEBHOOKS, no private addresses) are `assertOutboundUrl` in ./outbound.ts.
 */
const robotUrl = z.url({ protocol: /^https?$/ }).max(2000);
const secret = text(200);
/** What a unit may set (PUT /units/{id}/robots) and what sending reads back from `units.robots`. */
export const UnitRobotsSchema = z.strictObject({
  wecom: z.strictObject({ url: robotUrl }).optional(),
  dingtalk: z.strictObject({ url: robotUrl, secret: secret.optional() }).optional(),
  feishu: z.strictObject({ url: robotUrl, secret: secret.optional() }).optional(),
  webhook: z.strictObject({ url: robotUrl, secret: secret.optional() }).optional(),
});
export type UnitRobots = z.infer<typeof UnitRobotsSchema>;
export type RobotName = keyof UnitRobots;

/** The unit's robots, ignoring a malformed entry rather than failing every message of the unit. */
export function parseRobots(raw: unknown): UnitRobots {
  const out: UnitRobots = {};
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const key of ['wecom', 'dingtalk', 'feishu', 'webhook'] as const) {
    const parsed = UnitRobotsSchema.shape[key].safeParse(obj[key]);
    if (parsed.success && parsed.data) (out as Record<string, unknown>)[key] = parsed.data;
  }
  return out;
}

export { PermanentSendError };

const enc = new TextEncoder();

async function hmacSha256Base64(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(message)));
  let bin = '';
  for (const b of sig) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** DingTalk 加签: sign = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), both as query parameters. */
export async function dingtalkSign(secret: string, timestamp: number): Promise<string> {
  return hmacSha256Base64(secret, `${timestamp}\n${secret}`);
}

/** Feishu 签名校验: sign = base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")), timestamp in seconds. */
export async function feishuSign(secret: string, timestampSeconds: number): Promise<string> {
  return hmacSha256Base64(`${timestampSeconds}\n${secret}`, '');
}

/** The message's text, any sign-off link that reached this far (sending strips them) replaced by a note. */
const linkFreeText = (m: Notification) => withoutLinks(m.text, [...(m.links ?? []), ...(m.link ? [m.link] : [])]);

/** The message text for a group chat. */
export function groupText(m: Notification): string {
  return `${m.subject}\n${linkFreeText(m)}`;
}

/** Cuts a text to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number, ellipsis = '…'): string {
  if (enc.encode(text).length <= maxBytes) return text;
  const budget = maxBytes - enc.encode(ellipsis).length;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = enc.encode(ch).length;
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + ellipsis;
}

/**
 * Posts a JSON text as is (so a signature over it covers exactly the bytes sent). The error kept
 * for the delivery list holds the HTTP status and, for a robot platform, its documented result
 * fields only: never the body of whatever server answered.
 */
export async function postJson(post: OutboundPost, platform: Platform | null, url: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await post(url, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
  let reply: unknown = null;
  try { reply = JSON.parse(res.body); } catch { reply = null; }
  const reason = platform ? platformReason(reply) : '';
  const error = `HTTP ${res.status}${reason ? ` (${reason})` : ''}`;
  if (res.status >= 500 || res.status === 429) throw new Error(error);
  if (res.status >= 400) throw new PermanentSendError(error);
  if (res.status >= 300) throw new PermanentSendError(`${error}: redirects are not followed (set the final URL)`);
  return reply;
}

/**
 * WeCom, DingTalk and Feishu answer HTTP 200 with a result code in the body (`errcode`, or
 * Feishu's `code` and its legacy `StatusCode`); only 0 is a delivered message. A reply without
 * any code (a proxy's page, say) is not taken as delivered either.
 *
 * Result codes that mean the robot's configuration is wrong, which no retry fixes: DingTalk 310000
 * (keyword missing, signature or timestamp rejected, IP not whitelisted), WeCom 93000 (invalid
 * webhook URL), Feishu 19021/19022/19024 (signature, IP, keyword). Rate limits and the rest are
 * retried with backoff.
 */
const CONFIGURATION_ERRORS = { DingTalk: [310000], WeCom: [93000], Feishu: [19021, 19022, 19024] } as const satisfies Record<string, readonly number[]>;
type Platform = keyof typeof CONFIGURATION_ERRORS;

function checkCode(platform: Platform, reply: unknown, field: 'errcode' | 'code'): void {
  const obj = reply && typeof reply === 'object' ? (reply as Record<string, unknown>) : null;
  const code = obj?.[field] ?? obj?.StatusCode;
  if (code === 0) return;
  const message = `${platform} replied ${platformReason(reply) || 'without a result code'}`;
  throw (CONFIGURATION_ERRORS[platform] as readonly number[]).includes(Number(code)) ? new PermanentSendError(`${message} (check the unit's robot settings)`) : new Error(message);
}

function robotOf<K extends RobotName>(m: Notification, name: K): NonNullable<UnitRobots[K]> {
  const robot = m.robots?.[name];
  if (!robot) throw new PermanentSendError(`no ${name} robot configured for this unit`);
  return robot as NonNullable<UnitRobots[K]>;
}

/** WeCom caps a text message's content at 2048 bytes of UTF-8. */
const WECOM_TEXT_MAX_BYTES = 2048;

/** 企业微信群机器人: text message, mentioning the person by WeCom user id and/or mobile. */
export function wecomChannel(post: OutboundPost): Channel {
  return {
    name: 'wecom',
    async send(m) {
      const { url } = robotOf(m, 'wecom');
      const reply = await postJson(post, 'WeCom', url, JSON.stringify({
        msgtype: 'text',
        text: {
          content: truncateUtf8(groupText(m), WECOM_TEXT_MAX_BYTES),
          ...(m.to.wecomUserId ? { mentioned_list: [m.to.wecomUserId] } : {}),
          ...(m.to.phone ? { mentioned_mobile_list: [m.to.phone] } : {}),
        },
      }));
      checkCode('WeCom', reply, 'errcode');
    },
  };
}

/**
 * 钉钉自定义机器人: markdown message, signed when a secret is set. DingTalk only notifies the
 * people in `at.atMobiles` / `at.atUserIds` whose `@mobile` / `@userId` also appears in the text,
 * so every id mentioned is written into the text too.
 */
export function dingtalkChannel(post: OutboundPost, now: () => Date = () => new Date()): Channel {
  return {
    name: 'dingtalk',
    async send(m) {
      const robot = robotOf(m, 'dingtalk');
      let url = robot.url;
      if (robot.secret) {
        const timestamp = now().getTime();
        const sign = await dingtalkSign(robot.secret, timestamp);
        url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
      }
      const atMobiles = m.to.phone ? [m.to.phone] : [];
      const atUserIds = m.to.dingtalkUserId ? [m.to.dingtalkUserId] : [];
      const mention = [...atMobiles, ...atUserIds].map((id) => ` @${id}`).join('');
      const body = groupText(m).split('\n').slice(1).join('\n\n');
      const reply = await postJson(post, 'DingTalk', url, JSON.stringify({
        msgtype: 'markdown',
        markdown: { title: m.subject, text: `### ${m.subject}\n\n${body}${mention}` },
        at: { atMobiles, atUserIds, isAtAll: false },
      }));
      checkCode('DingTalk', reply, 'errcode');
    },
  };
}

/** 飞书自定义机器人: text message, signed when a secret is set. */
export function feishuChannel(post: OutboundPost, now: () => Date = () => new Date()): Channel {
  return {
    name: 'feishu',
    async send(m) {
      const robot = robotOf(m, 'feishu');
      const timestamp = Math.floor(now().getTime() / 1000);
      const signed = robot.secret ? { timestamp: String(timestamp), sign: await feishuSign(robot.secret, timestamp) } : {};
      const reply = await postJson(post, 'Feishu', robot.url, JSON.stringify({ ...signed, msg_type: 'text', content: { text: `${m.to.name}：${groupText(m)}` } }));
      checkCode('Feishu', reply, 'code');
    },
  };
}

/**
 * Generic JSON webhook for a unit's own systems (OA, portal). Not the person's alone, so it never
 * carries a link (`link` null, `links` empty, the text says to check the mail); `Idempotency-Key`
 * lets the receiver drop the rare duplicate (a worker killed after sending, before recording it);
 * with a secret, `X-Imprimatur-Signature: sha256=<hex HMAC of the body>`.
 */
export function webhookChannel(post: OutboundPost): Channel {
  return {
    name: 'webhook',
    async send(m) {
      const robot = robotOf(m, 'webhook');
      const body = {
        // `link` and `links` stay in the payload's shape, always empty: the link went to the person's mail.
        kind: m.kind, dedupeKey: m.dedupeKey, subject: m.subject, text: linkFreeText(m), link: null, links: [],
        to: { personId: m.to.personId, name: m.to.name, email: m.to.email },
      };
      const raw = JSON.stringify(body);
      const headers: Record<string, string> = { 'idempotency-key': m.dedupeKey };
      if (robot.secret) headers['x-imprimatur-signature'] = `sha256=${await hmacHex(robot.secret, raw)}`;
      await postJson(post, null, robot.url, raw, headers);
    },
  };
}
