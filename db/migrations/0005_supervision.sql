CREATE TABLE "supervision_cases" (
	"case_no" text PRIMARY KEY NOT NULL,
	"window" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"received_on" date NOT NULL,
	"accepted_on" date,
	"decided_on" date,
	"closed_on" date,
	"status" text NOT NULL,
	"immediate" boolean NOT NULL,
	"on_time" boolean,
	"within_statutory" boolean,
	"same_day" boolean,
	"visits" integer NOT NULL,
	"working_days" integer,
	"promised_due" date,
	"statutory_due" date,
	"due_on" date,
	"near_due_after" date,
	"warning_level" text,
	"warning_rank" integer NOT NULL,
	"warning_deadline" text,
	"warning_due" date,
	"warning_at" timestamp with time zone,
	"holder_departments" text[] NOT NULL,
	"holder_pairs" text[] NOT NULL,
	"departments" text[] NOT NULL,
	"matters" text[] NOT NULL,
	"department_matters" text[] NOT NULL,
	"matter_names" text[] NOT NULL,
	"applicant_name" text NOT NULL,
	"applicant_id_masked" text NOT NULL,
	"urgent" boolean NOT NULL,
	"contribution" jsonb NOT NULL,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_daily" (
	"grain" text NOT NULL,
	"day" date NOT NULL,
	"window" text NOT NULL,
	"department" text NOT NULL,
	"matter" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"urgent" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"decided" integer DEFAULT 0 NOT NULL,
	"approved" integer DEFAULT 0 NOT NULL,
	"partially_approved" integer DEFAULT 0 NOT NULL,
	"refused" integer DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"within_statutory" integer DEFAULT 0 NOT NULL,
	"at_most_one_visit" integer DEFAULT 0 NOT NULL,
	"immediate_decided" integer DEFAULT 0 NOT NULL,
	"same_day" integer DEFAULT 0 NOT NULL,
	"withdrawn" integer DEFAULT 0 NOT NULL,
	"not_accepted" integer DEFAULT 0 NOT NULL,
	"terminated" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "supervision_daily_grain_day_window_department_matter_pk" PRIMARY KEY("grain","day","window","department","matter")
);
--> statement-breakpoint
CREATE TABLE "supervision_daily_days" (
	"grain" text NOT NULL,
	"day" date NOT NULL,
	"window" text NOT NULL,
	"department" text NOT NULL,
	"matter" text NOT NULL,
	"working_days" integer NOT NULL,
	"decided" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "supervision_daily_days_grain_day_window_department_matter_working_days_pk" PRIMARY KEY("grain","day","window","department","matter","working_days")
);
--> statement-breakpoint
CREATE INDEX "supervision_cases_ledger_idx" ON "supervision_cases" USING btree ("window","received_on","received_at");--> statement-breakpoint
CREATE INDEX "supervision_cases_alerts_idx" ON "supervision_cases" USING btree ("warning_rank" DESC NULLS LAST,"warning_due","case_no") WHERE "supervision_cases"."warning_rank" > 0;--> statement-breakpoint
CREATE INDEX "supervision_cases_due_idx" ON "supervision_cases" USING btree ("due_on") WHERE "supervision_cases"."due_on" IS NOT NULL;--> statement-breakpoint
-- One case's contribution to the daily rollups (rules/supervision.ts Contribution), read from jsonb.
CREATE TYPE "supervision_contribution" AS (
	"day" date, "received" int, "urgent" int, "accepted" int, "decided" int, "approved" int, "partially_approved" int,
	"refused" int, "on_time" int, "within_statutory" int, "at_most_one_visit" int, "immediate_decided" int,
	"same_day" int, "withdrawn" int, "not_accepted" int, "terminated" int, "working_days" int
);
--> statement-breakpoint
-- The rollup rows a case adds to: one per grain and key ('' = all; DEPT|MATTER pairs for the department-matter grains).
CREATE FUNCTION "supervision_rollup_keys"("w" text, "departments" text[], "matters" text[], "pairs" text[])
RETURNS TABLE ("grain" text, "window" text, "department" text, "matter" text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT '', '', '', ''
	UNION ALL SELECT 'w', w, '', ''
	UNION ALL SELECT 'd', '', d, '' FROM unnest(departments) d
	UNION ALL SELECT 'm', '', '', m FROM unnest(matters) m
	UNION ALL SELECT 'wd', w, d, '' FROM unnest(departments) d
	UNION ALL SELECT 'wm', w, '', m FROM unnest(matters) m
	UNION ALL SELECT 'dm', '', split_part(p, '|', 1), split_part(p, '|', 2) FROM unnest(pairs) p
	UNION ALL SELECT 'wdm', w, split_part(p, '|', 1), split_part(p, '|', 2) FROM unnest(pairs) p
$$;
