ALTER TABLE "case_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "issuer_code" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "issuer_name" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "signature" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "revoked_by" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "revocation_reason" text;