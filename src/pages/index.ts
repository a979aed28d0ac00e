import { Hono } from 'hono';
import type { AppEnv } from '../lib/http';
import { sheetPagesRouter } from './sheet/routes';
import { signoffPagesRouter } from './signoff/routes';

/** Server-rendered pages: sign-off links, the approval sheet (审核单) and the public page its QR code opens. */
export const pagesRouter = new Hono<AppEnv>().route('/', signoffPagesRouter).route('/', sheetPagesRouter);
