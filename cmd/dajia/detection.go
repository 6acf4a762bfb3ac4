package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/pipeline"
	"github.com/dajia-project/dajia/internal/stream"
)

// detection is the proactive detection pipeline of `dajia serve`: the
// listing stream (on the embedded or an external NATS server), the relay
// from the feed to it, and detectors consuming it into leads.
type detection struct {
	srv   *stream.Server // nil with an external server
	nc    *nats.Conn
	relay *pipeline.Relay
}

func (d *detection) close() {
	if d.nc != nil {
		d.nc.Close()
	}
	if d.srv != nil {
		d.srv.Close()
	}
}

// errNothingToProtect: no profile file, and the database has no brand.
var errNothingToProtect = errors.New("no verified trademark on file and no profile imported (dajia profile import, or --detect-profile)")

// detector builds the detector from the profile file given, or else from
// the profile kept in the database (the imported brand data plus every
// verified trademark), which it then re-reads as it changes.
func (m *Main) detector(ctx context.Context, sys auth.Principal) (*pipeline.Detector, string, error) {
	var profile *detect.Profile
	var load func(context.Context) (*detect.Profile, error)
	var err error
	source := m.Config.DetectProfile
	if source != "" {
		raw, err := os.ReadFile(source)
		if err != nil {
			return nil, "", usagef("--detect-profile: %v", err)
		}
		if profile, err = detect.ParseProfile(bytes.NewReader(raw)); err != nil {
			return nil, "", usagef("--detect-profile %s: %v", source, err)
		}
	} else {
		load = func(ctx context.Context) (*detect.Profile, error) { return m.App.ProtectionProfile(ctx, sys) }
		if profile, err = load(ctx); err != nil {
			return nil, "", err
		}
		source = "database"
		if len(profile.Brands) == 0 {
			return nil, source, errNothingToProtect
		}
	}
	flood := &detect.FloodGuard{}
	engine, err := detect.Compile(profile, detect.Options{Flood: flood})
	if err != nil {
		return nil, "", usagef("protection profile from %s: %v", source, err)
	}
	return &pipeline.Detector{App: m.App, Engine: engine, Profile: profile, Load: load, Flood: flood,
		Log: m.Log.With("component", "detector"), Sys: sys, RunID: "profile:" + filepath.Base(source)}, source, nil
}

// startDetection starts the pipeline when there is something to protect;
// its goroutines stop with bg.
func (m *Main) startDetection(ctx, bg context.Context) error {
	sys, err := system(ctx, m.App)
	if err != nil {
		return err
	}
	det, source, err := m.detector(ctx, sys)
	if errors.Is(err, errNothingToProtect) {
		m.Log.Info("proactive detection is off: " + err.Error() + "; restart after adding one")
		return nil
	}
	if err != nil {
		return err
	}
	d := &detection{}
	if m.Config.NATSURL == "" {
		dir := filepath.Join(m.Config.DataDir, "nats")
		if d.srv, err = stream.Embedded(ctx, dir, stream.ServerOptions{Logger: m.Log.With("component", "nats"), Listen: m.Config.NATSListen}); err != nil {
			return fmt.Errorf("start the embedded NATS server in %s: %w", dir, err)
		}
		d.nc, err = d.srv.Connect("dajia")
	} else {
		d.nc, err = stream.Connect(m.Config.NATSURL, "dajia")
	}
	if err != nil {
		d.close()
		return fmt.Errorf("connect to NATS: %w (check --nats-url)", err)
	}
	st, err := stream.Open(ctx, d.nc, stream.StreamConfig{})
	if err != nil {
		d.close()
		return err
	}
	pub, err := st.Publisher(stream.PublisherOptions{})
	if err != nil {
		d.close()
		return err
	}
	d.relay = &pipeline.Relay{DB: m.DB, Pub: pub, Log: m.Log.With("component", "relay")}
	m.Detection = d
	m.workers.Add(1)
	go func() {
		defer m.workers.Done()
		d.relay.Run(bg, time.Second, nil)
	}()
	if m.Config.DetectWorkers > 0 {
		consumer, err := st.Consumer(ctx, stream.ConsumerOptions{Workers: m.Config.DetectWorkers, Logger: m.Log.With("component", "detector")})
		if err != nil {
			return err
		}
		m.workers.Add(1)
		go func() {
			defer m.workers.Done()
			if err := consumer.Run(bg, det.Handle); err != nil && bg.Err() == nil {
				m.Log.Error("detector stopped", "err", err)
			}
		}()
	}
	url := m.Config.NATSURL
	if d.srv != nil {
		url = "embedded " + d.srv.ClientURL()
	}
	m.Log.Info("proactive detection on", "profile", source, "brands", len(det.Profile.Brands), "nats", url, "workers", m.Config.DetectWorkers)
	return nil
}

// cmdWorker runs detection workers in their own process, sharing the
// listing stream of a `dajia serve` (its --nats-listen address, or the
// external NATS both use) and its database (PostgreSQL, in practice).
func cmdWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("worker", stderr)
	c.storageFlags(fs)
	c.detectFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if c.NATSURL == "" {
		return usagef("give --nats-url (or DAJIA_NATS_URL): the NATS server of the listing stream, e.g. the address serve's --nats-listen opened")
	}
	if c.DetectWorkers < 1 {
		return usagef("--detect-workers must be at least 1")
	}
	m := NewMain(c, stdout, stderr)
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	sys, err := system(ctx, m.App)
	if err != nil {
		return err
	}
	det, source, err := m.detector(ctx, sys)
	if err != nil {
		return err
	}
	nc, err := stream.Connect(c.NATSURL, "dajia-worker")
	if err != nil {
		return fmt.Errorf("connect to NATS at %s: %w", c.NATSURL, err)
	}
	defer nc.Close()
	st, err := stream.Open(ctx, nc, stream.StreamConfig{})
	if err != nil {
		return err
	}
	consumer, err := st.Consumer(ctx, stream.ConsumerOptions{Workers: c.DetectWorkers, Logger: m.Log.With("component", "detector")})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dajia worker: scoring listings from %s with %d workers (profile: %s, %d brands); Ctrl-C to stop\n",
		c.NATSURL, c.DetectWorkers, source, len(det.Profile.Brands))
	return consumer.Run(ctx, det.Handle)
}
