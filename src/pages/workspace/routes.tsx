import { Hono } from 'hono';
import type { AppEnv } from '../../lib/http';
import { linkForAssignee } from '../../services/review-links';
import { listObligations } from '../../services/duties';
import { workspaceOf } from '../../services/workspace';
import { pageCtx } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import { requirePage } from '../sessions';
import { WorkspacePage } from './WorkspacePage';

/** A UUID in a page path (anything else is not a page of ours: /drafts/new belongs to the editor). */
export const UUID_PARAM = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** `GET /` (the workspace) and `GET /reviews/{id}/open` (decide from the workspace). */
export const workspaceRouter = new Hono<AppEnv>()
  .get('/', requirePage, async (c) => {
    const ws = await workspaceOf(c.var.deps.db, c.var.person, c.var.deps.now());
    // The duties the person answers for and still owes (seed 002/004's recurring work), soonest due first.
    const duties = (await listObligations(c.var.deps.db, c.var.deps, c.var.person, { mine: true })).filter((o) => o.status === 'open' || o.status === 'returned');
    return renderPage(c, <WorkspacePage ctx={pageCtx(c)} ws={ws} now={c.var.deps.now()} duties={duties} />);
  })
  // Mints a fresh sign-off link for the signed-in assignee and sends the browser to its page, where
  // the decision is made exactly as from the mailed link. Anyone else gets a 403 page.
  .get(`/reviews/:id{${UUID_PARAM}}/open`, requirePage, async (c) => {
    try {
      const { path } = await linkForAssignee(c.var.deps.db, c.var.deps, c.var.person, c.req.param('id'));
      const lang = c.req.query('lang');
      return c.redirect(lang ? `${path}?lang=${encodeURIComponent(lang)}` : path, 303);
    } catch (err) {
      return errorPage(c, err);
    }
  });
