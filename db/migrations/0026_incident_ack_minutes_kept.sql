-- Incidents reported before 0025 kept no acknowledgement window, so their deadlines were read with
-- whatever INCIDENT_ACK_MINUTES the process had, and a restart with another value moved them. They
-- get 60 here: the window was a fixed 60 minutes before INCIDENT_ACK_MINUTES existed, and 60 is its
-- default. An installation that set INCIDENT_ACK_MINUTES before upgrading to 0025 reported some of
-- them under its own value; correct those once (README, Operations):
--   UPDATE incidents SET ack_minutes = <the value then>
--   WHERE reported_at >= '<when it was set>' AND reported_at < '<when you upgraded past 0025>';
-- Then the column is required: the setting is read when an incident is reported, never after.
UPDATE "incidents" SET "ack_minutes" = 60 WHERE "ack_minutes" IS NULL;--> statement-breakpoint
ALTER TABLE "incidents" ALTER COLUMN "ack_minutes" SET NOT NULL;
