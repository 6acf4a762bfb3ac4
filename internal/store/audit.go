package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/audit"
)

func equalHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// auditHead is the chain head as a transaction advances it.
type auditHead struct {
	locked bool
	seq    int64
	hash   string
}

const auditInsert = `INSERT INTO audit_log (seq, at, actor_id, actor_org_id, automated, action, object_type, object_id, org_id,
		before_state, after_state, reason, prev_hash, hash) VALUES `

// AppendAudit appends e to the hash chain inside the transaction. The first
// append locks the chain head (on PostgreSQL the UPDATE takes the row lock;
// on SQLite the write lock is held from BEGIN), so concurrent transactions
// append in commit order and the chain never forks. The entries are written
// with the head at commit.
func (tx *Tx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	if !tx.audit.locked {
		var seq int64
		var hash string
		if err := tx.queryRow(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &hash); err != nil {
			return e, fmt.Errorf("lock audit head: %w", err)
		}
		tx.audit = auditHead{locked: true, seq: seq, hash: hash}
	}
	e.Seq = tx.audit.seq + 1
	e.At = e.At.UTC().Truncate(time.Microsecond) // the precision stored
	if len(e.Before) == 0 {
		e.Before = []byte("null")
	}
	if len(e.After) == 0 {
		e.After = []byte("null")
	}
	e = audit.Seal(e, tx.audit.hash)
	auto := 0
	if e.Automated {
		auto = 1
	}
	tx.buffer(auditInsert, []any{e.Seq, micros(e.At), e.ActorID, e.ActorOrgID, auto, e.Action, e.ObjectType, e.ObjectID, e.OrgID,
		string(e.Before), string(e.After), e.Reason, e.PrevHash, e.Hash})
	tx.audit.seq, tx.audit.hash = e.Seq, e.Hash
	return e, nil
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	ActorID    string
	OrgID      string
	// AfterSeq and Limit paginate by sequence number.
	AfterSeq int64
	Limit    int
}

const auditCols = `seq, at, actor_id, actor_org_id, automated, action, object_type, object_id, org_id, before_state, after_state, reason, prev_hash, hash`

func scanAudit(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	var auto int
	var before, after string
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorOrgID, &auto, &e.Action, &e.ObjectType, &e.ObjectID, &e.OrgID,
		&before, &after, &e.Reason, &e.PrevHash, &e.Hash)
	e.At, e.Automated, e.Before, e.After = fromMicros(at), auto == 1, []byte(before), []byte(after)
	return e, err
}

// AuditEntries lists entries in sequence order; it returns the next cursor
// (0 at the end).
func (q *Querier) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, int64, error) {
	w := where{}
	w.eq("object_type", f.ObjectType)
	w.eq("object_id", f.ObjectID)
	w.eq("actor_id", f.ActorID)
	w.eq("org_id", f.OrgID)
	if f.AfterSeq > 0 {
		w.cond("seq > $?", f.AfterSeq)
	}
	p := Page{Limit: f.Limit}
	rows, err := q.q.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log`+w.sql()+` ORDER BY seq LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if n := p.limit() - 1; len(out) > n {
		out = out[:n]
		next = out[n-1].Seq
	}
	return out, next, nil
}

// VerifyAudit re-computes the whole chain from the first entry and checks it
// against the recorded head; it returns the number of entries verified and
// an *audit.Break if anything was edited, inserted or deleted.
func (q *Querier) VerifyAudit(ctx context.Context) (int64, error) {
	var headSeq int64
	var headHash string
	if err := q.q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("read audit head: %w", err)
	}
	v := audit.NewVerifier()
	const batch = 5000
	var after int64
	for {
		rows, err := q.q.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT `+fmt.Sprint(batch), after)
		if err != nil {
			return v.Count(), fmt.Errorf("read audit: %w", err)
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return v.Count(), err
			}
			if err := v.Next(e); err != nil {
				rows.Close()
				return v.Count(), err
			}
			after = e.Seq
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return v.Count(), err
		}
		if n < batch {
			break
		}
	}
	return v.Count(), v.Finish(headSeq, headHash)
}
