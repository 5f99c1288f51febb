-- The delivery log sorted by email without filters: a narrow index in exactly that order
-- (email_key, created_at, then the rowid). deliveries_by_email carries the filter columns too,
-- so it is about twice as wide; walking it to a window half-way down a 1,000,000-row log read
-- ~30 MB and took longer than the log's 50 ms budget. Filtered email sorts keep using the wide
-- index, which checks the filters without reading the table.
CREATE INDEX deliveries_by_email_only ON deliveries (email_key, created_at);
