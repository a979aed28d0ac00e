import { Hono } from 'hono';
import { cstMonth } from '../../domain/incident-reports';
import { toAppError } from '../../lib/errors';
import type { AppEnv } from '../../lib/http';
import { labelled, localeOf, translator } from '../../lib/i18n';
import { MonthQuery } from '../../routes/incidents/summary.routes';
import { incidentBulletin, monthlySummary } from '../../services/incident-reports';
import { requirePageRole } from '../console/page';
import { formErrors, parseWith } from '../console/forms';
import { pageCtx } from '../components/context';
import { printAssets, printProblemPage, printViewer } from '../components/print';
import { errorPage, renderPage } from '../components/render';
import { renderInLayout } from '../render';
import { requirePage } from '../sessions';
import { UUID_PARAM } from '../workspace/routes';
import { BULLETIN_CSS, BulletinPage } from './bulletin';
import { MonthlyPage } from './monthly';

const bulletinAssets = printAssets('bulletin', BULLETIN_CSS);

/** The 舆情 paper records: one incident's 舆情要报 and the publicity department's monthly summary. */
export const incidentReportPagesRouter = new Hono<AppEnv>()
  .get('/incidents/monthly', requirePage, async (c) => {
    try {
      const person = requirePageRole(c, 'publicity', 'admin');
      const asked = c.req.query('month') || undefined;
      let month: string;
      try {
        month = parseWith(MonthQuery, { month: asked }).month ?? cstMonth(c.var.deps.now());
      } catch (err) {
        // A month the schema refuses is said beside the month field, as a form's error; nothing is counted.
        const { errors } = formErrors(err, pageCtx(c).locale, 'month', { month: ['月份', 'month'] });
        return renderPage(c, <MonthlyPage ctx={pageCtx(c)} month={asked ?? ''} errors={errors} />, 400);
      }
      const summary = await monthlySummary(c.var.deps.db, c.var.deps, person, month);
      return renderPage(c, <MonthlyPage ctx={pageCtx(c)} month={month} summary={summary} />);
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get(`/incidents/:id{${UUID_PARAM}}/bulletin`, async (c) => {
    const login = `/login?next=${encodeURIComponent(c.req.path)}`;
    try {
      const person = await printViewer(c);
      if (!person) return c.redirect(login, 303);
      const bulletin = await incidentBulletin(c.var.deps.db, c.var.deps, person, c.req.param('id'));
      const locale = localeOf(c);
      return renderInLayout(c, {
        title: labelled(translator(locale)('舆情要报', 'Incident bulletin'), bulletin.incident.summary, locale), ...bulletinAssets,
        body: <BulletinPage b={bulletin} l={locale} incidentUrl={`${c.var.deps.config.publicUrl}/incidents/${bulletin.incident.id}`} />,
      });
    } catch (err) {
      if (toAppError(err).code === 'unauthorized') return c.redirect(login, 303);
      return printProblemPage(c, err, ['无法显示舆情要报', 'Cannot show the bulletin']);
    }
  });
