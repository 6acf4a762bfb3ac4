// Command dajia runs the dajia anti-counterfeiting platform: the API, the
// scheduler and the workers in one process (`dajia serve`), and the
// operator's tools (migrate, user, audit).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/blob"
	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/httpapi"
	"github.com/dajia-project/dajia/internal/mail"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/web"
)

const usage = `dajia — IP protection and anti-counterfeiting platform

Usage:
  dajia serve [--addr 127.0.0.1:8080] [--data-dir ./data] [--demo]   run the server
  dajia migrate                                                       apply database migrations
  dajia user create --email E --password P --role R [--org ID]        create a user
  dajia user list [--org ID]                                          list users
  dajia user disable --email E | enable --email E                     disable or re-enable a user
  dajia user key --email E [--name N]                                 issue an API key for a user's org and role (printed once)
  dajia user revoke-key --id KEY_ID                                   revoke an API key
  dajia audit verify                                                  verify the audit hash chain
  dajia hash FILE...                                                  print each image's PDQ hash as "hash,quality,file"
  dajia scan --profile P.json [--all] [--labels T.ndjson] L.ndjson    score listings offline; suspected ones as JSON lines
  dajia demo generate --listings N --seed S --out DIR                 write a synthetic marketplace with ground truth
  dajia worker --nats-url URL [--detect-workers N]                    score listings from serve's stream in another process
  dajia profile export [--out FILE]                                   write the protection profile (imported data + verified marks)
  dajia profile import FILE                                           replace the imported profile data (validated first)

Every subcommand takes --data-dir and --database-url (or DAJIA_DATA_DIR,
DAJIA_DATABASE_URL); "dajia <command> -h" lists its flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout, stderr)
	case "user":
		err = cmdUser(ctx, args[1:], stdout, stderr)
	case "audit":
		err = cmdAudit(ctx, args[1:], stdout, stderr)
	case "hash":
		err = cmdHash(ctx, args[1:], stdout, stderr)
	case "scan":
		err = cmdScan(ctx, args[1:], stdout, stderr)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout, stderr)
	case "profile":
		err = cmdProfile(ctx, args[1:], stdout, stderr)
	case "worker":
		err = cmdWorker(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "dajia: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "dajia %s: %s\n", args[0], ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "dajia %s: %v\n", args[0], err)
		return 1
	}
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func newLogger(c Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Main is the program: it wires configuration → store → services → servers.
// Tests boot it on port 0 in a temporary directory.
type Main struct {
	Config Config
	// Stdout receives what an operator must see once (first admin password, demo logins).
	Stdout io.Writer
	Log    *slog.Logger

	DB  *store.DB
	App *app.App
	API *httpapi.Server

	Dispatcher *deliver.Dispatcher
	Detection  *detection // nil unless detection runs

	server  *http.Server
	ln      net.Listener
	done    chan error
	cancel  context.CancelFunc // stops the background workers
	workers sync.WaitGroup
}

// NewMain returns a program for the configuration.
func NewMain(c Config, stdout, logs io.Writer) *Main {
	return &Main{Config: c, Stdout: stdout, Log: newLogger(c, logs)}
}

// Open opens and migrates the database and the evidence store and builds
// the services, without serving.
func (m *Main) Open(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return usagef("%v", err)
	}
	db, err := store.Open(ctx, m.Config.DatabaseURL, m.Config.DataDir)
	if err != nil {
		return err
	}
	m.DB = db
	applied, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) > 0 {
		m.Log.Info("database migrated", "engine", db.Engine(), "applied", applied)
	}
	blobs, err := blob.OpenLocal(filepath.Join(m.Config.DataDir, "evidence"))
	if err != nil {
		return fmt.Errorf("open evidence store: %w", err)
	}
	limits := blob.DefaultLimits()
	if m.Config.MaxUploadBytes > 0 {
		limits.MaxBytes = m.Config.MaxUploadBytes
	}
	now := time.Now
	if off := m.Config.ClockOffset; off > 0 {
		now = func() time.Time { return time.Now().Add(off) }
		m.Log.Warn("clock shifted forward: deadlines fire early; never do this in production", "offset", off)
	}
	m.App = app.New(db, blobs, app.Options{Log: m.Log, Limits: limits, Now: now, IdentifierKey: []byte(m.Config.IdentifierKey), ActionsCommitted: func() {
		if m.Dispatcher != nil {
			m.Dispatcher.Wake()
		}
	}})
	return nil
}

// Run opens everything, creates the first admin (and the demo world when
// asked), and starts serving HTTP; it returns once the listener is open.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.firstStart(ctx); err != nil {
		return err
	}
	if m.Config.Demo {
		if err := seedDemo(ctx, m.App, m.Stdout); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
	}
	secret, err := m.DB.Setting(ctx, "http_secret", randomSecret)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.API = httpapi.New(m.App, httpapi.Options{Log: m.Log, Secret: []byte(secret), MaxUpload: m.Config.MaxUploadBytes + 1<<20, Registerer: reg,
		Wake: func() {
			if m.Dispatcher != nil {
				m.Dispatcher.Wake()
			}
		}})

	mux := http.NewServeMux()
	mux.Handle("/api/", m.API)
	pages := web.New(m.App, m.Log, []byte(secret))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.DB.Ping(ctx); err != nil {
			http.Error(w, "database not reachable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/", pages) // the web interface: everything that is not the API or operations

	// Background work: the scheduler fires legal deadlines (overdue ones at
	// once, after downtime), the dispatcher delivers the outbox to webhooks.
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	// The dispatcher keeps real time even under --clock-offset: receivers
	// check webhook-timestamp against their own clocks.
	m.Dispatcher = deliver.New(m.DB, deliver.Options{Log: m.Log, BackoffBase: m.Config.WebhookBackoff,
		Timeout: m.Config.WebhookTimeout, Lease: m.Config.WebhookLease})
	m.workers.Add(2)
	go func() {
		defer m.workers.Done()
		m.App.RunScheduler(bg, time.Minute, nil)
	}()
	go func() {
		defer m.workers.Done()
		if err := m.Dispatcher.Run(bg); err != nil && bg.Err() == nil {
			m.Log.Error("dispatcher stopped", "err", err)
		}
	}()

	if err := m.startDetection(ctx, bg); err != nil {
		cancel()
		return err
	}

	if m.Config.SMTPURL != "" {
		sender, err := mail.Parse(m.Config.SMTPURL)
		if err != nil {
			cancel()
			return usagef("--smtp-url: %v", err)
		}
		m.workers.Add(1)
		go func() {
			defer m.workers.Done()
			m.App.RunMailer(bg, sender, 10*time.Second)
		}()
	}

	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set --addr or DAJIA_ADDR to another address)", m.Config.Addr, err)
	}
	m.ln = ln
	m.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(ln) }()
	m.Log.Info("dajia serving", "url", m.URL(), "engine", m.DB.Engine(), "data_dir", m.Config.DataDir)
	return nil
}

// URL is the base URL the server listens on.
func (m *Main) URL() string { return "http://" + m.ln.Addr().String() }

// Wait blocks until the server stops.
func (m *Main) Wait() error {
	err := <-m.done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops serving (letting requests in flight finish) and closes the store.
func (m *Main) Close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		errs = append(errs, m.server.Shutdown(ctx))
	}
	if m.cancel != nil {
		m.cancel()
		m.workers.Wait()
	}
	if m.Detection != nil {
		m.Detection.close()
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("serve", stderr)
	c.serveFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	m := NewMain(c, stdout, stderr)
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	fmt.Fprintf(stdout, "dajia is listening on %s (Ctrl-C to stop)\n", m.URL())
	select {
	case <-ctx.Done():
		m.Log.Info("shutting down")
	case err := <-m.done:
		if !errors.Is(err, http.ErrServerClosed) {
			m.Close()
			return err
		}
	}
	return m.Close()
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("migrate", stderr)
	c.storageFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if err := c.Validate(); err != nil {
		return usagef("%v", err)
	}
	db, err := store.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	versions, _ := db.Versions(ctx)
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "database (%s) is up to date at version %d\n", db.Engine(), last(versions))
		return nil
	}
	fmt.Fprintf(stdout, "applied migrations %s; database (%s) is at version %d\n", strings.Trim(fmt.Sprint(applied), "[]"), db.Engine(), last(versions))
	return nil
}

func last(v []int) int {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}
