-- 适时上报 (as needed) is no longer a recurrence of its own but `dates` with no dates, so every
-- template's recurrence is one of the four the API documents. Neither form has periods, so no
-- obligation changes; the text column has no enum or check to alter.
UPDATE "duty_templates" SET "recurrence" = 'dates', "dates" = '[]'::jsonb WHERE "recurrence" = 'as_needed';
