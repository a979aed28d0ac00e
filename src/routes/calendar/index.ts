import { createRouter, validationError } from '../../lib/http';
import { requireRole } from '../../services/auth';
import { calendarYear, loadCalendarYear } from '../../services/calendar';
import * as routes from './calendar.routes';

type Year = Awaited<ReturnType<typeof calendarYear>>;
const view = (y: Year) => ({
  year: y.year, source: y.source, provisional: Boolean(y.provisional), holidays: y.holidays, workdays: y.workdays,
  loadedAt: y.loadedAt ? y.loadedAt.toISOString() : null, loadedBy: y.loadedBy,
});

export const calendarRouter = createRouter()
  .openapi(routes.getYear, async (c) => c.json(view(await calendarYear(c.var.deps.db, c.req.valid('param').year)), 200))
  .openapi(routes.loadYear, async (c) => {
    const { deps, person } = c.var;
    requireRole(person, 'admin');
    const { year } = c.req.valid('param');
    const body = c.req.valid('json');
    const issues = routes.festivalIssues(year, body.festivals);
    if (issues.length) throw validationError(issues, 'json');
    return c.json(view(await loadCalendarYear(deps.db, deps, person, year, body.festivals, body.notice ?? null)), 200);
  });
