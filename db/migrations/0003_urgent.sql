ALTER TABLE "cases" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;