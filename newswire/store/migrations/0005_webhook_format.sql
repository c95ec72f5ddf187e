-- The format each webhook's bodies carry their items in (see newswire/formats).
ALTER TABLE webhooks ADD COLUMN format text NOT NULL DEFAULT 'ninjs3';
