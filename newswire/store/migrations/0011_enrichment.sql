-- Enrichment: the agency's entity catalogue, what enrichment did per version, near-duplicates.

-- Known entities. `uri` is the stable id: set once when the entity is created and never
-- changed by a correction of its name or kind; a merged entity keeps its row and points
-- to the entity it was merged into, so its uri still resolves.
CREATE TABLE entities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uri text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('person', 'organisation', 'place')),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    merged_into bigint REFERENCES entities (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (merged_into IS DISTINCT FROM id)
);

CREATE TABLE entity_aliases (
    entity_id bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias text NOT NULL CHECK (length(alias) BETWEEN 1 AND 200),
    PRIMARY KEY (entity_id, alias)
);

-- Bumped in the same transaction as every catalogue change; each server compares it
-- before enriching and reloads the catalogue when it moved (cheap, and right across nodes).
CREATE TABLE entity_catalogue (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version bigint NOT NULL
);
INSERT INTO entity_catalogue (version) VALUES (0);

-- Per stored version: which enrichment step filled which field, and its SimHash.
CREATE TABLE item_enrichment (
    uri text NOT NULL,
    version integer NOT NULL,
    provenance jsonb NOT NULL,
    fingerprint bigint,                    -- the 64-bit SimHash, as a signed bigint
    near_duplicate_of text,                -- an earlier item this version nearly repeats
    near_duplicate_bits integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uri, version),
    FOREIGN KEY (uri, version) REFERENCES item_versions (uri, version)
);

CREATE INDEX item_enrichment_recent ON item_enrichment (created_at) WHERE fingerprint IS NOT NULL;

-- The entities and topics of each item's latest version: related stories join on these.
CREATE TABLE item_concepts (
    uri text NOT NULL REFERENCES items (uri),
    concept text NOT NULL,
    weight smallint NOT NULL,
    PRIMARY KEY (uri, concept)
);

CREATE INDEX item_concepts_concept ON item_concepts (concept);
