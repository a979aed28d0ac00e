import { Hono } from 'hono';
import type { AppEnv } from '../lib/http';
import { assetsRouter } from './assets';
import { editorRouter } from './editor/routes';
import { loginRouter } from './login';
import { inspectionPagesRouter } from './inspections/routes';
import { orgPagesRouter } from './org/routes';
import { calendarPagesRouter } from './calendar/routes';
import { personNotificationsRouter } from './org/notifications';
import { robotPagesRouter } from './org/robots';
import { operationsPagesRouter } from './operations/routes';
import { registryPagesRouter } from './registry/routes';
import { dutyPagesRouter } from './duties/routes';
import { supervisionPagesRouter } from './duties/supervision-routes';
import { templatePagesRouter } from './duties/template-routes';
import { incidentPagesRouter } from './incidents/routes';
import { rosterPagesRouter } from './incidents/roster-routes';
import { incidentReportPagesRouter } from './incidents/report-routes';
import { draftPagesRouter } from './workspace/draft-routes';
import { workspaceRouter } from './workspace/routes';
import { settingsRouter } from './workspace/settings-routes';

/** The web workspace's pages (sessions, workspace, editor, draft pages), on the shared layout. */
export const webRouter = new Hono<AppEnv>().route('/', assetsRouter).route('/', loginRouter).route('/', workspaceRouter).route('/', editorRouter).route('/', draftPagesRouter)
  .route('/', settingsRouter)
  // The publicity console (registry, inspections, organisation).
  .route('/', registryPagesRouter).route('/', inspectionPagesRouter).route('/', orgPagesRouter).route('/', personNotificationsRouter).route('/', calendarPagesRouter).route('/', robotPagesRouter)
  // Operations: failed deliveries, the audit log and its chain check.
  .route('/', operationsPagesRouter)
  // The responsibility system's duties and the yearly 专项督查.
  .route('/', dutyPagesRouter).route('/', templatePagesRouter).route('/', supervisionPagesRouter)
  // 舆情 incidents: the board, the report form, the incident page, the duty roster; an incident's bulletin and the monthly summary.
  .route('/', incidentPagesRouter).route('/', rosterPagesRouter).route('/', incidentReportPagesRouter);
