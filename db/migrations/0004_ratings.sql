CREATE TABLE "follow_ups" (
	"id" text PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"department" text NOT NULL,
	"level" text NOT NULL,
	"opened_on" date NOT NULL,
	"due" date NOT NULL,
	"status" text NOT NULL,
	"replied_on" date,
	"warning" text
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"case_no" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"channel" text NOT NULL,
	"rated_on" date NOT NULL,
	"status" text NOT NULL,
	"department" text NOT NULL,
	"window" text NOT NULL,
	"comment" text
);
--> statement-breakpoint
CREATE INDEX "follow_ups_department_idx" ON "follow_ups" USING btree ("department","status","due");--> statement-breakpoint
CREATE INDEX "ratings_rated_on_idx" ON "ratings" USING btree ("rated_on");--> statement-breakpoint
CREATE INDEX "ratings_department_idx" ON "ratings" USING btree ("department","rated_on");
