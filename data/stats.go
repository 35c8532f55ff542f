package data

// contact_stats holds per-client figures derived from the timeline, refreshed
// for each touched contact and rebuilt after bulk loads.
//
// A visit is a day on which the client came in (a visit or a purchase logged;
// both on one day count once). Spend counts purchases in the client's most used
// currency only, since amounts in different currencies do not add up.
const statsSelect = `SELECT c.id,
	coalesce((SELECT count(DISTINCT substr(at, 1, 10)) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind IN ('visit', 'purchase')), 0),
	coalesce((SELECT max(at) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind IN ('visit', 'purchase')), ''),
	coalesce((SELECT max(at) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1), ''),
	coalesce((SELECT count(*) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind = 'purchase'), 0),
	coalesce((SELECT min(at) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind = 'purchase'), ''),
	coalesce((SELECT max(at) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind = 'purchase'), ''),
	coalesce((SELECT sum(amount_minor) FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind = 'purchase'
		AND currency = (SELECT currency FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind = 'purchase'
			GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1)), 0),
	coalesce((SELECT currency FROM interaction WHERE contact_id = c.id AND cl % 2 = 1 AND kind = 'purchase'
		GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1), '')
FROM contact c`

func (t *txn) refreshStats(id string) error {
	if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_stats WHERE contact_id = ?", id); err != nil {
		return err
	}
	_, err := t.ExecContext(t.ctx, "INSERT INTO contact_stats "+statsSelect+" WHERE c.id = ?", id)
	return err
}
