package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dajia-project/dajia/internal/fault"
)

// dialect is everything that differs between SQLite and PostgreSQL. The SQL
// elsewhere is portable: $n placeholders (SQLite accepts them), ON CONFLICT,
// RETURNING, partial indexes.
type dialect struct {
	name   string
	driver string
	// forUpdate is appended to a SELECT that must lock its rows.
	forUpdate string
	// skipLocked is appended to a locking SELECT that other nodes may skip.
	skipLocked string
	// migrationLock serialises migrations across nodes.
	migrationLock string
	// copyFrom bulk-loads rows inside the connection's open transaction
	// (PostgreSQL COPY); nil where multi-row INSERTs are used.
	copyFrom func(ctx context.Context, conn *sql.Conn, insertPrefix string, rows [][]any) error
}

// copyThreshold is the number of buffered rows from which COPY beats a
// multi-row INSERT.
const copyThreshold = 64

var (
	sqlite   = dialect{name: "sqlite", driver: "sqlite"}
	postgres = dialect{name: "postgres", driver: "pgx", forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED",
		migrationLock: "SELECT pg_advisory_xact_lock(7355608)", copyFrom: pgCopy}
)

// sqliteDSN opens the file in WAL mode with a busy timeout, foreign keys on,
// full fsync on commit (an accepted write survives a crash), and write
// transactions that take the write lock at BEGIN (no upgrade deadlocks).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)&_pragma=cache_size(-65536)&_txlock=immediate"
}

func (d dialect) configure(pool *sql.DB) {
	if d.name == "sqlite" {
		// One writer at a time is SQLite's model; a few connections let
		// readers proceed in WAL mode while a write transaction is open.
		pool.SetMaxOpenConns(8)
		pool.SetMaxIdleConns(8)
		return
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(16)
}

// mapErr turns a unique-constraint violation into fault.ErrConflict.
func (d dialect) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return errors.Join(fault.ErrConflict, err)
	}
	if strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return errors.Join(fault.ErrConflict, err)
	}
	return err
}

// retryable reports a transient PostgreSQL failure (serialization, deadlock).
func (d dialect) retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// positional rewrites a query's $1, $2, … placeholders to SQLite's plain
// "?" when they appear once each in ascending order (then the driver binds
// by position instead of looking each parameter up by name, which is most of
// the cost of binding a wide insert); other queries are left as they are.
func positional(query string) string {
	if v, ok := rewritten.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	next, ok := 1, true
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' { // skip string literals
			j := strings.IndexByte(query[i+1:], '\'')
			if j < 0 {
				ok = false
				break
			}
			b.WriteString(query[i : i+j+2])
			i += j + 1
			continue
		}
		if c != '$' || i+1 >= len(query) || query[i+1] < '0' || query[i+1] > '9' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		n := 0
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			n = n*10 + int(query[j]-'0')
			j++
		}
		if n != next {
			ok = false
			break
		}
		next++
		b.WriteByte('?')
		i = j - 1
	}
	out := query
	if ok {
		out = b.String()
	}
	rewritten.Store(query, out)
	return out
}

var rewritten sync.Map // query → rewritten query

// sqliteQueryer rewrites placeholders before handing queries to SQLite.
type sqliteQueryer struct{ q queryer }

func (s sqliteQueryer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.q.ExecContext(ctx, positional(query), args...)
}

func (s sqliteQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.q.QueryContext(ctx, positional(query), args...)
}

func (s sqliteQueryer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return s.q.QueryRowContext(ctx, positional(query), args...)
}

// wrap adapts a connection or transaction to the dialect.
func (d dialect) wrap(q queryer) queryer {
	if d.name == "sqlite" {
		return sqliteQueryer{q}
	}
	return q
}

// prepare adapts a PrepareContext to the dialect.
func (d dialect) prepare(f func(context.Context, string) (*sql.Stmt, error)) func(context.Context, string) (*sql.Stmt, error) {
	if d.name != "sqlite" {
		return f
	}
	return func(ctx context.Context, query string) (*sql.Stmt, error) { return f(ctx, positional(query)) }
}

// pgCopy writes rows with COPY on the transaction's connection. The table
// and columns come from the buffered INSERT's prefix
// ("INSERT INTO t (a, b) VALUES ").
func pgCopy(ctx context.Context, conn *sql.Conn, prefix string, rows [][]any) error {
	rest, ok := strings.CutPrefix(strings.TrimSpace(prefix), "INSERT INTO ")
	open, close := strings.IndexByte(rest, '('), strings.IndexByte(rest, ')')
	if !ok || open < 0 || close < open {
		return fmt.Errorf("copy: cannot read the table from %q", prefix)
	}
	table := strings.TrimSpace(rest[:open])
	var cols []string
	for _, c := range strings.Split(rest[open+1:close], ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy: driver connection is %T, not pgx", dc)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		if int(n) != len(rows) {
			return fmt.Errorf("copy into %s: wrote %d of %d rows", table, n, len(rows))
		}
		return nil
	})
}
