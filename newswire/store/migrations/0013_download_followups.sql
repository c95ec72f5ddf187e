-- E-mail follow-ups and digests, and login throttling.

-- Who downloaded which story from the portal: they are told when it is updated,
-- corrected or killed. One row per user and story (the first download).
CREATE TABLE user_downloads (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uri text NOT NULL REFERENCES items (uri),
    downloaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, uri)
);

CREATE INDEX user_downloads_uri ON user_downloads (uri);

-- The follow-up outbox: one row per (user, wire event) to mail, written by a trigger
-- in the same transaction as the event, so no update of a downloaded story is missed.
CREATE TABLE download_followups (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    uri text NOT NULL,
    version integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('update', 'correction', 'kill')),
    created_at timestamptz NOT NULL DEFAULT now(),
    emailed_at timestamptz,
    PRIMARY KEY (user_id, seq)
);

CREATE INDEX download_followups_unemailed ON download_followups (created_at)
    WHERE emailed_at IS NULL;

-- Per-user e-mail choices: follow-ups on or off; alert e-mails immediately (no digest
-- times) or gathered into one digest at each chosen UTC time of day.
ALTER TABLE users
    ADD COLUMN followup_emails boolean NOT NULL DEFAULT true,
    ADD COLUMN digest_times time[] NOT NULL DEFAULT '{}',
    ADD COLUMN digest_sent_at timestamptz NOT NULL DEFAULT now();

-- Alert matches waiting for a user's next digest.
CREATE TABLE digest_entries (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    alert_id bigint NOT NULL,
    seq bigint NOT NULL,
    uri text NOT NULL,
    headline text NOT NULL DEFAULT '',
    alert_name text NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, alert_id, seq)
);

CREATE FUNCTION record_download_followups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    follow_kind text;
BEGIN
    IF NEW.embargoed THEN
        RETURN NEW;
    END IF;
    IF NEW.kind IN ('update', 'correction', 'kill') THEN
        follow_kind := NEW.kind;
    ELSIF NEW.kind = 'release' AND NEW.version > 1 THEN
        follow_kind := 'update';  -- an update held by its embargo, now out
    ELSE
        RETURN NEW;
    END IF;
    INSERT INTO download_followups (user_id, seq, uri, version, kind)
    SELECT d.user_id, NEW.seq, NEW.uri, NEW.version, follow_kind
    FROM user_downloads d JOIN users u ON u.id = d.user_id
    WHERE d.uri = NEW.uri AND u.followup_emails AND u.disabled_at IS NULL
        AND u.email IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$$;

CREATE TRIGGER events_download_followups AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION record_download_followups();

-- Failed page logins, counted per username and per client address over a window;
-- kept in the database so every node sees the same counts.
CREATE TABLE login_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    username text NOT NULL,
    client text NOT NULL
);

CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_client ON login_failures (client, at);
