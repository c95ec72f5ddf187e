-- Alerts (saved searches) and their matches. Each process keeps the alerts in an
-- in-memory percolator (refreshed by NOTIFY on channel newswire_alerts) and matches
-- every released version against it; a match is recorded here once per alert and
-- wire seq (the primary key makes two nodes matching the same event harmless).

CREATE TABLE alerts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    user_id bigint REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    query text NOT NULL CHECK (length(query) BETWEEN 1 AND 1000),
    filters jsonb NOT NULL DEFAULT '{}',
    channels text[] NOT NULL DEFAULT '{stream,webhook,portal}'
        CHECK (channels <@ '{stream,webhook,portal,email}'::text[]),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The wire log's head when the alert was saved: it fires for later events only.
    after_seq bigint NOT NULL DEFAULT 0
);

CREATE INDEX alerts_subscriber ON alerts (subscriber_id);

-- One row per (alert, wire event) that matched. It is also the outbox of the alert
-- channels that need a delivery state: e-mail (`emailed_at`, drained by the e-mail
-- sender for alerts whose channels include 'email') and webhooks (`webhook_*`).
CREATE TABLE alert_matches (
    alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    uri text NOT NULL,
    headline text NOT NULL DEFAULT '',
    matched_at timestamptz NOT NULL DEFAULT now(),
    emailed_at timestamptz,
    webhook_status text NOT NULL DEFAULT 'none'
        CHECK (webhook_status IN ('none', 'pending', 'delivered', 'dead', 'skipped')),
    webhook_attempts integer NOT NULL DEFAULT 0,
    webhook_next_at timestamptz NOT NULL DEFAULT now(),
    webhook_error text,
    PRIMARY KEY (alert_id, seq)
);

CREATE INDEX alert_matches_webhook_due ON alert_matches (webhook_next_at)
    WHERE webhook_status = 'pending';
CREATE INDEX alert_matches_unemailed ON alert_matches (matched_at)
    WHERE emailed_at IS NULL;

-- Where the matchers stand in the wire log, so events published while no server ran
-- are matched at the next start. Every matcher moves it forward only.
CREATE TABLE alert_cursor (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint NOT NULL
);
