import { Hono, type Context } from 'hono';
import { AppError, words } from '../../lib/errors';
import type { AppEnv } from '../../lib/http';
import { localeOf, translator, type Locale } from '../../lib/i18n';
import { UnitRobotsSchema, type RobotName } from '../../notify/robots';
import { hasRole } from '../../services/auth';
import * as org from '../../services/org';
import { t, type PageCtx } from '../components/context';
import { errorPage } from '../components/render';
import { Button, Card, Choices, ErrorSummary, Notice, PostForm, Tag, TextField, type FieldErrors } from '../components/ui';
import { formErrors, one, parseWith, readForm } from '../console/forms';
import { consolePage, pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';

type C = Context<AppEnv>;
type Summary = ReturnType<typeof org.robotsSummary>;

export const ROBOTS: { name: RobotName; zh: string; en: string; signed: boolean; hintZh: string; hintEn: string }[] = [
  { name: 'wecom', zh: '企业微信群机器人', en: 'WeCom robot', signed: false, hintZh: '群设置 → 群机器人 → Webhook 地址（含 key）', hintEn: 'Group settings → robot → its Webhook URL (with the key)' },
  { name: 'dingtalk', zh: '钉钉群机器人', en: 'DingTalk robot', signed: true, hintZh: '机器人的 Webhook 地址（含 access_token）；安全设置选「加签」时填写 SEC 开头的密钥', hintEn: 'The robot’s Webhook URL (with access_token); with 加签 security, its SEC… secret' },
  { name: 'feishu', zh: '飞书群机器人', en: 'Feishu robot', signed: true, hintZh: '自定义机器人的 Webhook 地址；启用「签名校验」时填写密钥', hintEn: 'The custom robot’s Webhook URL; with signature checking, its secret' },
  { name: 'webhook', zh: 'Webhook（本单位系统）', en: 'Webhook (the unit’s own system)', signed: true, hintZh: '接收 JSON 的地址；填写密钥则每条消息附 HMAC-SHA256 签名', hintEn: 'A URL that takes JSON; with a secret every message carries an HMAC-SHA256 signature' },
];
const robotLabel = (name: RobotName, l: Locale) => { const r = ROBOTS.find((x) => x.name === name)!; return t(l, r.zh, r.en); };

/** Field labels of the robots forms: `<robot>-url`, `<robot>-secret`. */
const FIELD_LABELS = Object.fromEntries(ROBOTS.flatMap((r) => [[`${r.name}-url`, [`${r.zh}地址`, `${r.en} URL`]], [`${r.name}-secret`, [`${r.zh}密钥`, `${r.en} secret`]], [r.name, [r.zh, r.en]]])) as Record<string, [string, string]>;

/** GET /units/{id}/robots: which robots are set (never their URLs or keys), and forms to set, change, test or remove each. */
export function RobotsPage(p: { ctx: PageCtx; unit: { id: string; name: string }; robots: Summary; canEdit: boolean; errors?: FieldErrors; done?: string }) {
  const l = p.ctx.locale;
  const e = p.errors ?? {};
  const base = `/units/${p.unit.id}/robots`;
  return (
    <>
      <h1>{t(l, `${p.unit.name} · 群机器人`, `${p.unit.name} · robots`)}</h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={e} l={l} />
      <p class="hint">{t(l, '群机器人向本单位的群聊推送审核提醒等通知（不含审核链接，链接只发到本人邮箱）。', 'Robots post reminders and other notices to the unit’s group chats (never a sign-off link: those go to the person’s own mailbox). ')}
        {p.canEdit ? t(l, '地址和密钥保存后不再显示；要更换，请重新填写。地址须为 https，且不能指向内网地址。', 'URLs and secrets are not shown once saved; to change one, enter it again. URLs must be https and must not point at a private address.') : null}</p>
      {p.canEdit ? null : <Notice>{t(l, '群机器人由管理员设置；此处只显示哪些已配置。', 'Admins set up the robots; this page shows which are set.')}</Notice>}
      {ROBOTS.map((r) => {
        const state = p.robots[r.name];
        return (
          <Card title={<>{t(l, r.zh, r.en)} {state.configured ? <Tag tone="ok">{state.signed ? t(l, '已配置（签名）', 'set (signed)') : t(l, '已配置', 'set')}</Tag> : <Tag>{t(l, '未配置', 'not set')}</Tag>}</>} id={`robot-${r.name}`}>
            {p.canEdit ? (
              <>
                <PostForm action={`${base}/${r.name}`} csrf={p.ctx.csrf}>
                  <TextField name={`${r.name}-url`} type="url" inputmode="url" spellcheck={false} autocomplete="off" required error={e[`${r.name}-url`]}
                    label={state.configured ? t(l, '新的 Webhook 地址', 'New Webhook URL') : t(l, 'Webhook 地址', 'Webhook URL')} hint={t(l, r.hintZh, r.hintEn)} />
                  {r.signed ? (
                    <TextField name={`${r.name}-secret`} type="password" autocomplete="new-password" spellcheck={false} error={e[`${r.name}-secret`]}
                      label={t(l, '签名密钥（可选）', 'Signing secret (optional)')} hint={state.signed ? t(l, '留空则保留现有密钥', 'Leave empty to keep the current secret') : undefined} />
                  ) : null}
                  {r.signed && state.signed ? <Choices name={`${r.name}-removeSecret`} legend={t(l, '现有密钥', 'Current secret')} choices={[{ value: 'yes', label: t(l, '不再签名（删除密钥）', 'Stop signing (remove the secret)') }]} /> : null}
                  <Button>{state.configured ? t(l, `更换${r.zh}`, `Change the ${r.en}`) : t(l, `保存${r.zh}`, `Save the ${r.en}`)}</Button>
                </PostForm>
                {state.configured ? (
                  <div class="actions">
                    <PostForm action={`${base}/${r.name}/test`} csrf={p.ctx.csrf} class="inline"><Button kind="secondary">{t(l, `向${r.zh}发送测试消息`, `Send the ${r.en} a test message`)}</Button></PostForm>
                    <PostForm action={`${base}/${r.name}/remove`} csrf={p.ctx.csrf} class="inline" confirm={t(l, `移除${r.zh}？本单位的通知将不再发到该群。`, `Remove the ${r.en}? The unit’s notices stop going to that chat.`)}>
                      <Button kind="danger">{t(l, `移除${r.zh}`, `Remove the ${r.en}`)}</Button>
                    </PostForm>
                  </div>
                ) : null}
              </>
            ) : (
              <p class="meta">{state.configured ? t(l, '本单位的通知会经它发出。', 'The unit’s notices go out through it.') : t(l, '本单位的通知不经它发出。', 'The unit’s notices do not go through it.')}</p>
            )}
          </Card>
        );
      })}
      <p><a href="/deliveries?status=failed">{t(l, '查看发送失败的消息', 'See the sends that failed')}</a></p>
    </>
  );
}

async function robotsPage(c: C, extra: { errors?: FieldErrors; done?: string; status?: 400 | 409 } = {}) {
  const viewer = requirePageRole(c, 'admin', 'publicity');
  const unit = await org.getUnit(c.var.deps.db, pathId(c, 'id', words('单位', 'unit')));
  const tr = translator(localeOf(c));
  return consolePage(c, { title: tr(`${unit.name} · 群机器人`, `${unit.name} · robots`), crumbs: [[tr('单位', 'Units'), '/units'], [unit.name, `/units/${unit.id}`], [tr('群机器人', 'Robots')]], status: extra.status }, (ctx) => (
    <RobotsPage ctx={ctx} unit={unit} robots={org.robotsSummary(unit.robots)} canEdit={hasRole(viewer, 'admin')} errors={extra.errors} done={extra.done} />
  ));
}

function robotParam(c: C): RobotName {
  const name = c.req.param('name') as RobotName;
  if (!ROBOTS.some((r) => r.name === name)) throw new AppError('not_found', { what: words('机器人', 'robot') });
  return name;
}

/** A validation error's paths as the form names its fields: `dingtalk.url` is the field `dingtalk-url`. */
function asFields(err: unknown): unknown {
  if (err instanceof AppError && Array.isArray(err.details)) for (const d of err.details as { path: string }[]) d.path = String(d.path).replace(/\./g, '-');
  return err;
}

/** Runs one robot change from the robots page: done → the page says so; refused → its error summary names the field. */
async function robotAction(c: C, act: (unitId: string, name: RobotName) => Promise<string>) {
  requirePageRole(c, 'admin');
  const unitId = pathId(c, 'id', words('单位', 'unit'));
  const name = robotParam(c);
  try {
    return await robotsPage(c, { done: await act(unitId, name) });
  } catch (err) {
    const { errors, status } = formErrors(asFields(err), localeOf(c), `${name}-url`, FIELD_LABELS);
    if (status === 403 || status === 404) throw err;
    return robotsPage(c, { errors, status: status === 409 ? 409 : 400 });
  }
}

/** A unit's robots, from its unit page: admins set them, as the API lets them; the publicity department sees which are set. */
export const robotPagesRouter = new Hono<AppEnv>()
  .get('/units/:id/robots', requirePage, (c) => robotsPage(c))
  .post('/units/:id/robots/:name', requirePage, (c) => robotAction(c, async (unitId, name) => {
    const form = await readForm(c);
    const url = one(form, `${name}-url`);
    const secret = one(form, `${name}-secret`);
    // The API's own schema for this robot, so the page refuses exactly what PUT /units/{id}/robots refuses.
    const parsed = parseWith(UnitRobotsSchema.pick({ [name]: true } as Record<RobotName, true>), { [name]: { url, ...(secret && name !== 'wecom' ? { secret } : {}) } });
    const robot = (parsed as Record<string, { url: string; secret?: string }>)[name]!;
    await org.setUnitRobot(c.var.deps.db, c.var.deps, c.var.person, unitId, name, { url: robot.url, secret: robot.secret ?? (one(form, `${name}-removeSecret`) ? undefined : 'keep') });
    const tr = translator(localeOf(c));
    return tr(`${robotLabel(name, 'zh-CN')}已保存`, `${robotLabel(name, 'en')} saved`);
  }))
  .post('/units/:id/robots/:name/remove', requirePage, (c) => robotAction(c, async (unitId, name) => {
    await org.setUnitRobot(c.var.deps.db, c.var.deps, c.var.person, unitId, name, null);
    return translator(localeOf(c))(`${robotLabel(name, 'zh-CN')}已移除`, `${robotLabel(name, 'en')} removed`);
  }))
  .post('/units/:id/robots/:name/test', requirePage, (c) => robotAction(c, async (unitId, name) => {
    await org.testUnitRobot(c.var.deps.db, c.var.deps, c.var.person, unitId, name);
    return translator(localeOf(c))(
      `测试消息已排队发往${robotLabel(name, 'zh-CN')}，请到群里查看；若未收到，可在「消息发送记录」中查看原因`,
      `A test message is on its way to the ${robotLabel(name, 'en')}: look in the chat; if it does not arrive, the deliveries page says why`,
    );
  }))
  .onError((err, c) => errorPage(c, err));
