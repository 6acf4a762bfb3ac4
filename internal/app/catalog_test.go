package app_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var (
	bg = context.Background()
	t0 = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

	integration  = auth.Principal{KeyID: "key_market", OrgID: "org_platform", OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: auth.RoleIntegration}
	investigator = auth.Principal{UserID: "usr_inv", OrgID: "org_platform", OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: auth.RoleInvestigator}
	rightsHolder = auth.Principal{UserID: "usr_rh", OrgID: "org_brand", OrgKind: registry.KindRightsHolder, OrgState: registry.OrgVerified, Role: auth.RoleOwner}
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// env is an App over a fresh database, with raw read access to the same
// database for checks the store does not offer (counting rows, grepping).
type env struct {
	app   *app.App
	db    *store.DB
	raw   *sql.DB
	clock *clock
	dir   string
	dsn   string
}

func newEnv(t testing.TB, e storetest.Engine) *env {
	t.Helper()
	dir, dsn := t.TempDir(), ""
	if e.URL != "" {
		dsn = storetest.NewSchema(t, e.URL)
	}
	db, err := store.Open(bg, dsn, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(bg); err != nil {
		t.Fatal(err)
	}
	raw := openRaw(t, dir, dsn)
	c := &clock{now: t0}
	return &env{app: app.New(db, nil, app.Options{Now: c.Now}), db: db, raw: raw, clock: c, dir: dir, dsn: dsn}
}

func openRaw(t testing.TB, dir, dsn string) *sql.DB {
	t.Helper()
	driver, src := "sqlite", "file:"+filepath.Join(dir, "dajia.db")+"?_pragma=busy_timeout(10000)"
	if dsn != "" {
		driver, src = "pgx", dsn
	}
	raw, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func (e *env) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func each(t *testing.T, f func(t *testing.T, e *env)) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) { f(t, newEnv(t, eng)) })
	}
}

func listingJSON(id, seller, title string, updated time.Time, extra string) string {
	return fmt.Sprintf(`{"id":%q,"seller_id":%q,"title":%q,"description":"全新正品","price":{"amount":"199.00","currency":"CNY"},`+
		`"brand":"Nike","category":"shoes","images":[{"url":"https://img.example.com/%s.jpg"}],"url":"https://shop.example.com/%s",`+
		`"ship_from":{"country":"CN","region":"440300","city":"深圳"},"updated_at":%q%s}`,
		id, seller, title, id, id, updated.Format(time.RFC3339Nano), extra)
}

