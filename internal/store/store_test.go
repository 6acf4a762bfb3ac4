package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
)

func org(t *testing.T, db *store.DB, id string, kind registry.OrgKind) registry.Organisation {
	t.Helper()
	o := registry.Organisation{ID: id, Kind: kind, LegalName: "Org " + id, Country: "CN", State: registry.OrgVerified,
		Documents: []registry.DocRef{}, CreatedAt: t0, UpdatedAt: t0}
	if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertOrg(ctx, o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate: got %v %v, want nothing applied", applied, err)
		}
		v, err := db.Versions(ctx)
		if err != nil || len(v) == 0 || v[0] != 1 {
			t.Fatalf("got versions %v %v", v, err)
		}
	})
}

func TestOrgRoundTripAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i := 0; i < 7; i++ {
			org(t, db, fmt.Sprintf("org_%02d", i), registry.KindRightsHolder)
		}
		org(t, db, "org_s", registry.KindSeller)
		got, err := db.Org(ctx, "org_03")
		if err != nil || got.LegalName != "Org org_03" || !got.CreatedAt.Equal(t0) {
			t.Fatalf("got %+v %v", got, err)
		}
		if _, err := db.Org(ctx, "org_missing"); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("missing org: got %v, want ErrNotFound", err)
		}
		var ids []string
		page := store.Page{Limit: 3}
		for {
			rows, next, err := db.Orgs(ctx, store.OrgFilter{Kind: registry.KindRightsHolder}, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range rows {
				ids = append(ids, o.ID)
			}
			if next == "" {
				break
			}
			page.After = next
		}
		if len(ids) != 7 || ids[0] != "org_00" || ids[6] != "org_06" {
			t.Fatalf("paged ids: got %v, want org_00..org_06", ids)
		}
	})
}

func TestRightRegistrationUnique(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org(t, db, "org_a", registry.KindRightsHolder)
		org(t, db, "org_b", registry.KindRightsHolder)
		mk := func(id, owner, number string) registry.Right {
			return registry.Right{ID: id, OwnerOrgID: owner, Type: registry.Trademark, State: registry.RightSubmitted,
				Trademark: &registry.TrademarkDetails{Office: "CNIPA", RegistrationNumber: number, MarkText: "X", NiceClasses: []int{25},
					RegisteredOn: registry.NewDate(2020, 1, 1), ExpiresOn: registry.NewDate(2030, 1, 1)}, CreatedAt: t0, UpdatedAt: t0}
		}
		ins := func(r registry.Right) error {
			return db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertRight(ctx, r) })
		}
		if err := ins(mk("rt_1", "org_a", "12345678")); err != nil {
			t.Fatal(err)
		}
		// Same number written differently is the same registration.
		if err := ins(mk("rt_2", "org_b", "1234 5678")); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("duplicate registration: got %v, want ErrConflict", err)
		}
		// A rejected claim frees the registration.
		r1, _ := db.Right(ctx, "rt_1")
		r1, _ = r1.Review(registry.Reject, "not the owner", "usr_r", t0)
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.UpdateRight(ctx, r1) }); err != nil {
			t.Fatal(err)
		}
		if err := ins(mk("rt_2", "org_b", "12345678")); err != nil {
			t.Fatalf("after rejection: got %v, want the claim accepted", err)
		}
		rows, _, err := db.Rights(ctx, store.RightFilter{Owners: []string{"org_b"}, IDs: []string{"rt_1"}}, store.Page{})
		if err != nil || len(rows) != 2 {
			t.Fatalf("owners OR ids: got %d rows %v, want 2", len(rows), err)
		}
		rows, _, _ = db.Rights(ctx, store.RightFilter{Owners: []string{"org_b"}}, store.Page{})
		if len(rows) != 1 || rows[0].ID != "rt_2" {
			t.Fatalf("owner filter: got %v", rows)
		}
	})
}

func TestTxRollsBackEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			o := registry.Organisation{ID: "org_x", Kind: registry.KindSeller, State: registry.OrgVerified, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.InsertOrg(ctx, o); err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, audit.Entry{At: t0, ActorID: "usr", Action: "organization.create", ObjectType: "organization", ObjectID: "org_x"}); err != nil {
				return err
			}
			if _, err := tx.Enqueue(ctx, "organization.created", "org_x", []byte(`{}`), t0); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		if _, err := db.Org(ctx, "org_x"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("org survived rollback: %v", err)
		}
		if e, _, _ := db.AuditEntries(ctx, store.AuditFilter{}); len(e) != 0 {
			t.Errorf("audit entry survived rollback: %v", e)
		}
		if m, _, _ := db.Outbox(ctx, "", false, store.Page{}); len(m) != 0 {
			t.Errorf("outbox row survived rollback: %v", m)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 0 {
			t.Errorf("verify after rollback: got %d %v", n, err)
		}
	})
}

