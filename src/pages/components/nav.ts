import type { Role } from '../../../db/schema';

export interface NavItem {
  href: string;
  zh: string;
  en: string;
  /** Shown only to people with one of these roles (everyone when absent). */
  roles?: Role[];
  /** Section heading shown above the item on wide screens. */
  group?: [zh: string, en: string];
}

/**
 * The side navigation. Feature pages add their entry here; an entry a person's roles do not allow is
 * not shown (the page itself still answers 403 to anyone who types its address).
 */
export const NAV: NavItem[] = [
  { href: '/', zh: '工作台', en: 'Workspace' },
  { href: '/#awaiting', zh: '待我审核', en: 'Awaiting my review' },
  { href: '/drafts/new', zh: '新建稿件', en: 'New draft' },
  { href: '/duties', zh: '我的职责', en: 'My duties', group: ['责任制', 'Responsibility system'] },
  { href: '/duties/board', zh: '落实情况看板', en: 'Duties board', roles: ['publicity', 'admin'] },
  { href: '/duties/templates', zh: '职责模板', en: 'Duty templates' },
  { href: '/supervisions', zh: '专项督查', en: 'Supervision', roles: ['publicity', 'admin'] },
  { href: '/incidents', zh: '舆情', en: 'Incidents', group: ['舆情处置', 'Online opinion'] },
  { href: '/incidents/new', zh: '报告舆情', en: 'Report an incident' },
  { href: '/incidents/roster', zh: '值班表', en: 'Duty roster' },
  { href: '/incidents/monthly', zh: '舆情月度汇总', en: 'Monthly summary', roles: ['publicity', 'admin'] },
  { href: '/registry', zh: '账号登记备案', en: 'Account registry', group: ['宣传部', 'Publicity'] },
  { href: '/inspections/campaigns', zh: '年度检查', en: 'Annual inspection', roles: ['publicity', 'admin'] },
  { href: '/people', zh: '人员', en: 'People', roles: ['publicity', 'admin'], group: ['组织', 'Organisation'] },
  { href: '/units', zh: '单位', en: 'Units', roles: ['publicity', 'admin'] },
  { href: '/calendar', zh: '节假日日历', en: 'Holiday calendar', roles: ['publicity', 'admin'] },
  { href: '/deliveries', zh: '消息发送记录', en: 'Deliveries', roles: ['publicity', 'admin'], group: ['运行', 'Operations'] },
  { href: '/audit', zh: '审计日志', en: 'Audit log', roles: ['publicity', 'admin'] },
  { href: '/settings', zh: '个人设置', en: 'Settings', group: ['账户', 'Account'] },
];

/** The entry a path belongs to: the longest href that prefixes it. */
export function activeNav(path: string): string | undefined {
  return NAV.map((n) => n.href)
    .filter((href) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`)))
    .sort((a, b) => b.length - a.length)[0];
}