func mustParse(t testing.TB, s string) catalog.Listing {
	t.Helper()
	l, err := catalog.ParseListing([]byte(s), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestListingVersioning(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		put := func(title string, at time.Time, extra string) app.ListingResult {
			t.Helper()
			r, err := e.app.PutListing(bg, integration, "L1", mustParse(t, listingJSON("L1", "S1", title, at, extra)))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		steps := []struct {
			name  string
			title string
			at    time.Time
			extra string
			want  app.ListingResult
		}{
			{"new", "Air Max 90", t0, `,"stock":3,"flags":{"b":true,"a":1.10}`, app.ListingResult{ID: "L1", Outcome: catalog.Accepted, Version: 1}},
			{"identical re-send", "Air Max 90", t0, `,"flags":{"a":1.10,"b":true},"stock":3`, app.ListingResult{ID: "L1", Outcome: catalog.Unchanged, Version: 1}},
			{"identical, newer timestamp", "Air Max 90", t0.Add(time.Minute), `,"stock":3,"flags":{"b":true,"a":1.10}`, app.ListingResult{ID: "L1", Outcome: catalog.Unchanged, Version: 1}},
			{"changed", "Air Max 90 高仿", t0.Add(time.Hour), `,"stock":3,"flags":{"b":true,"a":1.10}`, app.ListingResult{ID: "L1", Outcome: catalog.Accepted, Version: 2}},
			{"older, out of order", "Air Max 90 (old)", t0.Add(30 * time.Minute), "", app.ListingResult{ID: "L1", Outcome: catalog.Stale, Version: 2}},
			{"attribute changed", "Air Max 90 高仿", t0.Add(2 * time.Hour), `,"stock":0`, app.ListingResult{ID: "L1", Outcome: catalog.Accepted, Version: 3}},
		}
		for _, s := range steps {
			e.clock.Set(s.at.Add(time.Second))
			if diff := cmp.Diff(s.want, put(s.title, s.at, s.extra)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", s.name, diff)
			}
		}

		cur, err := e.app.Listing(bg, investigator, "L1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Version != 3 || cur.CurrentVersion != 3 || cur.Listing.Title != "Air Max 90 高仿" || cur.Price != "CNY 199.00" ||
			cur.Listing.Attributes["stock"] != json.Number("0") || cmp.Diff([]string{"CN"}, cur.Markets) != "" {
			t.Errorf("current: got %+v", cur)
		}
		v1, err := e.app.Listing(bg, investigator, "L1", 1)
		if err != nil {
			t.Fatal(err)
		}
		if v1.Version != 1 || v1.CurrentVersion != 3 || v1.Listing.Title != "Air Max 90" || !v1.ReceivedAt.Equal(t0.Add(time.Second)) {
			t.Errorf("version 1: got %+v", v1)
		}
		// Unknown fields are kept, nested ones too, as sent.
		if doc := string(v1.Listing.Doc()); !strings.Contains(doc, `"flags":{"a":1.10,"b":true}`) || !strings.Contains(doc, `"stock":3`) {
			t.Errorf("version 1 lost its attributes: %s", doc)
		}
		if _, err := e.app.Listing(bg, investigator, "L1", 4); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("version 4: got %v, want not found", err)
		}
		versions, next, err := e.app.ListingVersions(bg, investigator, "L1", 0, 10)
		if err != nil || len(versions) != 3 || next != 0 || versions[0].Version != 1 || versions[2].ContentHash != cur.ContentHash {
			t.Fatalf("versions: got %+v %d %v", versions, next, err)
		}

		// One audit entry and one listing.changed message per version, none
		// for the unchanged and stale sends.
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'listing' AND object_id = 'L1'`); n != 3 {
			t.Errorf("audit entries: got %d, want 3", n)
		}
		msgs, _, err := e.db.Outbox(bg, app.TopicListingChanged, false, store.Page{})
		if err != nil || len(msgs) != 3 {
			t.Fatalf("outbox: got %d messages %v, want 3", len(msgs), err)
		}
		var ev struct {
			ObjectID string            `json:"object_id"`
			AuditSeq int64             `json:"audit_seq"`
			Object   app.ListingChange `json:"object"`
		}
		if err := json.Unmarshal(msgs[1].Payload, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ObjectID != "L1" || ev.Object.Version != 2 || ev.Object.PreviousVersion != 1 || ev.Object.Listing.Title != "Air Max 90 高仿" ||
			ev.AuditSeq == 0 || ev.Object.ContentHash != versions[1].ContentHash {
			t.Errorf("listing.changed message: got %+v", ev)
		}
		if n, err := e.db.VerifyAudit(bg); err != nil || n == 0 {
			t.Errorf("audit chain: %d entries, %v", n, err)
		}

		// The path and the body must name the same listing.
		_, err = e.app.PutListing(bg, integration, "L2", mustParse(t, listingJSON("L1", "S1", "x", t0, "")))
		var inv *fault.Invalid
		if !errors.As(err, &inv) || inv.Fields[0].Field != "id" {
			t.Errorf("mismatched id: got %v", err)
		}
	})
}

func TestCatalogAuthorization(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if _, err := e.app.PutSeller(bg, integration, "S1", catalog.SellerInput{Name: "Shop One", Country: "CN"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.PutSeller(bg, integration, "S2", catalog.SellerInput{Name: "Shop Two", Country: "CN"}); err != nil {
			t.Fatal(err)
		}
		s1, _ := e.db.Seller(bg, "S1")
		s2, _ := e.db.Seller(bg, "S2")
		if _, err := e.app.PutListing(bg, integration, "L1", mustParse(t, listingJSON("L1", "S1", "t", t0, ""))); err != nil {
			t.Fatal(err)
		}
		seller1 := auth.Principal{UserID: "usr_s1", OrgID: s1.OrgID, OrgKind: registry.KindSeller, OrgState: registry.OrgVerified, Role: auth.RoleMember}
		seller2 := auth.Principal{UserID: "usr_s2", OrgID: s2.OrgID, OrgKind: registry.KindSeller, OrgState: registry.OrgVerified, Role: auth.RoleOwner}
		admin := auth.Principal{UserID: "usr_admin", OrgID: "org_platform", OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: auth.RoleAdmin}
		volunteer := investigator
		volunteer.Role = auth.RoleVolunteer
		suspended := integration
		suspended.OrgState = registry.OrgSuspended
		l := mustParse(t, listingJSON("L1", "S1", "t2", t0.Add(time.Minute), ""))

		for _, tc := range []struct {
			name  string
			p     auth.Principal
			write error // PutListing, PutListingsBatch and PutSeller
			read  error // Listing, ListingVersions and Seller of S1
		}{
			{"integration", integration, nil, nil},
			{"admin", admin, nil, nil},
			{"investigator", investigator, fault.ErrForbidden, nil},
			{"volunteer", volunteer, fault.ErrForbidden, fault.ErrNotFound},
			{"suspended integration", suspended, fault.ErrForbidden, nil},
			{"the seller", seller1, fault.ErrForbidden, nil},
			{"another seller", seller2, fault.ErrForbidden, fault.ErrNotFound},
			{"rights holder", rightsHolder, fault.ErrForbidden, fault.ErrNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				check := func(what string, got, want error) {
					t.Helper()
					if want == nil && got != nil || want != nil && !errors.Is(got, want) {
						t.Errorf("%s: got %v, want %v", what, got, want)
					}
				}
				_, err := e.app.PutListing(bg, tc.p, "L1", l)
				check("PutListing", err, tc.write)
				_, err = e.app.PutListingsBatch(bg, tc.p, strings.NewReader(listingJSON("L9", "S1", "t", t0, "")), app.BatchOptions{})
				check("PutListingsBatch", err, tc.write)
				_, err = e.app.PutSeller(bg, tc.p, "S1", catalog.SellerInput{Name: "Shop One", Country: "CN"})
				check("PutSeller", err, tc.write)
				_, err = e.app.Listing(bg, tc.p, "L1", 0)
				check("Listing", err, tc.read)
				_, err = e.app.Listing(bg, tc.p, "L1", 7)
				check("Listing version 7", err, fault.ErrNotFound)
				_, _, err = e.app.ListingVersions(bg, tc.p, "L1", 0, 10)
				check("ListingVersions", err, tc.read)
				_, err = e.app.Seller(bg, tc.p, "S1")
				check("Seller", err, tc.read)
			})
		}
	})
}

func TestPutSeller(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		raw := catalog.Identifiers{Phone: "+86 139 1234 5678", IDNumber: "44030119900307881x", BankAccount: "6222 0210 0112 3456 789",
			Address: "广东省深圳市南山区   粤海街道 科技园 88号", Device: "IMEI-867530912345678"}
		in := catalog.SellerInput{Name: "深圳市某某贸易有限公司", Country: "CN", Region: "440305",
			RegisteredAt: time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC), Identifiers: raw}
		res, err := e.app.PutSeller(bg, integration, "S1", in)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.Outcome != catalog.Accepted || res.Seller.OrgID == "" || len(res.Seller.IdentifierHashes) != 5 {
			t.Fatalf("first sight: got %+v", res)
		}
		o, err := e.db.Org(bg, res.Seller.OrgID)
		if err != nil || o.Kind != registry.KindSeller || o.State != registry.OrgVerified || o.LegalName != in.Name {
			t.Fatalf("seller organisation: got %+v %v", o, err)
		}
		// An identical re-send changes nothing.
		again, err := e.app.PutSeller(bg, integration, "S1", in)
		if err != nil || again.Created || again.Outcome != catalog.Unchanged || again.Seller.OrgID != o.ID {
			t.Fatalf("re-send: got %+v %v", again, err)
		}
		// A rename updates the seller and its organisation; a new phone
		// retires the old hash.
		e.clock.Set(t0.Add(time.Hour))
		in.Name, in.Identifiers.Phone = "深圳市新名字贸易有限公司", "13800138000"
		upd, err := e.app.PutSeller(bg, integration, "S1", in)
		if err != nil || upd.Outcome != catalog.Accepted || upd.Created {
			t.Fatalf("update: got %+v %v", upd, err)
		}
		if o, _ := e.db.Org(bg, upd.Seller.OrgID); o.LegalName != in.Name {
			t.Errorf("organisation name: got %q, want %q", o.LegalName, in.Name)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM seller_identifiers WHERE seller_id = 'S1' AND retired_at IS NOT NULL`); n != 1 {
			t.Errorf("retired identifiers: got %d, want 1", n)
		}
		// Another seller with the same bank account written differently is
		// linked to S1 through the hash.
		if _, err := e.app.PutSeller(bg, integration, "S2", catalog.SellerInput{Name: "另一家店", Country: "CN",
			Identifiers: catalog.Identifiers{BankAccount: "6222-0210-0112-3456-789"}}); err != nil {
			t.Fatal(err)
		}
		linked, err := e.db.SellersByIdentifier(bg, catalog.BankAccount, upd.Seller.IdentifierHashes[catalog.BankAccount])
		if err != nil || len(linked) != 2 {
			t.Errorf("sellers sharing the bank account: got %+v %v", linked, err)
		}

		// No raw identifier is anywhere in the database: not in the seller
		// rows, the audit log, the outbox, nor any other table.
		needles := []string{"13912345678", "139 1234 5678", "44030119900307881", "6222021001123456789", "6222 0210", "6222-0210",
			"粤海街道", "科技园", "867530912345678", "13800138000"}
		for _, table := range e.tables(t) {
			rows, err := e.raw.Query(`SELECT * FROM ` + table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					for _, n := range needles {
						if strings.Contains(string(v), n) {
							t.Errorf("table %s column %s holds the raw identifier %q", table, cols[i], n)
						}
					}
				}
			}
			rows.Close()
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'seller'`); n != 3 {
			t.Errorf("seller audit entries: got %d, want 3 (create, update, create)", n)
		}

		// Invalid input names the fields.
		_, err = e.app.PutSeller(bg, integration, "S3", catalog.SellerInput{ID: "S4", Country: "ZZ"})
		var inv *fault.Invalid
		if !errors.As(err, &inv) || len(inv.Fields) != 1 || inv.Fields[0].Field != "id" {
			t.Errorf("mismatched id: got %v", err)
		}
		_, err = e.app.PutSeller(bg, integration, "S3", catalog.SellerInput{Country: "ZZ"})
		if !errors.As(err, &inv) || len(inv.Fields) != 2 {
			t.Errorf("invalid seller: got %v", err)
		}
	})
}

func (e *env) tables(t *testing.T) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if e.dsn != "" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := e.raw.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	if len(out) < 10 {
		t.Fatalf("found only tables %v", out)
	}
	return out
}

func TestBatchReport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if _, err := e.app.PutListing(bg, integration, "L5", mustParse(t, listingJSON("L5", "S1", "five", t0.Add(time.Hour), ""))); err != nil {
			t.Fatal(err)
		}
		long := listingJSON("L7", "S1", strings.Repeat("x", 3000), t0, "")
		lines := []string{
			listingJSON("L1", "S1", "one", t0, `,"colour":"red"`), // 1
			`{"id":"L2","title":`, // 2: not JSON
			"",                    // 3: blank, skipped
			listingJSON("L3", "S1", "three", t0, "") + "\r",                                 // 4: CRLF
			strings.Replace(listingJSON("L4", "S1", "four", t0, ""), `"199.00"`, `"-5"`, 1), // 5: negative price
			listingJSON("L5", "S1", "five (older)", t0, ""),                                 // 6: stale
			listingJSON("L1", "S1", "one, again", t0.Add(time.Minute), ""),                  // 7: second version of L1 in the same batch
			long, // 8: longer than the line limit
			listingJSON("L5", "S1", "five", t0.Add(time.Hour), ""),                                                     // 9: unchanged
			`{"id":"L6","seller_id":"S1","price":{"amount":"1","currency":"usd"},"updated_at":"2026-11-26T08:00:00Z"}`, // 10: no title
		}
		body := strings.Join(lines, "\n") // no final line end
		var committed []app.ListingResult
		rep, err := e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{ChunkSize: 2, MaxLineBytes: 2000,
			Committed: func(rs []app.ListingResult) { committed = append(committed, rs...) }})
		if err != nil {
			t.Fatal(err)
		}
		want := app.BatchReport{Lines: 9, Accepted: 3, Unchanged: 1, Stale: 1, Invalid: 4, Problems: []app.ListingResult{
			{Line: 2, Outcome: catalog.Invalid, Errors: []fault.Field{{Field: "(json)", Detail: "not valid JSON: unexpected EOF"}}},
			{Line: 5, ID: "L4", Outcome: catalog.Invalid, Errors: []fault.Field{{Field: "price.amount", Detail: "must not be negative"}}},
			{Line: 6, ID: "L5", Outcome: catalog.Stale, Version: 1},
			{Line: 8, Outcome: catalog.Invalid, Errors: []fault.Field{{Field: "(line)", Detail: "is longer than 2000 bytes"}}},
			{Line: 10, ID: "L6", Outcome: catalog.Invalid, Errors: []fault.Field{{Field: "title", Detail: "is required"}}},
		}}
		if diff := cmp.Diff(want, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		if len(committed) != 5 {
			t.Errorf("committed results: got %+v, want the 5 valid lines", committed)
		}
		l1, err := e.app.Listing(bg, investigator, "L1", 0)
		if err != nil || l1.Version != 2 || l1.Listing.Title != "one, again" {
			t.Errorf("L1: got version %d %q %v", l1.Version, l1.Listing.Title, err)
		}
		if v, _ := e.app.Listing(bg, investigator, "L1", 1); v.Listing.Attributes["colour"] != "red" {
			t.Errorf("L1 version 1 lost its attribute: %s", v.Listing.Doc())
		}
		if _, err := e.app.Listing(bg, investigator, "L4", 0); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("invalid L4 was stored: %v", err)
		}

		// on_error=stop: lines before the first invalid one are committed,
		// nothing after it is read.
		body = strings.Join([]string{listingJSON("M1", "S1", "m1", t0, ""), `[]`, listingJSON("M3", "S1", "m3", t0, "")}, "\n")
		rep, err = e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{StopOnError: true})
		if err != nil || rep.Accepted != 1 || rep.Invalid != 1 || rep.StoppedAtLine != 2 || rep.Lines != 2 {
			t.Errorf("stop: got %+v %v", rep, err)
		}
		if _, err := e.app.Listing(bg, investigator, "M3", 0); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("M3 after the stop was stored: %v", err)
		}
	})
}

func TestBatchOfTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 listings")
	}
	each(t, func(t *testing.T, e *env) {
		const n = 10_000
		body := ndjson(0, n, "v1", t0)
		rep, err := e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{})
		if err != nil || rep.Lines != n || rep.Accepted != n || len(rep.Problems) != 0 {
			t.Fatalf("first load: got %+v %v", rep, err)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM listings`:                                               n,
			`SELECT COUNT(*) FROM listing_versions`:                                       n,
			`SELECT COUNT(*) FROM audit_log WHERE action = 'listing.changed'`:             n,
			`SELECT COUNT(*) FROM outbox WHERE topic = 'listing.changed'`:                 n,
			`SELECT COUNT(*) FROM listings WHERE markets = ',CN,' AND price_e4 = 1990000`: n,
		} {
			if got := e.count(t, q); got != want {
				t.Errorf("%s: got %d, want %d", q, got, want)
			}
		}
		// The same batch again is a no-op.
		rep, err = e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{})
		if err != nil || rep.Unchanged != n || rep.Accepted != 0 {
			t.Fatalf("re-send: got %+v %v", rep, err)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM listing_versions`); got != n {
			t.Errorf("versions after the re-send: got %d, want %d", got, n)
		}
		if _, err := e.db.VerifyAudit(bg); err != nil {
			t.Error(err)
		}
	})
}

func ndjson(from, to int, title string, at time.Time) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(listingJSON(fmt.Sprintf("L%06d", i), fmt.Sprintf("S%03d", i%500), title+" listing "+strconv.Itoa(i), at, `,"stock":`+strconv.Itoa(i)))
		b.WriteByte('\n')
	}
	return b.String()
}

// failingReader returns an error once n bytes were read, like a client
// whose connection drops.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	k, err := f.r.Read(p)
	f.n -= k
	return k, err
}

func TestBatchInterrupted(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		body := ndjson(0, 2000, "v1", t0)
		var reported []app.ListingResult
		rep, err := e.app.PutListingsBatch(bg, integration, &failingReader{r: strings.NewReader(body), n: len(body) / 2},
			app.BatchOptions{ChunkSize: 300, Committed: func(rs []app.ListingResult) { reported = append(reported, rs...) }})
		if err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("got %v, want the read error", err)
		}
		// Every line reported is stored, and nothing else is.
		if rep.Accepted != len(reported) || len(reported) == 0 || rep.StoppedAtLine == 0 {
			t.Fatalf("report %+v, %d reported by Committed", rep, len(reported))
		}
		for _, r := range reported {
			if n := e.count(t, `SELECT COUNT(*) FROM listing_versions WHERE listing_id = $1 AND version = 1`, r.ID); n != 1 {
				t.Errorf("line %d (%s) reported accepted but not stored", r.Line, r.ID)
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM listings`); n != len(reported) {
			t.Errorf("stored %d listings, reported %d", n, len(reported))
		}
	})
}

