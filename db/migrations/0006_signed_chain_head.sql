ALTER TABLE "cases" ADD COLUMN "head_seq" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "head_hash" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "head_signature" text;