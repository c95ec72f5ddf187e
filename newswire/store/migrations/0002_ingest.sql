-- The version number an item carried in the file it was ingested from, so that
-- ingesting the same version twice does not make a new version.
ALTER TABLE items ADD COLUMN source_version integer;