func TestAuditChainConcurrentAndTamper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const writers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- db.Tx(ctx, func(tx *store.Tx) error {
						_, err := tx.AppendAudit(ctx, audit.Entry{At: time.Now(), ActorID: fmt.Sprintf("usr_%d", w), Action: "test.write",
							ObjectType: "thing", ObjectID: fmt.Sprint(i), After: json.RawMessage(`{"n":1}`)})
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != writers*each {
			t.Fatalf("verify: got %d %v, want %d entries and no error", n, err, writers*each)
		}
		byActor, _, _ := db.AuditEntries(ctx, store.AuditFilter{ActorID: "usr_1"})
		if len(byActor) != each {
			t.Errorf("filter by actor: got %d, want %d", len(byActor), each)
		}
		if err := db.Exec(ctx, `UPDATE audit_log SET reason = 'tampered' WHERE seq = 17`); err != nil {
			t.Fatal(err)
		}
		_, err = db.VerifyAudit(ctx)
		var b *audit.Break
		if !errors.As(err, &b) || b.Seq != 17 {
			t.Fatalf("after edit: got %v, want a break at 17", err)
		}
		db.Exec(ctx, `UPDATE audit_log SET reason = '' WHERE seq = 17`)
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatalf("after restoring the row: %v", err)
		}
		db.Exec(ctx, `DELETE FROM audit_log WHERE seq = 40`)
		if _, err := db.VerifyAudit(ctx); !errors.As(err, &b) || b.Seq != 40 {
			t.Fatalf("after deleting the last entry: got %v, want a break at 40", err)
		}
	})
}

func TestSessionsAndKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		o := org(t, db, "org_p", registry.KindPlatform)
		u, err := auth.NewUser("usr_1", o, "Admin@Example.com", "", "correct horse battery", auth.RoleAdmin, auth.PasswordParams{Memory: 64, Time: 1, Threads: 1}, t0)
		if err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewToken()
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
			return tx.InsertSession(ctx, hash, u.ID, t0, t0.Add(auth.SessionTTL))
		})
		if err != nil {
			t.Fatal(err)
		}
		dup := u
		dup.ID = "usr_2"
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, dup) }); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("duplicate e-mail: got %v, want ErrConflict", err)
		}
		p, _, err := db.SessionPrincipal(ctx, auth.HashToken(token), t0.Add(time.Hour))
		if err != nil || p.UserID != "usr_1" || p.Role != auth.RoleAdmin || p.OrgKind != registry.KindPlatform {
			t.Fatalf("session: got %+v %v", p, err)
		}
		if _, _, err := db.SessionPrincipal(ctx, auth.HashToken(token), t0.Add(13*time.Hour)); !errors.Is(err, fault.ErrUnauthenticated) {
			t.Errorf("idle session: got %v, want ErrUnauthenticated", err)
		}
		if _, _, err := db.SessionPrincipal(ctx, auth.HashToken(token), t0); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("expired session must be deleted: got %v", err)
		}
		k := auth.APIKey{ID: "key_1", OrgID: "org_p", Role: auth.RoleIntegration, Name: "marketplace", CreatedBy: "usr_1", CreatedAt: t0}
		secret, secretHash := auth.NewToken()
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertAPIKey(ctx, k, secretHash) }); err != nil {
			t.Fatal(err)
		}
		if p, err := db.KeyPrincipal(ctx, "key_1", auth.HashToken(secret), t0); err != nil || p.KeyID != "key_1" || p.Role != auth.RoleIntegration {
			t.Fatalf("key: got %+v %v", p, err)
		}
		if _, err := db.KeyPrincipal(ctx, "key_1", auth.HashToken("wrong"), t0); !errors.Is(err, fault.ErrUnauthenticated) {
			t.Errorf("wrong secret: got %v", err)
		}
		db.Tx(ctx, func(tx *store.Tx) error { return tx.RevokeAPIKey(ctx, "key_1", t0) })
		if _, err := db.KeyPrincipal(ctx, "key_1", auth.HashToken(secret), t0); !errors.Is(err, fault.ErrUnauthenticated) {
			t.Errorf("revoked key: got %v", err)
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		req := store.IdempotentResponse{Method: "POST", Path: "/api/v1/rights", BodyHash: "h1"}
		if _, fresh, err := db.ReserveIdempotencyKey(ctx, "org_a", "k1", req, t0); err != nil || !fresh {
			t.Fatalf("first reserve: got fresh=%v %v", fresh, err)
		}
		prev, fresh, err := db.ReserveIdempotencyKey(ctx, "org_a", "k1", req, t0)
		if err != nil || fresh || prev.Status != 0 {
			t.Fatalf("in-flight replay: got %+v fresh=%v %v", prev, fresh, err)
		}
		if err := db.CompleteIdempotencyKey(ctx, "org_a", "k1", 201, "application/json", []byte(`{"id":"rt_1"}`)); err != nil {
			t.Fatal(err)
		}
		prev, _, _ = db.ReserveIdempotencyKey(ctx, "org_a", "k1", req, t0)
		if prev.Status != 201 || string(prev.Body) != `{"id":"rt_1"}` || prev.BodyHash != "h1" {
			t.Fatalf("replay: got %+v", prev)
		}
		if _, fresh, _ := db.ReserveIdempotencyKey(ctx, "org_b", "k1", req, t0); !fresh {
			t.Error("the same key in another scope must be independent")
		}
	})
}
