CREATE TABLE "files" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"pages" integer,
	"original_name" text NOT NULL,
	"uploaded_by" text,
	"uploader_case" text,
	"case_no" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "files_one_uploader" CHECK (("files"."uploaded_by" IS NULL) <> ("files"."uploader_case" IS NULL))
);
--> statement-breakpoint
CREATE INDEX "files_sha256_idx" ON "files" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "files_case_idx" ON "files" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "files_orphans_idx" ON "files" USING btree ("created_at") WHERE "files"."case_no" IS NULL;--> statement-breakpoint
-- A file attached to a case is part of the case record: it can no longer change or go.
CREATE FUNCTION files_attached_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.case_no IS NOT NULL THEN
    RAISE EXCEPTION 'file % is attached to case % and cannot be changed or removed', OLD.id, OLD.case_no;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER files_attached_immutable
  BEFORE UPDATE OR DELETE ON files
  FOR EACH ROW EXECUTE FUNCTION files_attached_immutable();
