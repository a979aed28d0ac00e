import type { Context } from 'hono';
import { AppError, errorBody } from '../../lib/errors';
import type { AppEnv } from '../../lib/http';
import { localeOf } from '../../lib/i18n';
import { clientIp } from '../../lib/client-ip';
import { rateLimit, type RateDecision } from '../../lib/rate-limit';
import { refusedAnswer } from '../../pages/verify';

const tooMany = (d: RateDecision) => new AppError('too_many_checks', { seconds: d.retryAfterSeconds }, { retryAfterSeconds: d.retryAfterSeconds });

/**
 * Public verification is limited per client (VERIFY_RATE_PER_MINUTE): a pass code is public, but
 * walking the code space to list every account is not. The API answers 429 JSON, the pages a 429
 * page; both carry Retry-After.
 */
export const verifyRateLimit = (answer: 'json' | 'page') => rateLimit({
  limiter: (c) => c.get('deps').verifyLimiter,
  key: (c) => `verify:${clientIp(c, c.get('deps').config.trustProxy ?? false)}`,
  refuse: (c: Context<AppEnv>, d) => {
    const err = tooMany(d);
    if (answer === 'json') return c.json(errorBody(err, localeOf(c)), 429);
    return refusedAnswer(c, '查验过于频繁', err);
  },
});
