-- Limits: per-plan request rate, daily quota and stream connections per key; key
-- rotation with an overlap window; an optional IP allow-list per subscriber.

-- NULL means no limit. rate_limit: requests per minute per subscriber; daily_quota:
-- requests per UTC day per subscriber; stream_connections: open streams per key.
ALTER TABLE plans
    ADD COLUMN rate_limit integer CHECK (rate_limit > 0),
    ADD COLUMN daily_quota integer CHECK (daily_quota > 0),
    ADD COLUMN stream_connections integer CHECK (stream_connections > 0);

-- A rotated key stays valid until expires_at, then answers 401; replaced_by names
-- the key that took its place.
ALTER TABLE api_keys
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN replaced_by bigint REFERENCES api_keys (id);

-- Empty (the default) allows every address; otherwise a request must come from one
-- of these networks.
ALTER TABLE subscribers
    ADD COLUMN ip_allow cidr[] NOT NULL DEFAULT '{}';
