import { Hono, type Context } from 'hono';
import { AppError, toAppError } from '../../lib/errors';
import { z } from '@hono/zod-openapi';
import { validationError, type AppEnv } from '../../lib/http';
import { qrPng, qrSvg } from '../../lib/qr';
import { lookupAnswer, refusedAnswer, verifyAnswer } from '../../pages/verify';
import { parseCodeOrThrow, verifyCode } from '../../services/inspections';
import { CodeParam } from './verify.routes';

const LookupQuery = z.object({ code: CodeParam });

/**
 * The public verification page and the QR codes that point at it. No token: a pass code is public
 * by design, and what the page shows is what the account's poster claims.
 */
export const verifyPagesRouter = new Hono<AppEnv>()
  // The lookup form posts here with ?code=…; send the visitor on to the code's own page.
  .get('/verify', (c) => {
    const code = c.req.query('code')?.trim();
    if (!code) return lookupAnswer(c);
    // Checked whole, by the API's own rule: cutting it short could split a surrogate pair.
    const parsed = LookupQuery.safeParse({ code });
    if (!parsed.success) return errorPage(c, validationError(parsed.error.issues, 'query'));
    try {
      return c.redirect(`/verify/${encodeURIComponent(parseCodeOrThrow(parsed.data.code))}`, 303);
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get('/verify/:code', async (c) => {
    try {
      return await verifyAnswer(c, await verifyCode(c.var.deps.db, c.var.deps, c.req.param('code')));
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get('/verify/:code/qr.svg', async (c) => {
    const { verifyUrl } = await verifyCode(c.var.deps.db, c.var.deps, c.req.param('code'));
    return c.body(await qrSvg(verifyUrl), 200, qrHeaders('image/svg+xml; charset=utf-8'));
  })
  .get('/verify/:code/qr.png', async (c) => {
    const { verifyUrl, code } = await verifyCode(c.var.deps.db, c.var.deps, c.req.param('code'));
    return c.body(await qrPng(verifyUrl), 200, { ...qrHeaders('image/png'), 'Content-Disposition': `inline; filename="${code.replace(/[^\w-]/g, '_')}.png"` });
  });

// The QR image depends only on the code and PUBLIC_URL, so it may be cached; its page may not.
const qrHeaders = (type: string) => ({ 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });

function errorPage(c: Context<AppEnv>, err: unknown) {
  const e = err instanceof AppError ? err : toAppError(err);
  if (e.code === 'internal') c.var.log.error({ err }, 'verify page failed');
  return refusedAnswer(c, '无法查验', e);
}
