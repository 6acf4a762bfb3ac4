package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

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
}

var (
	sqlite   = dialect{name: "sqlite", driver: "sqlite"}
	postgres = dialect{name: "postgres", driver: "pgx", forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED",
		migrationLock: "SELECT pg_advisory_xact_lock(7355608)"}
)

// sqliteDSN opens the file in WAL mode with a busy timeout, foreign keys on,
// full fsync on commit (an accepted write survives a crash), and write
// transactions that take the write lock at BEGIN (no upgrade deadlocks).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)&_txlock=immediate"
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
