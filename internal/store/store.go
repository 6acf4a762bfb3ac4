// Package store is dajia's system of record: all SQL lives here. One schema
// and one set of numbered, forward-only migrations run on both engines —
// SQLite (embedded default, pure-Go driver) and PostgreSQL (pgx) — and the
// differences between them are kept in dialect.go.
//
// Writes happen inside DB.Tx; a service appends the audit entry and outbox
// rows for a change in the same transaction as the change itself.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"

	"github.com/dajia-project/dajia/internal/fault"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open database.
type DB struct {
	Querier
	pool *sql.DB
}

// Open connects to PostgreSQL when url is set, else to the SQLite file
// dajia.db under dataDir (created if missing). It does not migrate.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	var d dialect
	var dsn string
	if url != "" {
		d, dsn = postgres, url
	} else {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		d, dsn = sqlite, sqliteDSN(filepath.Join(dataDir, "dajia.db"))
	}
	pool, err := sql.Open(d.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d.name, err)
	}
	d.configure(pool)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", d.name, err)
	}
	return &DB{Querier: Querier{q: d.wrap(pool), d: d}, pool: pool}, nil
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.pool.Close() }

// Engine names the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.d.name }

// Ping checks that the database answers (for readiness probes).
func (db *DB) Ping(ctx context.Context) error { return db.pool.PingContext(ctx) }

// Exec runs a statement outside any transaction. It exists for tests and
// operational tools (such as tampering with a row to prove audit
// verification catches it); services write through Tx.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.pool.ExecContext(ctx, query, args...)
	return err
}

// Migrate applies every migration not yet applied, each in its own
// transaction, and returns the versions it applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	if _, err := db.pool.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []int
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return applied, fmt.Errorf("migration %s: name must start with a number and an underscore", e.Name())
		}
		body, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return applied, err
		}
		did, err := db.migrateOne(ctx, version, string(body))
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		if did {
			applied = append(applied, version)
		}
	}
	return applied, nil
}