// TestBatchKilled runs a batch in a child process, kills it (SIGKILL) after
// a few transactions committed, and checks that every line the child
// reported as committed is in the database with its audit entry and
// message, and that the audit chain is intact.
func TestBatchKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng) // creates and migrates the database the child uses
			cmd := exec.Command(os.Args[0], "-test.run=^TestBatchKilledChild$", "-test.v")
			cmd.Env = append(os.Environ(), "DAJIA_CATALOG_CHILD_DIR="+e.dir, "DAJIA_CATALOG_CHILD_DSN="+e.dsn)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var reported []string
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				ids, ok := strings.CutPrefix(sc.Text(), "committed ")
				if !ok {
					continue
				}
				reported = append(reported, strings.Fields(ids)...)
				if len(reported) >= 1000 {
					cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
			go io.Copy(io.Discard, out)
			err = cmd.Wait()
			if len(reported) < 1000 {
				t.Fatalf("child reported %d lines before ending (%v)", len(reported), err)
			}
			for _, id := range reported {
				if n := e.count(t, `SELECT COUNT(*) FROM listing_versions WHERE listing_id = $1`, id); n != 1 {
					t.Errorf("%s reported committed but not stored", id)
				}
			}
			versions := e.count(t, `SELECT COUNT(*) FROM listing_versions`)
			for q, want := range map[string]int{
				`SELECT COUNT(*) FROM listings`:                                   versions,
				`SELECT COUNT(*) FROM audit_log WHERE action = 'listing.changed'`: versions,
				`SELECT COUNT(*) FROM outbox WHERE topic = 'listing.changed'`:     versions,
			} {
				if got := e.count(t, q); got != want {
					t.Errorf("%s: got %d, want %d (one per stored version)", q, got, want)
				}
			}
			if _, err := e.db.VerifyAudit(bg); err != nil {
				t.Errorf("audit chain after the kill: %v", err)
			}
			t.Logf("killed after %d reported lines; %d stored", len(reported), versions)
		})
	}
}

