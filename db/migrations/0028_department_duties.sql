ALTER TABLE "duty_obligations" ALTER COLUMN "unit_id" DROP NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "duty_obligations_department_period_key" ON "duty_obligations" USING btree ("template_id","period") WHERE "duty_obligations"."unit_id" is null;--> statement-breakpoint
-- Seed 004 第六条 has the university's 网络信息安全领导小组办公室 report every quarter (每季度向校党委和党委宣传部门
-- 报告网络意识形态领域重要情况); the first default gave that report to every unit's secretary. It is the
-- publicity department's own duty now (responsible 'publicity': one obligation a period, of no unit;
-- the next sweep makes the current one). A template still as first shipped is corrected; one whose
-- responsible or reviewer the department changed is left alone. Audited as the system's own act.
WITH texts ("was", "now") AS (VALUES (
  '《党委网络意识形态工作责任制实施细则》第六条：每季度向校党委和党委宣传部门报告网络意识形态领域重要情况，提出建议',
  '《党委网络意识形态工作责任制实施细则》第六条：校网络信息安全领导小组办公室作为网络意识形态工作管理部门……每季度向校党委和党委宣传部门报告网络意识形态领域重要情况，提出建议，并报上级网络安全和信息化领导小组办公室'
)), corrected AS (
  UPDATE "duty_templates" SET "responsible" = 'publicity',
    "source" = CASE WHEN "source" = (SELECT "was" FROM texts) THEN (SELECT "now" FROM texts) ELSE "source" END,
    "updated_at" = now()
  WHERE "key" = 'seed004.jidu-baogao' AND "responsible" = 'secretary' AND "reviewer" = 'publicity'
  RETURNING "id", "source" = (SELECT "now" FROM texts) AS "quoted"
)
INSERT INTO "audit_events" ("at", "actor_id", "action", "subject_type", "subject_id", "data")
SELECT date_trunc('milliseconds', now()), NULL, 'duty_template.updated', 'duty_template', c."id"::text,
  jsonb_build_object(
    'changed', jsonb_build_object('responsible', jsonb_build_object('from', 'secretary', 'to', 'publicity'))
      || CASE WHEN c."quoted" THEN jsonb_build_object('source', jsonb_build_object('from', texts."was", 'to', texts."now")) ELSE '{}'::jsonb END,
    'via', 'migration 0028', 'reason', '《实施细则》第六条：季度报告由校网络信息安全领导小组办公室（本系统中为党委宣传部）承担，不是各单位书记')
FROM corrected c CROSS JOIN texts;
--> statement-breakpoint
-- The units' obligations of that report with nothing accepted are withdrawn: no longer chased, counted
-- as missing or open to submission. Nothing is deleted: each keeps whatever the unit filed and what
-- its reviewer said, and shows as withdrawn (不再承担). Accepted ones stay the unit's record as they are.
WITH withdrawn AS (
  UPDATE "duty_obligations" o SET "status" = 'withdrawn', "next_reminder_at" = NULL, "notice_at" = NULL, "updated_at" = now()
  FROM (
    SELECT o2."id", o2."status" AS "was", t."title"
    FROM "duty_obligations" o2 JOIN "duty_templates" t ON t."id" = o2."template_id"
    WHERE t."key" = 'seed004.jidu-baogao' AND t."responsible" = 'publicity' AND o2."unit_id" IS NOT NULL AND o2."status" IN ('open', 'submitted', 'returned')
  ) prev
  WHERE o."id" = prev."id"
  RETURNING o."id", o."template_id", o."unit_id", o."period", prev."was", prev."title"
)
INSERT INTO "audit_events" ("at", "actor_id", "action", "subject_type", "subject_id", "data")
SELECT date_trunc('milliseconds', now()), NULL, 'duty.obligation_withdrawn', 'duty_obligation', "id"::text,
  jsonb_build_object('templateId', "template_id", 'title', "title", 'unitId', "unit_id", 'period', "period", 'was', "was",
    'via', 'migration 0028', 'reason', '《实施细则》第六条：季度报告由党委宣传部（校网络信息安全领导小组办公室）承担，此单位不再承担')
FROM withdrawn;
