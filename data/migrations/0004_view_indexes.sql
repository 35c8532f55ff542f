-- Indexes for the views at 100,000 clients and a million timeline entries.

-- Today's complaints awaiting a check-in and the monthly figures read the
-- timeline by kind and time.
CREATE INDEX interaction_kind_at ON interaction(kind, at);

-- The client list pages through live clients in name order; this partial
-- index holds exactly those, so a page is read in order instead of sorting
-- every client for each page.
CREATE INDEX contact_alive_by_name ON contact(sort_name, id) WHERE cl % 2 = 1 AND merged_into = '';

-- The day (as a Julian day number) each client's next purchase is due at their
-- own average interval, so the repurchase view reads a range of an index
-- instead of computing it for every client.
ALTER TABLE contact_stats ADD COLUMN repurchase_due REAL GENERATED ALWAYS AS (
	CASE WHEN purchases >= 2 AND last_purchase > first_purchase
	THEN julianday(last_purchase) + (julianday(last_purchase) - julianday(first_purchase)) / (purchases - 1) END) VIRTUAL;
CREATE INDEX contact_stats_repurchase ON contact_stats(repurchase_due) WHERE repurchase_due IS NOT NULL;
