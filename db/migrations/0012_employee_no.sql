ALTER TABLE "people" ADD COLUMN "employee_no" text;--> statement-breakpoint
CREATE UNIQUE INDEX "people_employee_no_key" ON "people" USING btree (lower("employee_no"));