import { Hono } from 'hono';
import type { AppEnv } from '../lib/http';
import { signoffPagesRouter } from './signoff/routes';

/** Server-rendered pages for people without a bearer token: sign-off links (and, later, public verification). */
export const pagesRouter = new Hono<AppEnv>().route('/', signoffPagesRouter);
