package pipeline_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/demo/demotest"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/pipeline"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
	"github.com/dajia-project/dajia/internal/stream"
)

// TestListingsBecomeLeads runs the whole path on a real embedded NATS
// server and both database engines: listings pushed through the app are
// fanned out to the feed, relayed to JetStream, scored by the detector
// from the work queue, and the suspected ones stored as leads with their
// brand's rights holder. Relaying everything again (as after a crash
// before the cursor was saved) adds no lead.
func TestListingsBecomeLeads(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			env := demotest.Open(t, e)
			db, a, platform, sys := env.DB, env.App, env.Platform, env.Sys
			if _, err := db.FanOut(ctx, a.Now(), 10000); err != nil {
				t.Fatal(err)
			}

			srv, err := stream.Embedded(ctx, t.TempDir(), stream.ServerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			nc, err := srv.Connect("test")
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			st, err := stream.Open(ctx, nc, stream.StreamConfig{MaxBytes: 64 << 20})
			if err != nil {
				t.Fatal(err)
			}
			pub, err := st.Publisher(stream.PublisherOptions{})
			if err != nil {
				t.Fatal(err)
			}
			relay := &pipeline.Relay{DB: db, Pub: pub, Batch: 7}
			total := 0
			for {
				n, more, err := relay.Step(ctx)
				if err != nil {
					t.Fatal(err)
				}
				total += n
				if !more {
					break
				}
			}
			if pub.Stats().Stored != 30 { // ten sellers, three listings each
				t.Fatalf("relayed %d listing events (of %d feed messages), want 30", pub.Stats().Stored, total)
			}

			profile, err := detect.ParseProfile(bytes.NewReader(demo.DetectProfile()))
			if err != nil {
				t.Fatal(err)
			}
			engine, err := detect.Compile(profile, detect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			det := &pipeline.Detector{App: a, Engine: engine, Profile: profile, Sys: sys, RunID: "test"}
			cons, err := st.Consumer(ctx, stream.ConsumerOptions{Batch: 8, FetchWait: 100 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			drain := func() {
				t.Helper()
				runCtx, stop := context.WithCancel(ctx)
				done := make(chan error, 1)
				go func() { done <- cons.Run(runCtx, det.Handle) }()
				for {
					n, err := st.Pending(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						break
					}
					select {
					case <-ctx.Done():
						t.Fatalf("%d events still pending", n)
					case <-time.After(50 * time.Millisecond):
					}
				}
				stop()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			drain()

			staff := auth.Principal{OrgID: platform.ID, OrgKind: platform.Kind, Role: auth.RoleInvestigator, UserID: "usr_inv"}
			leads, _, err := a.Leads(ctx, staff, app.LeadQuery{}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			byListing := map[string]app.Lead{}
			for _, l := range leads {
				byListing[l.ListingID] = l
			}
			// "AURORA trail runner, top quality replica" at 35 EUR (reference
			// 95 EUR) is suspected; the plain T-shirt is not.
			replica, ok := byListing["L-1-2"]
			if !ok {
				t.Fatalf("no lead for the replica listing L-1-2; leads: %v", keys(byListing))
			}
			if replica.BrandID != "aurora" || replica.BrandOwnerOrgID == "" {
				t.Errorf("replica lead: brand %q owner %q, want aurora and Aurora's organisation", replica.BrandID, replica.BrandOwnerOrgID)
			}
			aurora, err := a.Org(ctx, sys, replica.BrandOwnerOrgID)
			if err != nil || aurora.LegalName != "Aurora Athletics Co., Ltd." {
				t.Errorf("brand owner %v %v, want Aurora", aurora.LegalName, err)
			}
			if _, ok := byListing["L-5-1"]; ok {
				t.Errorf("the plain T-shirt L-5-1 became a lead")
			}

			// Crash before the cursor was saved: everything is relayed again.
			if err := db.SetSetting(ctx, pipeline.RelayCursorSetting, ""); err != nil {
				t.Fatal(err)
			}
			for more := true; more; {
				if _, more, err = relay.Step(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if d := pub.Stats().Duplicates; d != 30 {
				t.Errorf("re-relay: %d duplicates dropped, want 30", d)
			}
			drain()
			again, _, err := a.Leads(ctx, staff, app.LeadQuery{}, store.Page{Limit: 100})
			if err != nil || len(again) != len(leads) {
				t.Errorf("after re-relaying: %d leads (%v), want %d", len(again), err, len(leads))
			}
		})
	}
}

func keys(m map[string]app.Lead) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
