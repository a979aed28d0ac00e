import { z } from 'zod';
import { hmacHex } from '../lib/crypto';
import type { Channel, Notification } from './channel';

/**
 * Group robots (WeCom, DingTalk, Feishu) and a generic JSON webhook, configured per unit in
 * `units.robots`. Uses only fetch and WebCrypto. Group chats are read by many people, so a robot
 * message never carries a sign-off link (a capability): it names the person and says the link was
 * sent to them privately. The generic webhook is a system integration and does carry the link.
 */
export const UnitRobotsSchema = z.object({
  wecom: z.object({ url: z.url() }).optional(),
  dingtalk: z.object({ url: z.url(), secret: z.string().min(1).optional() }).optional(),
  feishu: z.object({ url: z.url(), secret: z.string().min(1).optional() }).optional(),
  webhook: z.object({ url: z.url(), secret: z.string().min(1).optional() }).optional(),
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

/** A failed send that retrying will not fix (bad configuration, rejected payload). */
export class PermanentSendError extends Error {}

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

/** The message text for a group chat: the link, if any, replaced by a note. */
export function groupText(m: Notification): string {
  const text = m.link ? m.text.split(m.link).join('（审核链接已单独发送给您本人 / your sign-off link was sent to you privately）') : m.text;
  return `${m.subject}\n${text}`;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status >= 500 || res.status === 429) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  if (res.status >= 400) throw new PermanentSendError(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  try { return JSON.parse(text); } catch { return null; }
}

/** WeCom, DingTalk and Feishu answer 200 with an error code in the body. */
function checkCode(platform: string, reply: unknown, field: 'errcode' | 'code'): void {
  const code = (reply as Record<string, unknown> | null)?.[field] ?? (reply as Record<string, unknown> | null)?.StatusCode;
  if (code !== undefined && code !== 0) throw new Error(`${platform} replied ${JSON.stringify(reply).slice(0, 200)}`);
}

function robotOf<K extends RobotName>(m: Notification, name: K): NonNullable<UnitRobots[K]> {
  const robot = m.robots?.[name];
  if (!robot) throw new PermanentSendError(`no ${name} robot configured for this unit`);
  return robot as NonNullable<UnitRobots[K]>;
}

/** 企业微信群机器人: text message, mentioning the person by WeCom user id and/or mobile. */
export function wecomChannel(): Channel {
  return {
    name: 'wecom',
    async send(m) {
      const { url } = robotOf(m, 'wecom');
      const reply = await postJson(url, {
        msgtype: 'text',
        text: {
          content: groupText(m),
          ...(m.to.wecomUserId ? { mentioned_list: [m.to.wecomUserId] } : {}),
          ...(m.to.phone ? { mentioned_mobile_list: [m.to.phone] } : {}),
        },
      });
      checkCode('WeCom', reply, 'errcode');
    },
  };
}

/** 钉钉自定义机器人: markdown message, @-mentioning by mobile or user id, signed when a secret is set. */
export function dingtalkChannel(now: () => Date = () => new Date()): Channel {
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
      const mention = m.to.phone ? ` @${m.to.phone}` : m.to.dingtalkUserId ? ` @${m.to.dingtalkUserId}` : '';
      const reply = await postJson(url, {
        msgtype: 'markdown',
        markdown: { title: m.subject, text: `### ${m.subject}\n\n${groupText(m).split('\n').slice(1).join('\n\n')}${mention}` },
        at: { atMobiles: m.to.phone ? [m.to.phone] : [], atUserIds: m.to.dingtalkUserId ? [m.to.dingtalkUserId] : [], isAtAll: false },
      });
      checkCode('DingTalk', reply, 'errcode');
    },
  };
}

/** 飞书自定义机器人: text message, signed when a secret is set. */
export function feishuChannel(now: () => Date = () => new Date()): Channel {
  return {
    name: 'feishu',
    async send(m) {
      const robot = robotOf(m, 'feishu');
      const timestamp = Math.floor(now().getTime() / 1000);
      const signed = robot.secret ? { timestamp: String(timestamp), sign: await feishuSign(robot.secret, timestamp) } : {};
      const reply = await postJson(robot.url, { ...signed, msg_type: 'text', content: { text: `${m.to.name}：${groupText(m)}` } });
      checkCode('Feishu', reply, 'code');
    },
  };
}

/**
 * Generic JSON webhook for a unit's own systems (OA, portal). Carries the link; `Idempotency-Key`
 * lets the receiver drop the rare duplicate (a worker killed after sending, before recording it);
 * with a secret, `X-Imprimatur-Signature: sha256=<hex HMAC of the body>`.
 */
export function webhookChannel(): Channel {
  return {
    name: 'webhook',
    async send(m) {
      const robot = robotOf(m, 'webhook');
      const body = {
        kind: m.kind, dedupeKey: m.dedupeKey, subject: m.subject, text: m.text, link: m.link ?? null,
        to: { personId: m.to.personId, name: m.to.name, email: m.to.email },
      };
      const headers: Record<string, string> = { 'idempotency-key': m.dedupeKey };
      if (robot.secret) headers['x-imprimatur-signature'] = `sha256=${await hmacHex(robot.secret, JSON.stringify(body))}`;
      await postJson(robot.url, body, headers);
    },
  };
}
