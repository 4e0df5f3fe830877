CREATE SEQUENCE "public"."case_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "application_requests" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"query_code" text NOT NULL,
	"request_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "application_requests_case_no_unique" UNIQUE("case_no")
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"case_no" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" jsonb NOT NULL,
	"data" jsonb NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "case_events_case_no_seq_pk" PRIMARY KEY("case_no","seq")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"case_no" text PRIMARY KEY NOT NULL,
	"query_code" text NOT NULL,
	"status" text NOT NULL,
	"applicant_id_number" text NOT NULL,
	"applicant_name" text NOT NULL,
	"window" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"accepted_on" date,
	"statutory_due" date,
	"promised_due" date,
	"last_seq" integer NOT NULL,
	"snapshot" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"certificate_no" text PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"matter" text NOT NULL,
	"name" text NOT NULL,
	"holder_name" text NOT NULL,
	"holder_id_number" text NOT NULL,
	"issued_on" date NOT NULL,
	CONSTRAINT "certificates_case_matter_key" UNIQUE("case_no","matter")
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "materials" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"issued_by_matter" text
);
--> statement-breakpoint
CREATE TABLE "matters" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"catalogue_version" integer NOT NULL,
	"definition" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"matter" text NOT NULL,
	"department" text NOT NULL,
	"status" text NOT NULL,
	"opened_on" date NOT NULL,
	"due" date NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "themes" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"matters" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status","promised_due");--> statement-breakpoint
CREATE INDEX "cases_applicant_idx" ON "cases" USING btree ("applicant_id_number");--> statement-breakpoint
CREATE INDEX "certificates_holder_idx" ON "certificates" USING btree ("holder_id_number");--> statement-breakpoint
CREATE INDEX "review_tasks_inbox_idx" ON "review_tasks" USING btree ("department","status","due");--> statement-breakpoint
CREATE INDEX "review_tasks_case_idx" ON "review_tasks" USING btree ("case_no");