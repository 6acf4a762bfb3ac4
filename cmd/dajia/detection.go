package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/pipeline"
	"github.com/dajia-project/dajia/internal/stream"
)

// detection is the proactive detection pipeline of `dajia serve`: the
// listing stream (on the embedded or an external NATS server), the relay
// from the feed to it, and a detector consuming it into leads.
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

// startDetection starts the pipeline when there is something to protect:
// the profile file given, or else the profile kept in the database (the
// imported brand data plus every verified trademark); its goroutines stop
// with bg.
func (m *Main) startDetection(ctx, bg context.Context) error {
	sys, err := system(ctx, m.App)
	if err != nil {
		return err
	}
	var profile *detect.Profile
	var load func(context.Context) (*detect.Profile, error)
	source := m.Config.DetectProfile
	if source != "" {
		raw, err := os.ReadFile(source)
		if err != nil {
			return usagef("--detect-profile: %v", err)
		}
		if profile, err = detect.ParseProfile(bytes.NewReader(raw)); err != nil {
			return usagef("--detect-profile %s: %v", source, err)
		}
	} else {
		// The profile kept in the database: imported data plus the
		// verified marks on file, re-read as it changes.
		load = func(ctx context.Context) (*detect.Profile, error) { return m.App.ProtectionProfile(ctx, sys) }
		if profile, err = load(ctx); err != nil {
			return err
		}
		source = "database"
		if len(profile.Brands) == 0 {
			m.Log.Info("proactive detection is off: no verified trademark on file and no profile imported (dajia profile import, or --detect-profile); restart after adding one")
			return nil
		}
	}
	flood := &detect.FloodGuard{}
	engine, err := detect.Compile(profile, detect.Options{Flood: flood})
	if err != nil {
		return usagef("protection profile from %s: %v", source, err)
	}

	d := &detection{}
	if m.Config.NATSURL == "" {
		dir := filepath.Join(m.Config.DataDir, "nats")
		if d.srv, err = stream.Embedded(ctx, dir, stream.ServerOptions{Logger: m.Log.With("component", "nats")}); err != nil {
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
	consumer, err := st.Consumer(ctx, stream.ConsumerOptions{Workers: 2, Logger: m.Log.With("component", "detector")})
	if err != nil {
		d.close()
		return err
	}
	d.relay = &pipeline.Relay{DB: m.DB, Pub: pub, Log: m.Log.With("component", "relay")}
	det := &pipeline.Detector{App: m.App, Engine: engine, Profile: profile, Load: load, Flood: flood, Log: m.Log.With("component", "detector"), Sys: sys, RunID: "profile:" + filepath.Base(source)}
	m.Detection = d
	m.workers.Add(2)
	go func() {
		defer m.workers.Done()
		d.relay.Run(bg, time.Second, nil)
	}()
	go func() {
		defer m.workers.Done()
		if err := consumer.Run(bg, det.Handle); err != nil && bg.Err() == nil {
			m.Log.Error("detector stopped", "err", err)
		}
	}()
	m.Log.Info("proactive detection on", "profile", source, "brands", len(profile.Brands), "nats", map[bool]string{true: "embedded", false: m.Config.NATSURL}[d.srv != nil])
	return nil
}
