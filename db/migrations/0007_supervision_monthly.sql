-- Supervision: monthly rollup rows and covering indexes (index-only scans over the rollups and the open cases).
-- Monthly rows (grain prefixed 'M', day = the month's first) from the daily rows already there.
INSERT INTO "supervision_daily" ("grain", "day", "window", "department", "matter", "received", "urgent", "accepted",
  "decided", "approved", "partially_approved", "refused", "on_time", "within_statutory", "at_most_one_visit",
  "immediate_decided", "same_day", "withdrawn", "not_accepted", "terminated")
SELECT 'M' || "grain", date_trunc('month', "day")::date, "window", "department", "matter", sum("received"),
  sum("urgent"), sum("accepted"), sum("decided"), sum("approved"), sum("partially_approved"), sum("refused"),
  sum("on_time"), sum("within_statutory"), sum("at_most_one_visit"), sum("immediate_decided"), sum("same_day"),
  sum("withdrawn"), sum("not_accepted"), sum("terminated")
FROM "supervision_daily" WHERE "grain" NOT LIKE 'M%' GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO "supervision_daily_days" ("grain", "day", "window", "department", "matter", "working_days", "decided")
SELECT 'M' || "grain", date_trunc('month', "day")::date, "window", "department", "matter", "working_days", sum("decided")
FROM "supervision_daily_days" WHERE "grain" NOT LIKE 'M%' GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
CREATE INDEX "supervision_daily_period_idx" ON "supervision_daily" USING btree ("grain", "day")
  INCLUDE ("window", "department", "matter", "received", "urgent", "accepted", "decided", "approved",
    "partially_approved", "refused", "on_time", "within_statutory", "at_most_one_visit", "immediate_decided",
    "same_day", "withdrawn", "not_accepted", "terminated");
--> statement-breakpoint
CREATE INDEX "supervision_daily_department_idx" ON "supervision_daily" USING btree ("grain", "department", "matter", "day")
  INCLUDE ("window", "received", "urgent", "accepted", "decided", "approved", "partially_approved", "refused",
    "on_time", "within_statutory", "at_most_one_visit", "immediate_decided", "same_day", "withdrawn", "not_accepted",
    "terminated");
--> statement-breakpoint
CREATE INDEX "supervision_daily_window_idx" ON "supervision_daily" USING btree ("grain", "window", "day")
  INCLUDE ("department", "matter", "received", "urgent", "accepted", "decided", "approved", "partially_approved",
    "refused", "on_time", "within_statutory", "at_most_one_visit", "immediate_decided", "same_day", "withdrawn",
    "not_accepted", "terminated");
--> statement-breakpoint
CREATE INDEX "supervision_daily_days_period_idx" ON "supervision_daily_days" USING btree ("grain", "day")
  INCLUDE ("window", "department", "matter", "working_days", "decided");
--> statement-breakpoint
CREATE INDEX "supervision_daily_days_department_idx" ON "supervision_daily_days" USING btree ("grain", "department", "matter", "day")
  INCLUDE ("window", "working_days", "decided");
--> statement-breakpoint
CREATE INDEX "supervision_daily_days_window_idx" ON "supervision_daily_days" USING btree ("grain", "window", "day")
  INCLUDE ("department", "matter", "working_days", "decided");
--> statement-breakpoint
-- The open cases with everything the overdue / near-due counts read.
CREATE INDEX "supervision_cases_open_idx" ON "supervision_cases" USING btree ("due_on")
  INCLUDE ("near_due_after", "window", "holder_departments", "holder_pairs", "matters") WHERE "due_on" IS NOT NULL;
