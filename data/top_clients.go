package data

import "context"

// TopClient is a client and what they have spent in all.
type TopClient struct {
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	SpendMinor  int64  `json:"spend_minor"`
	Currency    string `json:"currency"`
	Purchases   int    `json:"purchases"`
}

// TopClients lists the live clients who have spent most in currency, most
// first: the shop's best clients, for the reports.
func (s *Store) TopClients(ctx context.Context, currency string, limit int) ([]TopClient, error) {
	if limit <= 0 {
		limit = 10
	}
	rows, err := s.db.QueryContext(ctx, `SELECT st.contact_id, c.display_name, st.spend_minor, st.spend_currency, st.purchases
		FROM contact_stats st JOIN contact c ON c.id = st.contact_id
		WHERE st.spend_currency = ? AND st.spend_minor > 0 AND c.cl % 2 = 1
		ORDER BY st.spend_minor DESC, c.sort_name LIMIT ?`, currency, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TopClient
	for rows.Next() {
		var tc TopClient
		if err := rows.Scan(&tc.ContactID, &tc.DisplayName, &tc.SpendMinor, &tc.Currency, &tc.Purchases); err != nil {
			return nil, err
		}
		out = append(out, tc)
	}
	return out, rows.Err()
}
