CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_reads" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "staff_reads_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"username" text NOT NULL,
	"role" text NOT NULL,
	"department" text,
	"case_no" text NOT NULL,
	"view" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"username" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"window" text,
	"department" text,
	"password_hash" text NOT NULL,
	"backup" text,
	"away" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sessions_username_idx" ON "sessions" USING btree ("username");--> statement-breakpoint
CREATE INDEX "staff_reads_case_idx" ON "staff_reads" USING btree ("case_no","at");--> statement-breakpoint
CREATE INDEX "staff_reads_user_idx" ON "staff_reads" USING btree ("username","at");--> statement-breakpoint
-- The read log is evidence for auditors: rows are added, never changed or removed.
CREATE FUNCTION staff_reads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'staff_reads is append-only';
END;
$$;--> statement-breakpoint
CREATE TRIGGER staff_reads_no_update_or_delete
  BEFORE UPDATE OR DELETE ON staff_reads
  FOR EACH ROW EXECUTE FUNCTION staff_reads_append_only();
