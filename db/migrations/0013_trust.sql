-- Signing keys by id (their SHA-256 SPKI fingerprint): the public halves and the period each was valid in. The
-- private keys stay in the key folder, never in the database. A key is retired once (valid_until set), never removed.
CREATE TABLE "signing_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"public_key_pem" text NOT NULL,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "signing_keys_one_current" ON "signing_keys" ((true)) WHERE "valid_until" IS NULL;
--> statement-breakpoint
CREATE FUNCTION signing_keys_no_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.valid_until IS NULL AND NEW.key_id = OLD.key_id
     AND NEW.public_key_pem = OLD.public_key_pem AND NEW.valid_from IS NOT DISTINCT FROM OLD.valid_from THEN
    RETURN NEW; -- retiring the current key is the only change allowed
  END IF;
  RAISE EXCEPTION 'signing_keys: % refused (a key is only ever retired)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER signing_keys_no_update_or_delete
  BEFORE UPDATE OR DELETE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION signing_keys_no_rewrite();
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "head_key_id" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "head_signed_at" timestamp with time zone;
--> statement-breakpoint
-- Signed checkpoints over every case's head: append-only like the case record.
CREATE TABLE "checkpoints" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"cases" integer NOT NULL,
	"root" text NOT NULL,
	"heads" jsonb NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'checkpoints is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_update_or_delete
  BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION checkpoints_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_truncate
  BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION checkpoints_append_only();
