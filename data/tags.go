package data

import "context"

// TagCount is a tag and how many live clients carry it.
type TagCount struct {
	Name    string `json:"name"`
	Clients int    `json:"clients"`
}

// TagCounts lists the tags live clients carry, in name order, with how many
// carry each: what the clients list offers to filter by.
func (s *Store) TagCounts(ctx context.Context) ([]TagCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.name, count(*) FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id
		JOIN contact c ON c.id = ct.contact_id WHERE ct.cl % 2 = 1 AND t.cl % 2 = 1 AND c.cl % 2 = 1
		GROUP BY t.id ORDER BY t.name COLLATE NOCASE`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TagCount
	for rows.Next() {
		var tc TagCount
		if err := rows.Scan(&tc.Name, &tc.Clients); err != nil {
			return nil, err
		}
		out = append(out, tc)
	}
	return out, rows.Err()
}
