package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var catalogT0 = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

func catalogListing(t testing.TB, id, title string, updated time.Time) catalog.Listing {
	t.Helper()
	doc := fmt.Sprintf(`{"id":%q,"seller_id":"S1","title":%q,"price":{"amount":"19.9","currency":"CNY"},"brand":"Nike",
		"ship_from":{"country":"CN","region":"440300"},"markets":["CN","US"],"updated_at":%q,"extra":{"k":[1,2]}}`,
		id, title, updated.Format(time.RFC3339Nano))
	l, err := catalog.ParseListing([]byte(doc), updated)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestListingVersionsStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1 := catalogListing(t, "L1", "first", catalogT0)
		v2 := catalogListing(t, "L1", "second", catalogT0.Add(time.Hour))
		err := db.Tx(ctx, func(tx *store.Tx) error {
			ok, err := tx.InsertListing(ctx, v1, catalogT0)
			if err != nil || !ok {
				return fmt.Errorf("first insert: %v %v", ok, err)
			}
			if ok, err := tx.InsertListing(ctx, v2, catalogT0); err != nil || ok {
				return fmt.Errorf("second insert of the same id: got %v %v, want false", ok, err)
			}
			return tx.InsertListingVersion(ctx, v1, 1, catalogT0)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error {
			heads, err := tx.ListingHeadsForUpdate(ctx, []string{"L1", "L-missing"})
			if err != nil {
				return err
			}
			want := map[string]catalog.Head{"L1": {Version: 1, ContentHash: v1.ContentHash(), UpdatedAt: catalogT0}}
			if diff := cmp.Diff(want, heads); diff != "" {
				return fmt.Errorf("heads (-want +got):\n%s", diff)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertListingVersion(ctx, v2, 2, catalogT0.Add(time.Minute)); err != nil {
				return err
			}
			return tx.UpdateListing(ctx, v2, 2, catalogT0.Add(time.Minute))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertListingVersion(ctx, v2, 2, catalogT0) })
		if !errors.Is(err, fault.ErrConflict) {
			t.Errorf("second version 2: got %v, want a conflict", err)
		}

		cur, err := db.ListingVersion(ctx, "L1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Version != 2 || cur.Current != 2 || cur.Listing.Title != "second" || string(cur.Listing.Doc()) != string(v2.Doc()) ||
			!cur.ReceivedAt.Equal(catalogT0.Add(time.Minute)) {
			t.Errorf("current: got version %d/%d %q received %v", cur.Version, cur.Current, cur.Listing.Title, cur.ReceivedAt)
		}
		old, err := db.ListingVersion(ctx, "L1", 1)
		if err != nil || old.Version != 1 || old.Current != 2 || old.Listing.Title != "first" || old.Listing.ContentHash() != v1.ContentHash() {
			t.Errorf("version 1: got %+v %v", old, err)
		}
		if _, err := db.ListingVersion(ctx, "L1", 3); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("version 3: got %v, want not found", err)
		}
		if _, err := db.ListingVersion(ctx, "L2", 0); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown listing: got %v, want not found", err)
		}
		page, next, err := db.ListingVersions(ctx, "L1", 0, 1)
		if err != nil || len(page) != 1 || page[0].Version != 1 || next != 1 {
			t.Fatalf("first page: got %+v next %d %v", page, next, err)
		}
		page, next, err = db.ListingVersions(ctx, "L1", next, 1)
		if err != nil || len(page) != 1 || page[0].Version != 2 || next != 0 || page[0].ContentHash != v2.ContentHash() {
			t.Fatalf("second page: got %+v next %d %v", page, next, err)
		}
	})
}

func catalogSellerOrg(t *testing.T, db *store.DB, id string) {
	t.Helper()
	o := registry.Organisation{ID: id, Kind: registry.KindSeller, LegalName: "Seller " + id, Country: "CN", State: registry.OrgVerified,
		Documents: []registry.DocRef{}, CreatedAt: catalogT0, UpdatedAt: catalogT0}
	if err := db.Tx(context.Background(), func(tx *store.Tx) error { return tx.InsertOrg(context.Background(), o) }); err != nil {
		t.Fatal(err)
	}
}

func TestSellersStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		catalogSellerOrg(t, db, "org_s1")
		catalogSellerOrg(t, db, "org_s2")
		key := []byte("0123456789abcdef0123456789abcdef")
		s1, err := catalog.NewSeller(catalog.SellerInput{ID: "S1", Name: "One", Country: "CN",
			Identifiers: catalog.Identifiers{Phone: "13800138000", Device: "dev-1"}}, key)
		if err != nil {
			t.Fatal(err)
		}
		s1.OrgID, s1.CreatedAt, s1.UpdatedAt = "org_s1", catalogT0, catalogT0
		s2, _ := catalog.NewSeller(catalog.SellerInput{ID: "S2", Name: "Two", Country: "CN",
			Identifiers: catalog.Identifiers{Phone: "+86 138 0013 8000"}}, key)
		s2.OrgID, s2.CreatedAt, s2.UpdatedAt = "org_s2", catalogT0, catalogT0
		for _, s := range []catalog.Seller{s1, s2} {
			err := db.Tx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertSeller(ctx, s); err != nil {
					return err
				}
				return tx.SyncSellerIdentifiers(ctx, s.ID, s.IdentifierHashes, catalogT0)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Seller(ctx, "S1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s1, got); diff != "" {
			t.Errorf("seller round trip (-want +got):\n%s", diff)
		}
		phone := s1.IdentifierHashes[catalog.Phone]
		linked, err := db.SellersByIdentifier(ctx, catalog.Phone, phone)
		if err != nil || len(linked) != 2 || linked[0].SellerID != "S1" || linked[1].SellerID != "S2" {
			t.Fatalf("sellers sharing the phone: got %+v %v", linked, err)
		}
		orgs, err := db.SellerOrgs(ctx, []string{"S1", "S2", "S3"})
		if diff := cmp.Diff(map[string]string{"S1": "org_s1", "S2": "org_s2"}, orgs); diff != "" || err != nil {
			t.Errorf("seller orgs (-want +got):\n%s %v", diff, err)
		}

		// S1 changes its phone: the old hash is retired, kept for networks;
		// then it goes back to it: revived.
		later := catalogT0.Add(24 * time.Hour)
		changed := s1
		changed.IdentifierHashes = map[catalog.IdentifierKind]string{catalog.Phone: "other", catalog.Device: s1.IdentifierHashes[catalog.Device]}
		changed.UpdatedAt = later
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			if _, err := tx.SellerForUpdate(ctx, "S1"); err != nil {
				return err
			}
			if err := tx.UpdateSeller(ctx, changed); err != nil {
				return err
			}
			return tx.SyncSellerIdentifiers(ctx, "S1", changed.IdentifierHashes, later)
		}); err != nil {
			t.Fatal(err)
		}
		linked, _ = db.SellersByIdentifier(ctx, catalog.Phone, phone)
		if len(linked) != 2 || !linked[0].RetiredAt.Equal(later) || !linked[1].RetiredAt.IsZero() {
			t.Errorf("after the change: got %+v, want S1's hash retired at %v", linked, later)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.SyncSellerIdentifiers(ctx, "S1", s1.IdentifierHashes, later) }); err != nil {
			t.Fatal(err)
		}
		linked, _ = db.SellersByIdentifier(ctx, catalog.Phone, phone)
		if len(linked) != 2 || !linked[0].RetiredAt.IsZero() || !linked[0].FirstSeenAt.Equal(catalogT0) {
			t.Errorf("after going back: got %+v, want S1's hash revived", linked)
		}
		if _, err := db.Seller(ctx, "S9"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown seller: got %v, want not found", err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.UpdateSeller(ctx, catalog.Seller{ID: "S9", OrgID: "org_s1"}) }); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("update unknown seller: got %v, want not found", err)
		}
	})
}

// BenchmarkListingVersionWrites measures the store's cost of accepting new
// listings in transactions of 250, with and without the audit entry per
// version (the outbox row is written in both), on SQLite (and PostgreSQL
// when DAJIA_TEST_POSTGRES_URL is set):
//
//	go test ./internal/store -run XXX -bench ListingVersionWrites -benchtime 20000x
func BenchmarkListingVersionWrites(b *testing.B) {
	for _, e := range storetest.Engines() {
		for _, withAudit := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/audit=%v", e.Name, withAudit), func(b *testing.B) {
				db, _ := storetest.Open(b, e)
				ctx := context.Background()
				ls := make([]catalog.Listing, b.N)
				for i := range ls {
					ls[i] = catalogListing(b, fmt.Sprintf("L%08d", i), fmt.Sprintf("title %d", i), catalogT0)
				}
				b.ResetTimer()
				for start := 0; start < len(ls); start += 250 {
					chunk := ls[start:min(start+250, len(ls))]
					err := db.Tx(ctx, func(tx *store.Tx) error {
						for _, l := range chunk {
							if _, err := tx.InsertListing(ctx, l, catalogT0); err != nil {
								return err
							}
							if err := tx.InsertListingVersion(ctx, l, 1, catalogT0); err != nil {
								return err
							}
							if withAudit {
								if _, err := tx.AppendAudit(ctx, audit.Entry{At: catalogT0, ActorID: "key_x", Action: "listing.changed", ObjectType: "listing",
									ObjectID: l.ID, After: []byte(`{"version":1,"content_hash":"` + l.ContentHash() + `"}`)}); err != nil {
									return err
								}
							}
							if _, err := tx.Enqueue(ctx, "listing.changed", l.ID, l.Doc(), catalogT0); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "listings/s")
			})
		}
	}
}
