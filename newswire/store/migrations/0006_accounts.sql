-- People who log in to the pages, what the agency's staff did, and per-day usage counters.

-- A user logs in to the portal (role subscriber, belongs to a subscriber), the desk
-- (editor) or the admin pages (admin). Passwords are argon2 hashes.
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 100),
    email text,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('subscriber', 'editor', 'admin')),
    subscriber_id bigint REFERENCES subscribers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    CHECK ((role = 'subscriber') = (subscriber_id IS NOT NULL))
);

-- Every desk and admin action: who (a key id or a user), what, on what, when.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL DEFAULT '',
    detail jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_at ON audit_log (at DESC);

-- Usage per subscriber per day and kind ('delivery:stream', 'delivery:webhook',
-- 'delivery:feed', 'download', 'search', ...). One row a day a kind: counters, not a log.
CREATE TABLE usage_daily (
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    day date NOT NULL,
    kind text NOT NULL,
    count bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (subscriber_id, day, kind)
);
