import { and, isNull, sql } from 'drizzle-orm';
import type * as Oidc from 'openid-client';
import type { Db } from '../../db/client';
import { people } from '../../db/schema';
import { base64url, constantTimeEqual, hmacHex } from '../lib/crypto';
import { AppError, words } from '../lib/errors';
import type { AppDeps } from '../lib/http';

/**
 * University single sign-on (统一身份认证) over OpenID Connect: authorization code with PKCE,
 * state and nonce, through openid-client (runs on Node and Workers alike). Nothing is kept on
 * the server between the two legs: the verifier, state, nonce and `next` ride in a short-lived
 * cookie signed with APP_SECRET. The person is found by one configured claim (their work e-mail,
 * or their employee number 工号), and must already be a person here: sign-on proves who someone
 * is, it does not make them a user.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim that names the person (`email`, or e.g. `employee_no`, `uid`). */
  claim: string;
  /** What the claim is compared with: the person's e-mail or their employee number. */
  match: 'email' | 'employeeNo';
  /** Shown on the button (the university's name for its sign-on, e.g. 统一身份认证). */
  label: string;
}

export const OIDC_COOKIE = 'imp_oidc';
/** The sign-on round trip must come back within this long. */
export const OIDC_FLOW_MS = 10 * 60_000;

const configs = new Map<string, Promise<Oidc.Configuration>>();
/** Loaded at the first sign-on: most installations never configure one (openid-client and jose are several MB resident). */
const client = () => import('openid-client');

/** Loopback issuers may use plain http (tests, a local identity provider); any other must be https. */
const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/** Discovery once per issuer and client; a failed discovery is forgotten so the next attempt retries. */
function configuration(s: OidcSettings): Promise<Oidc.Configuration> {
  const key = `${s.issuer}\n${s.clientId}`;
  let found = configs.get(key);
  if (!found) {
    const issuer = new URL(s.issuer);
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer);
    // client_secret_basic: the OIDC default, which every university provider accepts.
    found = client().then((oidc) => oidc.discovery(issuer, s.clientId, undefined, oidc.ClientSecretBasic(s.clientSecret), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined));
    found.catch(() => configs.delete(key));
    configs.set(key, found);
  }
  return found;
}

interface FlowState {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  exp: number;
}

async function seal(secret: string, value: FlowState): Promise<string> {
  const body = base64url(new TextEncoder().encode(JSON.stringify(value)));
  return `${body}.${await hmacHex(secret, `oidc-flow:${body}`)}`;
}

async function unseal(secret: string, cookie: string | undefined, now: Date): Promise<FlowState | null> {
  const [body, mac] = (cookie ?? '').split('.');
  if (!body || !mac || !constantTimeEqual(mac, await hmacHex(secret, `oidc-flow:${body}`))) return null;
  try {
    const value = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(body.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0)))) as FlowState;
    return value.exp > now.getTime() ? value : null;
  } catch {
    return null;
  }
}

export const callbackUrl = (publicUrl: string) => `${publicUrl}/login/sso/callback`;

/** The first leg: where to send the browser, and the sealed cookie that remembers this attempt. */
export async function beginSignOn(deps: Pick<AppDeps, 'config' | 'now'>, s: OidcSettings, next: string): Promise<{ redirectTo: string; cookie: string }> {
  const config = await configuration(s).catch((err) => {
    const why = (err as Error).message.slice(0, 100);
    throw new AppError('unavailable', { reason: words(`统一身份认证服务无法访问（${why}）`, `the sign-on service cannot be reached (${why})`) });
  });
  const oidc = await client();
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const redirectTo = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(deps.config.publicUrl),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const cookie = await seal(deps.config.appSecret, { verifier, state, nonce, next, exp: deps.now().getTime() + OIDC_FLOW_MS });
  return { redirectTo: redirectTo.href, cookie };
}

/**
 * The second leg: checks state, exchanges the code (PKCE verifier, nonce checked in the ID token),
 * reads the configured claim (from the ID token, else from userinfo) and finds the person.
 */
export async function finishSignOn(db: Db, deps: Pick<AppDeps, 'config' | 'now' | 'log'>, s: OidcSettings, query: string, cookie: string | undefined): Promise<{ personId: string; next: string }> {
  const flow = await unseal(deps.config.appSecret, cookie, deps.now());
  if (!flow) throw new AppError('sso_failed', { reasonZh: '登录已超时或不是从本系统发起的，请重新登录', reasonEn: 'the sign-on timed out or did not start here; sign in again' });
  const config = await configuration(s);
  // The callback as the identity provider called it: this service's public address, whatever proxy is in between.
  const current = new URL(`${callbackUrl(deps.config.publicUrl)}${query}`);
  const oidc = await client();
  let tokens: Awaited<ReturnType<typeof Oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
  } catch (err) {
    deps.log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'single sign-on refused');
    const denied = current.searchParams.get('error');
    throw new AppError('sso_failed', denied
      ? { reasonZh: `统一身份认证未通过（${denied}）`, reasonEn: `the sign-on service said no (${denied})` }
      : { reasonZh: '统一身份认证的应答无效，请重新登录', reasonEn: 'the sign-on answer was not valid; sign in again' });
  }
  // The claim comes from the ID token, or else from userinfo (many providers put scope claims only
  // there); email_verified is read from the same place as the address it vouches for.
  let claims: Record<string, unknown> = tokens.claims()!;
  if (claims[s.claim] === undefined && tokens.access_token) claims = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
  let value = claims[s.claim];
  if (s.claim === 'email' && claims.email_verified === false) value = undefined;
  if (typeof value !== 'string' || !value.trim()) {
    throw new AppError('sso_failed', { reasonZh: `统一身份认证未提供 ${s.claim}`, reasonEn: `the sign-on service did not give ${s.claim}` });
  }
  const wanted = value.trim().toLowerCase();
  const column = s.match === 'email' ? people.email : people.employeeNo;
  const [person] = await db.select({ id: people.id }).from(people).where(and(sql`lower(${column}) = ${wanted}`, isNull(people.deactivatedAt))).limit(2);
  if (!person) {
    throw new AppError('sso_failed', {
      reasonZh: `本系统中没有与该统一身份认证账号（${s.claim}）对应的人员，请联系本单位管理员添加`,
      reasonEn: `no one here matches this sign-on account (${s.claim}); ask your unit's administrator to add you`,
    });
  }
  return { personId: person.id, next: flow.next };
}
