CREATE SEQUENCE "public"."complaint_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "complaints" (
	"number" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"case_no" text,
	"department" text,
	"window" text,
	"phone" text,
	"filed_by" text,
	"filed_at" timestamp with time zone NOT NULL,
	"filed_on" date NOT NULL,
	"due" date NOT NULL,
	"status" text NOT NULL,
	"reply" text,
	"replied_by" text,
	"replied_at" timestamp with time zone,
	"replied_on" date
);
--> statement-breakpoint
CREATE INDEX "complaints_department_idx" ON "complaints" USING btree ("department","status","due");--> statement-breakpoint
CREATE INDEX "complaints_filed_on_idx" ON "complaints" USING btree ("filed_on");--> statement-breakpoint
CREATE INDEX "complaints_case_idx" ON "complaints" USING btree ("case_no") WHERE "complaints"."case_no" IS NOT NULL;