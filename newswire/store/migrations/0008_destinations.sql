-- FTP and SFTP destinations: files pushed to a subscriber's server, from an outbox
-- shaped like the webhooks' one (ordered per destination, retried, dead-lettered,
-- replayable). Credentials are stored encrypted (Fernet) with a key from the settings.

CREATE TABLE destinations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    protocol text NOT NULL CHECK (protocol IN ('ftp', 'sftp')),
    host text NOT NULL,
    port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    username text NOT NULL,
    -- A Fernet token of {"password": ..., "private_key": ...}; never stored in clear.
    credentials bytea NOT NULL,
    -- SFTP: the server's public key (OpenSSH form); empty accepts any host key.
    host_key text NOT NULL DEFAULT '',
    folder text NOT NULL DEFAULT '',
    format text NOT NULL DEFAULT 'newsmlg2',
    passive boolean NOT NULL DEFAULT true,
    -- The last wire-log seq the filler has looked at for this destination.
    cursor bigint NOT NULL,
    last_success_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX destinations_subscriber ON destinations (subscriber_id);

CREATE TABLE destination_deliveries (
    destination_id bigint NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    kind text NOT NULL,
    uri text NOT NULL,
    filename text NOT NULL,
    -- The exact file to upload, rendered once in the destination's format.
    body bytea NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'dead', 'skipped')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_error text,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (destination_id, seq)
);

CREATE INDEX destination_deliveries_due ON destination_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX destination_deliveries_pending ON destination_deliveries (destination_id, seq)
    WHERE status = 'pending';
