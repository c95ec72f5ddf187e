-- The public pages list released, live items newest first.
CREATE INDEX items_public_latest ON items (released_at DESC)
    WHERE killed_at IS NULL AND released_at IS NOT NULL;
