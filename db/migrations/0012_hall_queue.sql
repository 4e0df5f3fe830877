CREATE TABLE "appointment_slots" (
	"id" text PRIMARY KEY NOT NULL,
	"line" text NOT NULL,
	"day" date NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"code" text PRIMARY KEY NOT NULL,
	"slot_id" text NOT NULL,
	"line" text NOT NULL,
	"matter" text,
	"theme" text,
	"day" date NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"phone" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"checked_in_at" timestamp with time zone,
	"ticket_number" text
);
--> statement-breakpoint
CREATE TABLE "queue_counters" (
	"day" date NOT NULL,
	"line" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "queue_counters_day_line_pk" PRIMARY KEY("day","line")
);
--> statement-breakpoint
CREATE TABLE "queue_tickets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "queue_tickets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"line" text NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	"matter" text,
	"theme" text,
	"priority" boolean DEFAULT false NOT NULL,
	"appointment_code" text,
	"rank" integer NOT NULL,
	"status" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"called_at" timestamp with time zone,
	"last_called_at" timestamp with time zone,
	"call_count" integer DEFAULT 0 NOT NULL,
	"at_window" text,
	"called_by" text,
	"transferred_to" text,
	"served_at" timestamp with time zone,
	"no_show_at" timestamp with time zone,
	"case_nos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"kiosk" text,
	CONSTRAINT "queue_tickets_day_number" UNIQUE("day","number")
);
--> statement-breakpoint
CREATE INDEX "appointments_slot_idx" ON "appointments" USING btree ("slot_id","status");--> statement-breakpoint
CREATE INDEX "appointments_phone_idx" ON "appointments" USING btree ("phone","ends_at");--> statement-breakpoint
CREATE INDEX "queue_tickets_waiting_idx" ON "queue_tickets" USING btree ("day","status","rank","taken_at");--> statement-breakpoint
CREATE INDEX "queue_tickets_taken_idx" ON "queue_tickets" USING btree ("taken_at");--> statement-breakpoint
CREATE UNIQUE INDEX "queue_tickets_one_called_per_window" ON "queue_tickets" USING btree ("day","at_window") WHERE status = 'called';