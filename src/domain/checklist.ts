/**
 * What every level checks before signing (seed 002, 三审三校): the ticks and comment form the
 * level's record sheet. Approving requires every item ticked; returning or rejecting records
 * whatever the reviewer ticked.
 */
export const CHECKLIST = {
  no_classified_info: ['不含涉密信息（涉密信息不上网）', 'Contains no classified information'],
  suitable_now: ['适宜当前公开发布', 'Suitable for publication now'],
  accurate: ['文字、数据、图表、图片准确无误', 'Text, data, charts and images are accurate'],
  political_direction: ['政治方向正确，导向正确', 'Political direction is correct'],
  no_personal_data: ['不含身份证号、名单等个人信息', 'Contains no personal data (ID numbers, name lists)'],
} as const;

export type ChecklistItem = keyof typeof CHECKLIST;

/** One-word names of the items, for paper where space is short (the 审核单 prints a legend with the full items). */
export const CHECKLIST_SHORT: Record<ChecklistItem, [string, string]> = {
  no_classified_info: ['涉密', 'classified'],
  suitable_now: ['时宜', 'timing'],
  accurate: ['准确', 'accuracy'],
  political_direction: ['导向', 'direction'],
  no_personal_data: ['个人信息', 'privacy'],
};
export const CHECKLIST_ITEMS = Object.keys(CHECKLIST) as ChecklistItem[];

export type Checklist = Partial<Record<ChecklistItem, boolean>>;

/** Items not ticked: an approval must have none. */
export function unticked(checklist: Checklist): ChecklistItem[] {
  return CHECKLIST_ITEMS.filter((item) => checklist[item] !== true);
}
