package data

import (
	"context"
	"encoding/json"
)

// DisplayNames gives the display names of the clients with these ids in one
// query, for lists that show many clients' names beside other records (the
// week's appointments). Deleted clients are included, since an old record may
// be theirs; ids of no client are left out.
func (s *Store) DisplayNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, display_name FROM contact
		WHERE id IN (SELECT value FROM json_each(?)) AND cl > 0`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
