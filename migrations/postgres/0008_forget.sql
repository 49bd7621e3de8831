-- Deletions and erasure (`kbforge forget`, and cases a helpdesk deleted): who asked, as a hash of
-- the customer's e-mail or helpdesk user id (never the address itself), so a customer's tickets can
-- be found; and the tickets to forget or forgotten, ids only. A row is `pending` from the moment a
-- connector or the command marks it until everything derived from the ticket is gone.
-- Keep in step with ../sqlite/0008_forget.sql.
ALTER TABLE tickets ADD COLUMN customer TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_customer ON tickets(customer);

CREATE TABLE forgotten (
    ticket_id    TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,             -- "deleted", "spam", "gone", "erasure request"
    pending      BIGINT NOT NULL,           -- 1 until the ticket's data is removed
    marked_at    TEXT NOT NULL
);
