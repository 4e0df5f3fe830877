-- Row triggers do not see TRUNCATE: refuse it too on the two append-only tables (the case record, the read log).
CREATE TRIGGER case_events_no_truncate
  BEFORE TRUNCATE ON case_events
  FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();--> statement-breakpoint
CREATE TRIGGER staff_reads_no_truncate
  BEFORE TRUNCATE ON staff_reads
  FOR EACH STATEMENT EXECUTE FUNCTION staff_reads_append_only();
