package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Config is dajia's configuration. Every field can be set by a flag or by
// the environment variable named beside it; flags win.
type Config struct {
	// Addr is the HTTP listen address (DAJIA_ADDR). Default 127.0.0.1:8080.
	Addr string
	// DataDir holds the SQLite file and the evidence files (DAJIA_DATA_DIR). Default ./data.
	DataDir string
	// DatabaseURL selects PostgreSQL instead of SQLite (DAJIA_DATABASE_URL),
	// e.g. postgres://dajia@db:5432/dajia?sslmode=disable.
	DatabaseURL string
	// AdminEmail is the first admin's login (DAJIA_ADMIN_EMAIL). Default admin@dajia.local.
	AdminEmail string
	// AdminPassword is the first admin's password (DAJIA_ADMIN_PASSWORD);
	// when empty a random one is generated and printed once.
	AdminPassword string
	// Demo seeds a small demo world on start (DAJIA_DEMO).
	Demo bool
	// MaxUploadBytes limits evidence uploads (DAJIA_MAX_UPLOAD_BYTES). Default 25 MiB.
	MaxUploadBytes int64
	// LogFormat is text or json (DAJIA_LOG_FORMAT). Default text.
	LogFormat string
	// LogLevel is debug, info, warn or error (DAJIA_LOG_LEVEL). Default info.
	LogLevel string
	// ClockOffset shifts dajia's clock forward (DAJIA_CLOCK_OFFSET, e.g.
	// 720h): for deadline drills on a copy of the data, and tests. Never set
	// it in production.
	ClockOffset time.Duration
	// WebhookBackoff is the first retry delay of a failed webhook delivery
	// (DAJIA_WEBHOOK_BACKOFF); later ones double, with jitter. Default 5s.
	WebhookBackoff time.Duration
	// WebhookTimeout bounds one delivery request (DAJIA_WEBHOOK_TIMEOUT).
	// Default 10s.
	WebhookTimeout time.Duration
	// WebhookLease is how long a node's claim on a delivery keeps other
	// nodes (or itself, after a crash) from retrying it
	// (DAJIA_WEBHOOK_LEASE); at least the timeout plus 10s. Default: the
	// timeout plus one minute.
	WebhookLease time.Duration
	// SMTPURL, when set, e-mails inbox messages to each organisation's
	// contact (DAJIA_SMTP_URL), e.g. smtp://user:pw@mail:587?from=dajia@example.com.
	SMTPURL string
	// IdentifierKey keys the hashes of sellers' identifiers
	// (DAJIA_IDENTIFIER_KEY, at least 32 characters). Keep it outside the
	// database in production; when empty a key is generated and stored in
	// the database.
	IdentifierKey string
	// DetectProfile is the protection profile (brands, reference prices,
	// images) the detection pipeline scores listings against
	// (DAJIA_DETECT_PROFILE). Detection runs when it is set, or with --demo
	// (the demo brands' profile).
	DetectProfile string
	// NATSURL is an external NATS server with JetStream (DAJIA_NATS_URL);
	// when empty the server runs inside dajia, storing under --data-dir.
	NATSURL string
	// NATSListen opens the embedded NATS server to network clients on this
	// address (DAJIA_NATS_LISTEN), so that `dajia worker` processes can
	// join; empty keeps it in-process. No authentication: use loopback or
	// a private network.
	NATSListen string
	// DetectWorkers is the number of detection workers in this process
	// (DAJIA_DETECT_WORKERS, default 2; 0 in serve leaves scoring to
	// `dajia worker` processes).
	DetectWorkers int
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envInt(name string, def int64) int64 {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return def
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}

// storageFlags registers the flags every subcommand that opens the database needs.
func (c *Config) storageFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", env("DAJIA_DATA_DIR", "./data"), "directory for the SQLite database and evidence files (DAJIA_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DAJIA_DATABASE_URL", ""), "PostgreSQL URL; SQLite in --data-dir when empty (DAJIA_DATABASE_URL)")
	fs.StringVar(&c.LogFormat, "log-format", env("DAJIA_LOG_FORMAT", "text"), "log format: text or json (DAJIA_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("DAJIA_LOG_LEVEL", "info"), "log level: debug, info, warn, error (DAJIA_LOG_LEVEL)")
}

// serveFlags registers the server's flags.
func (c *Config) serveFlags(fs *flag.FlagSet) {
	c.storageFlags(fs)
	fs.StringVar(&c.Addr, "addr", env("DAJIA_ADDR", "127.0.0.1:8080"), "HTTP listen address (DAJIA_ADDR)")
	fs.StringVar(&c.AdminEmail, "admin-email", env("DAJIA_ADMIN_EMAIL", "admin@dajia.local"), "first admin's e-mail (DAJIA_ADMIN_EMAIL)")
	fs.BoolVar(&c.Demo, "demo", envBool("DAJIA_DEMO"), "seed a small demo world and print its logins (DAJIA_DEMO)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", envInt("DAJIA_MAX_UPLOAD_BYTES", 25<<20), "largest evidence upload in bytes (DAJIA_MAX_UPLOAD_BYTES)")
	fs.DurationVar(&c.ClockOffset, "clock-offset", envDuration("DAJIA_CLOCK_OFFSET", 0), "shift the clock forward, for deadline drills on a copy of the data (DAJIA_CLOCK_OFFSET)")
	fs.DurationVar(&c.WebhookBackoff, "webhook-backoff", envDuration("DAJIA_WEBHOOK_BACKOFF", 5*time.Second), "first retry delay of a failed webhook delivery (DAJIA_WEBHOOK_BACKOFF)")
	fs.DurationVar(&c.WebhookTimeout, "webhook-timeout", envDuration("DAJIA_WEBHOOK_TIMEOUT", 10*time.Second), "time limit of one webhook delivery (DAJIA_WEBHOOK_TIMEOUT)")
	fs.DurationVar(&c.WebhookLease, "webhook-lease", envDuration("DAJIA_WEBHOOK_LEASE", 0), "how long a claimed delivery waits before another attempt after a crash; default timeout + 1m (DAJIA_WEBHOOK_LEASE)")
	c.IdentifierKey = os.Getenv("DAJIA_IDENTIFIER_KEY")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("DAJIA_SMTP_URL", ""), "e-mail inbox messages through this SMTP server, e.g. smtp://user:pw@mail:587?from=dajia@example.com (DAJIA_SMTP_URL)")
	c.detectFlags(fs)
	fs.StringVar(&c.NATSListen, "nats-listen", env("DAJIA_NATS_LISTEN", ""), "open the embedded NATS server on this address for dajia worker processes, e.g. 127.0.0.1:4223 (DAJIA_NATS_LISTEN)")
	c.AdminPassword = os.Getenv("DAJIA_ADMIN_PASSWORD")
}

// detectFlags registers the flags of the detection workers (serve and worker).
func (c *Config) detectFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DetectProfile, "detect-profile", env("DAJIA_DETECT_PROFILE", ""), "protection profile JSON to score with instead of the one kept in the database (DAJIA_DETECT_PROFILE)")
	fs.StringVar(&c.NATSURL, "nats-url", env("DAJIA_NATS_URL", ""), "NATS server with JetStream for the listing stream; serve embeds one when empty (DAJIA_NATS_URL)")
	fs.IntVar(&c.DetectWorkers, "detect-workers", int(envInt("DAJIA_DETECT_WORKERS", 2)), "detection workers in this process (DAJIA_DETECT_WORKERS)")
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("--data-dir is empty; give a directory for the database, or --database-url for PostgreSQL")
	}
	if c.MaxUploadBytes < 0 || (c.Addr != "" && c.MaxUploadBytes < 1024) {
		return fmt.Errorf("--max-upload-bytes must be at least 1024")
	}
	if c.IdentifierKey != "" && len(c.IdentifierKey) < 32 {
		return fmt.Errorf("DAJIA_IDENTIFIER_KEY must be at least 32 characters (e.g. 32 random bytes, base64)")
	}
	if c.ClockOffset < 0 {
		return fmt.Errorf("--clock-offset must not be negative")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	return nil
}
