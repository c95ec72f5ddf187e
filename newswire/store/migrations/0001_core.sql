-- The wire core: products, plans, subscribers, keys, items, versions and the wire log.

CREATE TABLE products (
    slug text PRIMARY KEY,
    name text NOT NULL,
    public boolean NOT NULL DEFAULT false,
    public_delay_minutes integer NOT NULL DEFAULT 0 CHECK (public_delay_minutes >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plans (
    slug text PRIMARY KEY,
    products text[] NOT NULL,
    languages text[] NOT NULL DEFAULT '{}',
    types text[] NOT NULL,
    depth text NOT NULL CHECK (depth IN ('full', 'summary')),
    delay_minutes integer NOT NULL DEFAULT 0 CHECK (delay_minutes >= 0),
    embargoed boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subscribers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    plan text NOT NULL REFERENCES plans (slug),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Keys are stored as SHA-256 digests: they are 256-bit random, so a slow hash adds nothing.
CREATE TABLE api_keys (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash text NOT NULL UNIQUE,
    hint text NOT NULL,
    role text NOT NULL CHECK (role IN ('subscriber', 'editor', 'admin')),
    subscriber_id bigint REFERENCES subscribers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CHECK ((role = 'subscriber') = (subscriber_id IS NOT NULL))
);

CREATE TABLE items (
    uri text PRIMARY KEY,
    type text NOT NULL,
    language text,
    products text[] NOT NULL,              -- every product any version was in
    latest_version integer NOT NULL,
    first_created timestamptz NOT NULL,
    embargo_until timestamptz,             -- the embargo of the latest version, if any
    released_at timestamptz,               -- when it became visible without embargo
    killed_at timestamptz,
    kill_reason text
);

CREATE INDEX items_embargo_due ON items (embargo_until)
    WHERE released_at IS NULL AND killed_at IS NULL;

CREATE TABLE item_versions (
    uri text NOT NULL REFERENCES items (uri),
    version integer NOT NULL,
    item jsonb NOT NULL,
    products text[] NOT NULL,
    signal text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uri, version)
);

CREATE SEQUENCE events_seq;

-- The wire log. Rows are appended under a transaction-scoped advisory lock, so a row
-- never becomes visible behind a sequence number a reader has already passed.
CREATE TABLE events (
    seq bigint PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('publish', 'update', 'correction', 'kill', 'release')),
    uri text NOT NULL REFERENCES items (uri),
    version integer NOT NULL,
    products text[] NOT NULL,
    language text,
    type text NOT NULL,
    embargoed boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX events_uri ON events (uri);
