-- Media renditions: for each picture, video or graphic, one row per rendition naming the
-- content-addressed blob (SHA-256 hex) that holds its bytes in the blob store.

CREATE TABLE media_renditions (
    uri text NOT NULL REFERENCES items (uri),
    name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,39}$'),
    blob text NOT NULL CHECK (blob ~ '^[0-9a-f]{64}$'),
    content_type text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    width integer,
    height integer,
    duration double precision,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uri, name)
);

CREATE INDEX media_renditions_blob ON media_renditions (blob);