// TestBatchKilledChild is the child of TestBatchKilled: it sends an endless
// batch and prints the ids of each committed transaction.
func TestBatchKilledChild(t *testing.T) {
	dir := os.Getenv("DAJIA_CATALOG_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestBatchKilled")
	}
	db, err := store.Open(bg, os.Getenv("DAJIA_CATALOG_CHILD_DSN"), dir)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(db, nil, app.Options{Now: func() time.Time { return t0 }})
	pr, pw := io.Pipe()
	go func() {
		for i := 0; ; i += 100 {
			if _, err := io.WriteString(pw, ndjson(i, i+100, "v1", t0)); err != nil {
				return
			}
		}
	}()
	_, err = a.PutListingsBatch(bg, integration, pr, app.BatchOptions{ChunkSize: 100, Committed: func(rs []app.ListingResult) {
		ids := make([]string, len(rs))
		for i, r := range rs {
			ids[i] = r.ID
		}
		fmt.Fprintln(os.Stdout, "committed "+strings.Join(ids, " "))
	}})
	t.Fatalf("the batch ended: %v", err)
}

// BenchmarkPutListingsBatch measures listings per second through the app
// layer (parse, decide, version, audit entry and outbox message per
// listing) for new listings in one NDJSON batch:
//
//	go test ./internal/app -run XXX -bench PutListingsBatch -benchtime 20000x
func BenchmarkPutListingsBatch(b *testing.B) {
	for _, eng := range storetest.Engines() {
		for _, resend := range []bool{false, true} {
			name := eng.Name + "/new"
			if resend {
				name = eng.Name + "/unchanged"
			}
			b.Run(name, func(b *testing.B) {
				e := newEnv(b, eng)
				body := ndjson(0, b.N, "v1", t0)
				if resend {
					if _, err := e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				rep, err := e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{})
				if err != nil || rep.Lines != b.N {
					b.Fatalf("%+v %v", rep, err)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "listings/s")
				b.SetBytes(int64(len(body) / b.N))
			})
		}
	}
}

// TestConcurrentBatches sends overlapping batches at once (PostgreSQL runs
// them truly concurrently): no error, no deadlock, exactly one version per
// listing, and every listing accepted by exactly one batch.
func TestConcurrentBatches(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const n = 1000
		body := ndjson(0, n, "v1", t0)
		reports := make([]app.BatchReport, 4)
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range reports {
			wg.Go(func() {
				reports[i], errs[i] = e.app.PutListingsBatch(bg, integration, strings.NewReader(body), app.BatchOptions{ChunkSize: 100})
			})
		}
		wg.Wait()
		accepted := 0
		for i, rep := range reports {
			if errs[i] != nil || rep.Accepted+rep.Unchanged != n {
				t.Errorf("batch %d: got %+v %v", i, rep, errs[i])
			}
			accepted += rep.Accepted
		}
		if accepted != n || e.count(t, `SELECT COUNT(*) FROM listing_versions`) != n {
			t.Errorf("accepted %d in all, %d versions stored; want %d", accepted, e.count(t, `SELECT COUNT(*) FROM listing_versions`), n)
		}
	})
}
