import type { Locale } from '../lib/i18n';

/** Labels for the registry and inspection enums, zh-CN first. */
const LABELS: Record<string, Record<string, [string, string]>> = {
  accountStatus: {
    pending: ['待审批', 'pending'], registered: ['已登记备案', 'registered'], suspended: ['已暂停', 'suspended'],
    rectifying: ['整改中', 'rectifying'], shut_down: ['已关停', 'shut down'], deregistered: ['已注销', 'deregistered'],
    // Not a status of its own: an application refused is stored `deregistered`, never having been registered (shownStatus).
    rejected: ['申请已驳回', 'application rejected'],
  },
  accountCommand: {
    approve: ['批准登记', 'approved'], reject: ['驳回申请', 'rejected'], change: ['变更', 'changed'], suspend: ['暂停', 'suspended'],
    rectify: ['责令整改', 'put under rectification'], reinstate: ['恢复', 'reinstated'], shut_down: ['关停', 'shut down'], deregister: ['注销', 'deregistered'],
  },
  inspectionStatus: {
    open: ['待自查', 'open'], self_reported: ['已提交自查', 'self-reported'], passed: ['合格', 'passed'], rectifying: ['整改中', 'rectifying'], failed: ['不合格', 'failed'],
  },
  inspectionMove: { self_report: ['提交自查报告', 'self-reported'], pass: ['评定为合格', 'graded pass'], rectify: ['评定为整改', 'graded: rectification required'], fail: ['评定为不合格', 'graded failed'] },
  result: { pass: ['合格', 'passed'], rectify: ['限期整改', 'rectification required'], fail: ['不合格', 'failed'] },
  codeStatus: { valid: ['有效', 'valid'], revoked: ['已撤销', 'revoked'], expired: ['已过期', 'expired'] },
  platform: {
    wechat_official: ['微信公众号', 'WeChat official account'], wechat_channels: ['微信视频号', 'WeChat Channels'], weibo: ['微博', 'Weibo'],
    website: ['网站', 'website'], douyin: ['抖音', 'Douyin'], bilibili: ['哔哩哔哩', 'Bilibili'], xiaohongshu: ['小红书', 'Xiaohongshu'],
    kuaishou: ['快手', 'Kuaishou'], qq_group: ['QQ群', 'QQ group'], wechat_group: ['微信群', 'WeChat group'], yiban: ['易班', 'Yiban'], other: ['其他', 'other'],
  },
  tier: { school: ['学校级', 'school level'], unit: ['二级单位', 'department level'], student_org: ['学生组织', 'student organisation'] },
  role: {
    responsible_leader: ['第一责任人', 'responsible leader'], leader_in_charge: ['分管领导', 'leader in charge'], admin: ['管理员', 'administrator'],
    operator: ['运营人员', 'operator'], reviewer: ['审核人员', 'reviewer'], commentator: ['网络评论员', 'network commentator'],
  },
};

export type RegistryLabelGroup = 'accountStatus' | 'accountCommand' | 'inspectionStatus' | 'inspectionMove' | 'result' | 'codeStatus' | 'platform' | 'tier' | 'role';

export function registryLabel(group: RegistryLabelGroup, key: string, locale: Locale = 'zh-CN'): string {
  const pair = LABELS[group]?.[key];
  return pair ? pair[locale === 'en' ? 1 : 0] : key;
}
