-- /metrics counts given-up webhook deliveries at every scrape; without an index that
-- count read the whole outbox, which only grows. Dead rows are few: a small partial index.
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (webhook_id)
    WHERE status = 'dead';