func (db *DB) migrateOne(ctx context.Context, version int, body string) (bool, error) {
	tx, err := db.pool.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if db.d.migrationLock != "" {
		if _, err := tx.ExecContext(ctx, db.d.migrationLock); err != nil {
			return false, fmt.Errorf("lock: %w", err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	for _, stmt := range splitStatements(body) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, time.Now().UnixMicro()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// splitStatements splits a migration on semicolons at line ends, dropping
// comment-only lines.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// Versions lists the applied migration versions.
func (db *DB) Versions(ctx context.Context) ([]int, error) {
	rows, err := db.pool.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Tx runs fn in one transaction, committing if fn returns nil. On
// PostgreSQL a serialization failure or deadlock is retried a few times.
func (db *DB) Tx(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.tx(ctx, fn)
		if err == nil || attempt >= 4 || !db.d.retryable(err) {
			return err
		}
	}
}

func (db *DB) tx(ctx context.Context, fn func(*Tx) error) error {
	// The transaction runs on a connection of its own, so that PostgreSQL's
	// COPY can write buffered rows inside it.
	conn, err := db.pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Querier: Querier{q: db.d.wrap(sqlTx), d: db.d, stmts: map[string]*sql.Stmt{}, uses: map[string]int{}, prep: db.d.prepare(sqlTx.PrepareContext)},
		tx: sqlTx, conn: conn}
	defer tx.closeStmts()
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := tx.flush(ctx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// Tx is an open transaction. Write methods live on Tx only.
type Tx struct {
	Querier
	tx          *sql.Tx
	conn        *sql.Conn
	afterCommit []func()
	locked      map[string]ItemRecord // rows locked ahead by LockItems

	// Appends to the audit chain, the outbox and the inboxes are buffered
	// and written with multi-row inserts just before commit: a notice of
	// 10,000 items writes tens of thousands of such rows.
	audit   auditHead
	pending map[string][][]any // insert prefix → rows, in order
	order   []string
}

// buffer queues a row for a multi-row insert at commit. prefix is the
// statement up to VALUES; suffix (optional) follows the values list, such
// as an ON CONFLICT clause.
func (tx *Tx) buffer(prefix string, row []any) { tx.bufferSuffix(prefix, "", row) }

func (tx *Tx) bufferSuffix(prefix, suffix string, row []any) {
	key := prefix + "\x00" + suffix
	if tx.pending == nil {
		tx.pending = map[string][][]any{}
	}
	if _, ok := tx.pending[key]; !ok {
		tx.order = append(tx.order, key)
	}
	tx.pending[key] = append(tx.pending[key], row)
}

// Flush writes the buffered rows now, so that reads later in the
// transaction see them.
func (tx *Tx) Flush(ctx context.Context) error { return tx.flush(ctx) }

// flush writes the buffered rows, in the order their statements were first
// used, and the audit chain head.
func (tx *Tx) flush(ctx context.Context) error {
	for _, key := range tx.order {
		prefix, suffix, _ := strings.Cut(key, "\x00")
		if err := tx.insertMany(ctx, prefix, suffix, tx.pending[key]); err != nil {
			return fmt.Errorf("write buffered rows: %w", err)
		}
	}
	tx.pending, tx.order = nil, nil
	if tx.audit.locked {
		if _, err := tx.exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, tx.audit.seq, tx.audit.hash); err != nil {
			return fmt.Errorf("update audit head: %w", err)
		}
		tx.audit = auditHead{}
	}
	return nil
}

// insertMany runs prefix VALUES (…), (…) suffix over rows, in chunks that
// keep the parameters well under both engines' limits; full chunks reuse
// one prepared statement.
func (tx *Tx) insertMany(ctx context.Context, prefix, suffix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.d.copyFrom != nil && suffix == "" && len(rows) >= copyThreshold {
		return tx.d.copyFrom(ctx, tx.conn, prefix, rows)
	}
	width := len(rows[0])
	per := max(1, 900/width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, len(chunk)*width)
		for i, row := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+j+1))
			}
			b.WriteByte(')')
			args = append(args, row...)
		}
		b.WriteString(suffix)
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// AfterCommit registers f to run once the transaction has committed (for
// example to wake the outbox dispatcher).
func (tx *Tx) AfterCommit(f func()) { tx.afterCommit = append(tx.afterCommit, f) }

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Querier holds the read methods, usable on the pool or inside a Tx.
type Querier struct {
	q queryer
	d dialect
	// Inside a transaction, statements run more than once are prepared
	// once and reused (a 10,000-item notice repeats the same inserts).
	stmts map[string]*sql.Stmt
	uses  map[string]int
	prep  func(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmt returns the prepared statement for query in a transaction, or nil.
func (q *Querier) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	if st, ok := q.stmts[query]; ok {
		return st
	}
	// Prepare on the second use: a statement run once is cheaper unprepared.
	if q.uses[query]++; q.uses[query] < 2 {
		return nil
	}
	st, err := q.prep(ctx, query)
	if err != nil {
		return nil // run it unprepared; its error will surface there
	}
	q.stmts[query] = st
	return st
}

func (q *Querier) closeStmts() {
	for _, st := range q.stmts {
		st.Close()
	}
}

func (q *Querier) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, q.d.mapErr(err)
	}
	res, err := q.q.ExecContext(ctx, query, args...)
	return res, q.d.mapErr(err)
}

// queryRow runs a single-row query, prepared inside a transaction.
func (q *Querier) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.q.QueryRowContext(ctx, query, args...)
}

// execOne runs an UPDATE or DELETE that must touch exactly one row.
func (q *Querier) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: %w", what, fault.ErrNotFound)
	}
	return nil
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, fault.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// micros converts an instant for storage; the zero time is stored as 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func nullMicros(t time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: !t.IsZero()}
}

// Page is a cursor-paginated request: Limit rows after the cursor (an id).
type Page struct {
	After string
	Limit int
}

// limit clamps the page size and asks for one extra row to detect more.
func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return 51
	case p.Limit > 500:
		return 501
	}
	return p.Limit + 1
}

// trim cuts the extra row and returns the next cursor ("" at the end).
func trim[T any](rows []T, p Page, id func(T) string) ([]T, string) {
	n := p.limit() - 1
	if len(rows) > n {
		rows = rows[:n]
		return rows, id(rows[n-1])
	}
	return rows, ""
}
