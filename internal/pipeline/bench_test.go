package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/pipeline"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
	"github.com/dajia-project/dajia/internal/stream"
	"github.com/dajia-project/dajia/internal/synth"
)

// BenchmarkPipelineEndToEnd measures listings per second from an NDJSON
// batch through the API's use case (validated, versioned, audited, with
// its outbox message) to stored leads: fan-out, relay to the embedded
// JetStream, detection by two workers, leads committed. Each iteration
// starts from an empty database and stream with a generated world of
// 20,000 text-only listings (seed 7).
func BenchmarkPipelineEndToEnd(b *testing.B) {
	const n = 20000
	dir := b.TempDir()
	if _, err := synth.Generate(synth.Options{Listings: n, Seed: 7}, synth.DirSink(dir)); err != nil {
		b.Fatal(err)
	}
	listings, err := os.ReadFile(filepath.Join(dir, synth.ListingsFile))
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, synth.ProfileFile))
	if err != nil {
		b.Fatal(err)
	}
	profile, err := detect.ParseProfile(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	engine, err := detect.Compile(profile, detect.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var leads int
	for b.Loop() {
		b.StopTimer()
		db, _ := storetest.Open(b, storetest.Engines()[0])
		a := app.New(db, nil, app.Options{})
		platform, err := a.EnsurePlatform(ctx, "Platform")
		if err != nil {
			b.Fatal(err)
		}
		sys := auth.System
		sys.OrgID = platform.ID
		srv, err := stream.Embedded(ctx, b.TempDir(), stream.ServerOptions{})
		if err != nil {
			b.Fatal(err)
		}
		nc, err := srv.Connect("bench")
		if err != nil {
			b.Fatal(err)
		}
		st, err := stream.Open(ctx, nc, stream.StreamConfig{MaxBytes: 1 << 30})
		if err != nil {
			b.Fatal(err)
		}
		pub, _ := st.Publisher(stream.PublisherOptions{})
		cons, err := st.Consumer(ctx, stream.ConsumerOptions{Workers: 2, Batch: 500, FetchWait: 20 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		relay := &pipeline.Relay{DB: db, Pub: pub, Batch: 1000}
		det := &pipeline.Detector{App: a, Engine: engine, Profile: profile, Sys: sys, RunID: "bench"}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		b.StartTimer()

		go func() { done <- cons.Run(runCtx, det.Handle) }()
		t0 := time.Now()
		if _, err := a.PutListingsBatch(ctx, sys, bytes.NewReader(listings), app.BatchOptions{}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		for {
			r, err := db.FanOut(ctx, a.Now(), 5000)
			if err != nil {
				b.Fatal(err)
			}
			if r.Messages == 0 {
				break
			}
		}
		t2 := time.Now()
		for more := true; more; {
			if _, more, err = relay.Step(ctx); err != nil {
				b.Fatal(err)
			}
		}
		t3 := time.Now()
		for {
			p, err := st.Pending(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if p == 0 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.Logf("stages: batch %v, fan-out %v, relay %v, detection still running after the relay %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3))

		b.StopTimer()
		leads = countLeads(b, a, platform.ID)
		nc.Close()
		srv.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "listings/s")
	b.ReportMetric(float64(leads), "leads")
}

func countLeads(b *testing.B, a *app.App, platformID string) int {
	staff := auth.Principal{OrgID: platformID, OrgKind: "platform", Role: auth.RoleInvestigator, UserID: "usr_inv"}
	total := 0
	page := store.Page{Limit: 1000}
	for {
		ls, next, err := a.Leads(context.Background(), staff, app.LeadQuery{}, page)
		if err != nil {
			b.Fatal(err)
		}
		total += len(ls)
		if next == "" {
			return total
		}
		page.After = next
	}
}
