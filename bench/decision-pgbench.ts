/**
 * `npx tsx bench/decision-pgbench.ts` (`CLIENTS`, default "1 8 32"; `PER`, transactions per client,
 * default 40): the link decision's own statements (bench/decision-sql.ts) run by pgbench alone, with
 * no service process, at each number of clients; then, at the most clients, what the Postgres
 * backends were waiting on (pg_stat_activity sampled every 10 ms). Tells what Postgres alone can do
 * with the SQL a decision sends, and what stops it scaling with clients.
 */
import postgres from 'postgres';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { decisionBaseline, statementRecorder } from './decision-sql';
import { APPROVE, linksBySql, scratchDatabase } from './support';

const CLIENTS = (process.env.CLIENTS ?? '1 8 32').split(/\s+/).map(Number);
const PER = Number(process.env.PER ?? 40);
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const database = await scratchDatabase('decisionsql');
const recorder = statementRecorder();
const rt = await createRuntime({ env: { DATABASE_URL: database.url, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent' }, log: silentLog, onQuery: recorder.onQuery });
const watcher = postgres(database.url, { max: 1, onnotice: () => {} });
try {
  const demo = await seedDemo(rt.database.db, rt.deps);
  const baseline = await decisionBaseline({ rt, record: recorder.record, url: database.url, secret: SECRET, body: APPROVE, links: (n) => linksBySql(rt.database.db, demo, SECRET, n) });
  console.log(`the service's ${baseline.made.statements} statements in ${baseline.made.roundTrips} round trips (+1 drawing the link); script: ${baseline.script}\n`);
  for (const clients of CLIENTS) {
    const last = clients === Math.max(...CLIENTS);
    const waits = new Map<string, number>();
    let sampling = last;
    const sampler = (async () => {
      while (sampling) {
        const rows = await watcher<{ w: string }[]>`select coalesce(wait_event_type || ':' || wait_event, state) as w from pg_stat_activity where datname = ${database.name} and application_name = 'pgbench' and pid <> pg_backend_pid()`;
        for (const { w } of rows) waits.set(w, (waits.get(w) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const r = await baseline.run(clients, PER);
    sampling = false;
    await sampler;
    console.log(`${String(clients).padStart(3)} clients: ${r.tps.toFixed(0).padStart(5)} decisions/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failed ${r.failed}`);
    if (last) {
      const total = [...waits.values()].reduce((a, b) => a + b, 0);
      console.log(`\nwhat the ${clients} backends were doing (${total} samples):`);
      for (const [w, n] of [...waits].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${w}`);
      console.log(`\n${r.report}`);
    }
  }
  baseline.dispose();
} finally {
  await watcher.end();
  await rt.close();
  await database.drop();
}
