-- Page sessions: the signed cookie carries a random session id; the row says whose it
-- is, so logging out (or disabling the user) ends the session everywhere at once.
CREATE TABLE sessions (
    id_hash text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

-- The key that signs session cookies, made once per database so that every process
-- and every node behind a load balancer signs and checks with the same one.
CREATE TABLE page_secrets (
    name text PRIMARY KEY,
    value text NOT NULL
);

INSERT INTO page_secrets (name, value)
VALUES ('session', encode(sha256((gen_random_uuid()::text || clock_timestamp()::text
    || gen_random_uuid()::text)::bytea), 'hex'));
