package store

import (
	"context"
	"fmt"
	"time"
)

// week is a week in microseconds.
const week = int64(7 * 24 * time.Hour / time.Microsecond)

// StatsFilter scopes the weekly figures: everything (platform staff), a
// notifier's items (Notifier, also the items of notices it filed as an
// agent), or a seller organisation's items and strikes (SellerOrg).
type StatsFilter struct {
	Notifier  string
	SellerOrg string
	// From is the start of the first week; Weeks how many weeks.
	From  time.Time
	Weeks int
}

// WeekCount is how many rows fell in week Week (0 = From) under Key.
type WeekCount struct {
	Week int
	Key  string
	N    int
}

// Handling is one reviewer decision: its week and the time from receipt.
type Handling struct {
	Week     int
	Duration time.Duration
}

// WeeklyStats are the raw weekly figures of a dashboard.
type WeeklyStats struct {
	// Received counts items by week of receipt, Key the item's profiles
	// (",cn-ecl,eu-dsa,").
	Received []WeekCount
	// Decisions are the reviewers' decisions (audit action item.decide).
	Decisions []Handling
	// Restored counts items restored (state restored) by week of the
	// last change.
	Restored []WeekCount
	// Strikes counts strikes by week of creation, Key the status.
	Strikes []WeekCount
	// Outcomes counts the items received in the period by current state.
	Outcomes []WeekCount
}

func (f StatsFilter) itemScope(col string, args []any) (string, []any) {
	switch {
	case f.Notifier != "":
		args = append(args, f.Notifier)
		n := len(args)
		return fmt.Sprintf(` AND (%snotifier_org_id = $%d OR %snotice_id IN (SELECT id FROM notices WHERE filed_by_org_id = $%d))`, col, n, col, n), args
	case f.SellerOrg != "":
		args = append(args, f.SellerOrg)
		return fmt.Sprintf(` AND %sseller_org_id = $%d`, col, len(args)), args
	}
	return "", args
}

// WeeklyStats reads the weekly figures of f's scope. Weeks are counted in
// SQL by integer division of the microsecond instants, the same on SQLite
// and PostgreSQL.
func (q *Querier) WeeklyStats(ctx context.Context, f StatsFilter) (WeeklyStats, error) {
	var out WeeklyStats
	from, to := micros(f.From), micros(f.From)+int64(f.Weeks)*week
	counts := func(query string, args []any) ([]WeekCount, error) {
		rows, err := q.q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		defer rows.Close()
		var wc []WeekCount
		for rows.Next() {
			var c WeekCount
			var wk int64
			if err := rows.Scan(&wk, &c.Key, &c.N); err != nil {
				return nil, err
			}
			c.Week = int(wk)
			wc = append(wc, c)
		}
		return wc, rows.Err()
	}
	var err error
	scope, args := f.itemScope("", []any{from, to})
	if out.Received, err = counts(`SELECT (received_at - $1) / `+fmt.Sprint(week)+`, profiles, COUNT(*) FROM items
		WHERE received_at >= $1 AND received_at < $2`+scope+` GROUP BY 1, 2`, args); err != nil {
		return out, err
	}
	if out.Outcomes, err = counts(`SELECT 0, state, COUNT(*) FROM items WHERE received_at >= $1 AND received_at < $2`+scope+` GROUP BY state`, args); err != nil {
		return out, err
	}
	if out.Restored, err = counts(`SELECT (updated_at - $1) / `+fmt.Sprint(week)+`, state, COUNT(*) FROM items
		WHERE state = 'restored' AND updated_at >= $1 AND updated_at < $2`+scope+` GROUP BY 1, 2`, args); err != nil {
		return out, err
	}
	if f.SellerOrg != "" {
		if out.Strikes, err = counts(`SELECT (created_at - $1) / `+fmt.Sprint(week)+`, status, COUNT(*) FROM strikes
			WHERE created_at >= $1 AND created_at < $2 AND seller_org_id = $3 GROUP BY 1, 2`, []any{from, to, f.SellerOrg}); err != nil {
			return out, err
		}
	}
	iscope, iargs := f.itemScope("i.", []any{from, to})
	rows, err := q.q.QueryContext(ctx, `SELECT (a.at - $1) / `+fmt.Sprint(week)+`, a.at - i.received_at FROM audit_log a JOIN items i ON i.id = a.object_id
		WHERE a.object_type = 'item' AND a.action = 'item.decide' AND a.at >= $1 AND a.at < $2`+iscope+` ORDER BY a.seq`, iargs...)
	if err != nil {
		return out, fmt.Errorf("stats decisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var wk, d int64
		if err := rows.Scan(&wk, &d); err != nil {
			return out, err
		}
		out.Decisions = append(out.Decisions, Handling{Week: int(wk), Duration: time.Duration(d) * time.Microsecond})
	}
	return out, rows.Err()
}
