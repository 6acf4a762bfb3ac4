package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dajia-project/dajia/internal/demo"
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

// startDetection starts the pipeline when a protection profile is
// configured (or the demo runs); its goroutines stop with bg.
func (m *Main) startDetection(ctx, bg context.Context) error {
	var raw []byte
	source := m.Config.DetectProfile
	switch {
	case source != "":
		f, err := os.Open(source)
		if err != nil {
			return usagef("--detect-profile: %v", err)
		}
		raw, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return usagef("--detect-profile: %v", err)
		}
	case m.Config.Demo:
		raw, source = demo.DetectProfile(), "demo"
	default:
		m.Log.Info("proactive detection is off: give --detect-profile to score new listings")
		return nil
	}
	profile, err := detect.ParseProfile(bytes.NewReader(raw))
	if err != nil {
		return usagef("--detect-profile %s: %v", source, err)
	}
	engine, err := detect.Compile(profile, detect.Options{})
	if err != nil {
		return usagef("--detect-profile %s: %v", source, err)
	}
	sys, err := system(ctx, m.App)
	if err != nil {
		return err
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
	consumer, err := st.Consumer(ctx, stream.ConsumerOptions{Logger: m.Log.With("component", "detector")})
	if err != nil {
		d.close()
		return err
	}
	d.relay = &pipeline.Relay{DB: m.DB, Pub: pub, Log: m.Log.With("component", "relay")}
	det := &pipeline.Detector{App: m.App, Engine: engine, Profile: profile, Sys: sys, RunID: "profile:" + filepath.Base(source)}
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
