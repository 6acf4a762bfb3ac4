package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// defaultReadyTimeout bounds the wait for an embedded server to accept
// connections when the caller's context has no deadline.
const defaultReadyTimeout = 10 * time.Second

// ServerOptions configures an embedded NATS server. The zero value is a
// server with JetStream, reachable only in-process.
type ServerOptions struct {
	// Listen, if set, is a "host:port" on which the server also accepts
	// network clients, so that `dajia worker --nats nats://host:port` on the
	// same machine (or network) can join; port 0 picks a free port (see
	// Server.ClientURL). Empty means no listener at all: only in-process
	// clients, nothing exposed. Prefer a loopback host; there is no
	// authentication on this listener.
	Listen string
	// Logger receives the server's own log lines (notices at Info, debug
	// and trace at Debug); nil discards them.
	Logger *slog.Logger
	// SyncAlways makes JetStream fsync every write. Without it a crash of
	// the process (even SIGKILL) loses nothing, since writes reach the
	// operating system at once; only a crash of the machine can lose the
	// last seconds of writes.
	SyncAlways bool
	// MaxStore caps the disk JetStream may use, in bytes; 0 lets the
	// server choose (a share of the free disk space).
	MaxStore int64
}

// Server is a NATS server with JetStream running inside this process.
type Server struct {
	ns        *server.Server
	listening bool
}

// Embedded starts a NATS server with JetStream storing its data in dir and
// waits until it accepts connections, for at most ctx's deadline (10 s if
// ctx has none). The server runs until Close; ctx only bounds the start.
// Starting again on the same dir recovers every stream and unacknowledged
// message.
func Embedded(ctx context.Context, dir string, opts ServerOptions) (*Server, error) {
	if dir == "" {
		return nil, errors.New("embedded nats: no store directory")
	}
	sopts := &server.Options{
		ServerName:        "dajia",
		JetStream:         true,
		StoreDir:          dir,
		SyncAlways:        opts.SyncAlways,
		JetStreamMaxStore: opts.MaxStore,
		NoSigs:            true,
		DontListen:        opts.Listen == "",
	}
	if opts.Listen != "" {
		host, port, err := splitListen(opts.Listen)
		if err != nil {
			return nil, err
		}
		sopts.Host, sopts.Port = host, port
	}
	ns, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ns.SetLogger(serverLogger{logger}, false, false)
	ns.Start()

	wait := defaultReadyTimeout
	if deadline, ok := ctx.Deadline(); ok {
		wait = time.Until(deadline)
	}
	if !ns.ReadyForConnections(wait) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("embedded nats in %s: not ready after %s", dir, wait.Round(time.Millisecond))
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("embedded nats in %s: jetstream did not start", dir)
	}
	return &Server{ns: ns, listening: opts.Listen != ""}, nil
}

// splitListen parses "host:port" into the server's host and port, mapping
// port 0 to a random free port.
func splitListen(listen string) (string, int, error) {
	host, p, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("embedded nats listen %q: %w", listen, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("embedded nats listen %q: bad port", listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}

// ClientURL is the nats:// URL network clients use to reach the server, or
// "" when it listens only in-process.
func (s *Server) ClientURL() string {
	if !s.listening {
		return ""
	}
	return s.ns.ClientURL()
}

// Connect opens an in-process client connection named name (the name shows
// in the server's connection list).
func (s *Server) Connect(name string) (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(s.ns), nats.Name(name))
	if err != nil {
		return nil, fmt.Errorf("connect in-process %s: %w", name, err)
	}
	return nc, nil
}

// Close shuts the server down and waits until it has stopped, its store
// flushed. Clients still connected see their connection closed.
func (s *Server) Close() error {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	return nil
}

// Connect opens a connection to an external NATS server or cluster at url
// (several URLs may be comma-separated). The connection reconnects without
// limit after it is lost; messages unacknowledged meanwhile are redelivered.
func Connect(url, name string) (*nats.Conn, error) {
	if url == "" {
		return nil, errors.New("connect nats: empty url")
	}
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("connect nats %s: %w", url, err)
	}
	return nc, nil
}

// serverLogger adapts slog to the NATS server's logger interface.
type serverLogger struct{ l *slog.Logger }

func (s serverLogger) Noticef(format string, v ...any) { s.l.Debug(fmt.Sprintf(format, v...)) } // the start banner and routine notices
func (s serverLogger) Warnf(format string, v ...any)   { s.l.Warn(fmt.Sprintf(format, v...)) }
func (s serverLogger) Fatalf(format string, v ...any)  { s.l.Error(fmt.Sprintf(format, v...)) }
func (s serverLogger) Errorf(format string, v ...any)  { s.l.Error(fmt.Sprintf(format, v...)) }
func (s serverLogger) Debugf(format string, v ...any)  { s.l.Debug(fmt.Sprintf(format, v...)) }
func (s serverLogger) Tracef(format string, v ...any)  { s.l.Debug(fmt.Sprintf(format, v...)) }
