-- Each live client's points balance, derived from the ledger on every
-- computer (it is not synced) and kept up to date in the transaction that
-- changes the ledger or deletes or restores the client, so Today finds the
-- clients whose points pay for a reward from an index instead of summing the
-- whole ledger.
CREATE TABLE loyalty_balance (
	contact_id TEXT PRIMARY KEY,
	points     INTEGER NOT NULL
);
CREATE INDEX loyalty_balance_points ON loyalty_balance(points);

INSERT INTO loyalty_balance(contact_id, points)
	SELECT e.contact_id, sum(e.points) FROM loyalty_entry e JOIN contact c ON c.id = e.contact_id
	WHERE e.cl % 2 = 1 AND c.cl % 2 = 1 GROUP BY e.contact_id;
