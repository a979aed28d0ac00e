import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { relative, resolve } from 'node:path';
import { AppError, words, type Words } from '../lib/errors';
import type { Locale } from '../lib/i18n';
import type { Log } from '../lib/log';
import { secretCheckOf, secretMismatch } from '../services/installation';
import { CliError, parseCommandLine, refusal, runCommand, type Command, type CommandContext } from './commands';

/**
 * The embedded PGlite database belongs to one process: while `npm start` holds it, a second process
 * must never open it (that would corrupt it). So the server takes CLI commands on a Unix socket beside
 * the database (`./data/pglite.sock`) and runs them on its own connection: one JSON line in
 * (`{ argv, locale }`), one JSON line out (what the CLI prints). The socket is created mode 0600, so
 * only the account that runs the server (and root) can connect: the same people who could open the
 * database folder itself, which is what the CLI would otherwise do. It is never on the network.
 */

/** Unix socket paths are limited to ~107 bytes: a long absolute path is given relative to this process's folder. */
export function socketAddress(path: string): string {
  const absolute = resolve(path);
  return Buffer.byteLength(absolute) <= 100 ? absolute : relative(process.cwd(), absolute);
}

/**
 * Commands that change what the running server was started with (its APP_SECRET, the installation id
 * its queue keys carry): taken here they would leave it working on the old one until a restart,
 * refusing every new token, or not-ready on /readyz. They wait for the server to stop instead.
 */
const NOT_WHILE_SERVING: Partial<Record<Command, { code: string; said: Words }>> = {
  'secret:adopt': {
    code: 'secret_in_use',
    said: words(
      '内置数据库正由运行中的服务使用，它运行时不能更换 APP_SECRET：请先停止服务，再用新的 APP_SECRET 运行 npm run cli -- secret:adopt，然后用它启动服务。',
      'The embedded database is held by the running server, whose APP_SECRET cannot change while it runs: stop the server, run npm run cli -- secret:adopt with the new APP_SECRET, then start the server with it.',
    ),
  },
  'installation:renew': {
    code: 'installation_in_use',
    said: words(
      '内置数据库正由运行中的服务使用，它的队列使用当前的安装编号，运行时不能更换：请先停止服务，再运行 npm run cli -- installation:renew，然后启动服务。',
      'The embedded database is held by the running server, whose queues use the current installation id, which cannot change while it runs: stop the server, run npm run cli -- installation:renew, then start the server.',
    ),
  },
};

interface Answer {
  output: unknown;
  exitCode: number;
  note?: string;
}

export async function serveCommands(ctx: CommandContext, path: string, log: Log): Promise<{ address: string; close(): Promise<void> }> {
  const address = socketAddress(path);
  // We hold the database's lock, so a socket file here is a dead server's leftover.
  rmSync(address, { force: true });
  const server = createServer((socket) => {
    let input = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      input += chunk;
      if (!input.includes('\n')) {
        if (input.length > 64 * 1024) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      void answer(input.slice(0, input.indexOf('\n'))).then((a) => socket.end(`${JSON.stringify(a)}\n`));
    });
  });
  async function answer(line: string): Promise<Answer> {
    let locale: Locale = 'zh-CN';
    try {
      const request = JSON.parse(line) as { argv: string[]; locale?: Locale; secretCheck?: string };
      locale = request.locale === 'en' ? 'en' : 'zh-CN';
      // Checked again here: the socket takes nothing the command line would refuse.
      const command = parseCommandLine(request.argv);
      // Before the secret check: secret:adopt is run with the new secret, and must hear to stop the server, not that the secret differs.
      const refused = NOT_WHILE_SERVING[command.command];
      if (refused) throw new CliError(refused.code, refused.said);
      // A CLI run with another APP_SECRET is refused as if it had opened the database itself.
      if (request.secretCheck && request.secretCheck !== (await secretCheckOf(ctx.deps.config.appSecret))) throw secretMismatch();
      log.info({ command: command.command }, `CLI command ${command.command} taken on ${address}`);
      const result = await runCommand(ctx, command, locale);
      return { output: result.output, exitCode: result.exitCode, note: result.note?.in(locale) };
    } catch (err) {
      if (!(err instanceof CliError) && !(err instanceof AppError)) log.warn({ err }, 'CLI command refused');
      return { output: refusal(err, locale), exitCode: 1 };
    }
  }
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((done, fail) => server.once('error', fail).listen(address, () => done()));
  } finally {
    process.umask(umask);
  }
  chmodSync(address, 0o600);
  return {
    address,
    close: () => new Promise<void>((done) => server.close(() => (rmSync(address, { force: true }), done()))),
  };
}

/**
 * Hands a command to the server holding the database. While it is still starting (the lock taken,
 * the socket not yet open) this waits up to `waitMs` (10 s); then it says plainly why it cannot go on.
 */
export async function sendCommand(path: string, argv: string[], locale: Locale, holder: { pid: number; dataDir: string; alive: () => boolean; secretCheck?: string }, waitMs = 10_000): Promise<Answer> {
  const address = socketAddress(path);
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await exchange(address, { argv, locale, secretCheck: holder.secretCheck });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const retry = (code === 'ENOENT' || code === 'ECONNREFUSED') && Date.now() < until && holder.alive();
      if (!retry) {
        if (!holder.alive()) throw new CliError('server_gone', words('持有内置数据库的进程已退出，请重新运行此命令。', 'The process holding the embedded database has exited; run the command again.'));
        const reason = code ?? (err as Error).message;
        throw new CliError(
          'database_in_use',
          words(
            `内置数据库 ${holder.dataDir} 正被进程 ${holder.pid} 使用，但无法通过 ${path} 把命令交给它（${reason}）。为免损坏数据库，本命令没有打开它。请确认该进程是本版本的 npm start 且已启动完毕，或先停止它再运行此命令，或设置 DATABASE_URL 使用 PostgreSQL。`,
            `The embedded database ${holder.dataDir} is in use by process ${holder.pid}, but the command could not be handed to it through ${path} (${reason}). So as not to corrupt the database, this command did not open it. Check that the process is this version's npm start and has finished starting, or stop it and run the command again, or set DATABASE_URL to use PostgreSQL.`,
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function exchange(address: string, request: { argv: string[]; locale: Locale; secretCheck?: string }): Promise<Answer> {
  return new Promise((resolveAnswer, fail) => {
    let output = '';
    let connected = false;
    const socket = connect(address, () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (output += chunk));
    socket.on('error', (err) => (connected ? fail(Object.assign(new Error(err.message), { code: 'ECONNRESET_AFTER_SEND' })) : fail(err)));
    socket.on('end', () => {
      try {
        resolveAnswer(JSON.parse(output) as Answer);
      } catch {
        fail(Object.assign(new Error('no answer'), { code: 'EBADANSWER' }));
      }
    });
  });
}
