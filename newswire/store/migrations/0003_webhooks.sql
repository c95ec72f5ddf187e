-- Webhooks: a subscriber's endpoints and the outbox of deliveries, one row per
-- (webhook, event). A filler follows the wire log per webhook (`cursor`) and inserts
-- rows in the same transaction that advances the cursor; workers claim due rows
-- with FOR UPDATE SKIP LOCKED, one head row per webhook at a time, so each
-- endpoint receives its events in wire order.

CREATE TABLE webhooks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    url text NOT NULL,
    -- The signing secret ("whsec_" + base64). Kept as is: HMAC signing needs it.
    secret text NOT NULL,
    -- The last wire-log seq the filler has looked at for this webhook.
    cursor bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhooks_subscriber ON webhooks (subscriber_id);

CREATE TABLE webhook_deliveries (
    webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    kind text NOT NULL,
    uri text NOT NULL,
    -- The exact bytes sent (one feed entry as JSON), so every retry is identical.
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'dead', 'skipped')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_status integer,
    last_error text,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (webhook_id, seq)
);

-- Claiming looks for due rows, then checks that no earlier row of the same webhook
-- is still pending; both lookups stay on small partial indexes.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq)
    WHERE status = 'pending';
