// Package storetest opens real databases for tests: a fresh SQLite file
// always, and a fresh PostgreSQL schema whenever DAJIA_TEST_POSTGRES_URL is
// set, so that every suite runs against both engines without runs colliding.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/dajia-project/dajia/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "DAJIA_TEST_POSTGRES_URL"

// Engine is an engine under test.
type Engine struct {
	Name string
	// URL is the PostgreSQL URL (with its private search_path), empty for SQLite.
	URL string
}

// Engines lists the engines to test on.
func Engines() []Engine {
	e := []Engine{{Name: "sqlite"}}
	if u := os.Getenv(EnvPostgres); u != "" {
		e = append(e, Engine{Name: "postgres", URL: u})
	}
	return e
}

// Open opens a migrated, empty database on the engine; it is removed when
// the test ends. For PostgreSQL it creates a private schema and returns its
// URL in the second result (empty for SQLite) so a server under test can
// open the same database.
func Open(t testing.TB, e Engine) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	dsn := ""
	if e.URL != "" {
		dsn = NewSchema(t, e.URL)
	}
	db, err := store.Open(ctx, dsn, t.TempDir())
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", e.Name, err)
	}
	return db, dsn
}

// NewSchema creates a uniquely named schema in the PostgreSQL database at
// base and returns a URL whose search_path points at it; the schema is
// dropped when the test ends.
func NewSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "dajia_test_" + hex.EncodeToString(b)
	admin, err := store.Open(context.Background(), base, "")
	if err != nil {
		t.Fatalf("connect to PostgreSQL at %s: %v", base, err)
	}
	if err := admin.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs f as a subtest on every engine, with a fresh database.
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, _ := Open(t, e)
			f(t, db)
		})
	}
}
