import { Hono, type Context } from 'hono';
import { AppError, toAppError, words } from '../../lib/errors';
import type { AppEnv } from '../../lib/http';
import { labelled, localeOf, translator } from '../../lib/i18n';
import { qrSvg } from '../../lib/qr';
import { approvalSheet, confirmSheet } from '../../services/sheet';
import { printAssets, printProblemPage, printViewer } from '../components/print';
import { renderInLayout } from '../render';
import { SHEET_CSS } from './assets';
import { ConfirmPage, SheetPage } from './pages';
import { isUuid } from '../../lib/text';

type C = Context<AppEnv>;
const sheetAssets = printAssets('sheet', SHEET_CSS);
const problemPage = (c: C, err: unknown) => printProblemPage(c, err, ['无法显示审核单', 'Cannot show the sheet']);

/** The printable 审核单 and the public page its QR code leads to. */
export const sheetPagesRouter = new Hono<AppEnv>()
  .get('/drafts/:id/sheet', async (c) => {
    const id = c.req.param('id');
    const login = `/login?next=${encodeURIComponent(c.req.path)}`;
    try {
      const person = await printViewer(c);
      if (!person) return c.redirect(login, 303);
      if (!isUuid(id)) return problemPage(c, new AppError('not_found', { what: words('稿件', 'draft') }));
      const sheet = await approvalSheet(c.var.deps.db, person, id);
      const locale = localeOf(c);
      const confirmUrl = `${c.var.deps.config.publicUrl}/sheets/${sheet.facts.draftId}/${sheet.hash}`;
      return renderInLayout(c, {
        title: labelled(translator(locale)('审核单', 'Approval sheet'), sheet.facts.title, locale), ...sheetAssets,
        body: <SheetPage {...sheet} confirmUrl={confirmUrl} qrSvg={await qrSvg(confirmUrl)} printedAt={c.var.deps.now()} locale={locale} path={c.req.path} />,
      });
    } catch (err) {
      if (toAppError(err).code === 'unauthorized') return c.redirect(login, 303);
      return problemPage(c, err);
    }
  })
  .get('/sheets/:draftId/:hash', async (c) => {
    const result = await confirmSheet(c.var.deps.db, c.req.param('draftId'), c.req.param('hash').toLowerCase());
    const locale = localeOf(c);
    const t = translator(locale);
    return renderInLayout(c, {
      title: result.matches ? t('审核单核验：一致', 'Sheet check: matches') : t('审核单核验：不一致', 'Sheet check: does not match'),
      ...sheetAssets, status: result.matches ? 200 : 404,
      body: <ConfirmPage result={result} locale={locale} path={c.req.path} />,
    });
  });
