// Package httpapi is dajia's JSON API under /api/v1: it authenticates the
// caller (session cookie with CSRF protection, or a bearer API key), decodes
// and size-limits requests, honours Idempotency-Key on POST, calls one
// app service per route and renders the result or an RFC 9457 problem. No
// business rule lives here.
package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "dajia_session"

// CSRFHeader carries the CSRF token on cookie-authenticated writes.
const CSRFHeader = "X-CSRF-Token"

// Options configure the API.
type Options struct {
	Log *slog.Logger
	// Secret keys the CSRF tokens (HMAC of the session).
	Secret []byte
	// MaxBody limits JSON request bodies (default 1 MiB).
	MaxBody int64
	// MaxUpload limits multipart uploads (default 25 MiB + 1 MiB of form overhead).
	MaxUpload int64
	// Registerer receives the API's metrics (none when nil).
	Registerer prometheus.Registerer
	// Wake nudges the outbox dispatcher after an admin requeues a delivery.
	Wake func()
}

// Server is the API handler.
type Server struct {
	app     *app.App
	mux     *http.ServeMux
	routes  []route
	log     *slog.Logger
	secret  []byte
	maxBody int64
	maxUp   int64
	cop     *http.CrossOriginProtection
	wake    func()
	reqs    *prometheus.CounterVec
	dur     *prometheus.HistogramVec
}

// access says who may call a route at all; what they may do is the
// policy's decision inside the service.
type access int

const (
	authenticated access = iota
	public
	optional // public, but uses the principal when present
)

// handler serves one route: it returns an error for the edge to render.
type handler func(w http.ResponseWriter, r *http.Request, p auth.Principal) error

type route struct {
	method, path string
	access       access
	summary      string
	request      any // example value of the request body type (nil: none)
	response     any // example value of the success body type
	status       int
	query        []string // documented query parameters
	csv          bool     // also takes text/csv
	stream       bool     // the body is streamed, never read whole (Idempotency-Key replays without comparing bodies)
	openBody     bool     // the request object keeps unknown fields (documented as additionalProperties)
	h            handler
}

// New builds the API.
func New(a *app.App, o Options) *Server {
	s := &Server{app: a, mux: http.NewServeMux(), log: o.Log, secret: o.Secret, maxBody: o.MaxBody, maxUp: o.MaxUpload,
		cop: http.NewCrossOriginProtection(), wake: o.Wake}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody == 0 {
		s.maxBody = 1 << 20
	}
	if s.maxUp == 0 {
		s.maxUp = 26 << 20
	}
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		rand.Read(s.secret)
	}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dajia_http_requests_total", Help: "API requests by route and status."}, []string{"route", "code"})
	s.dur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "dajia_http_request_duration_seconds", Help: "API request latency by route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"route"})
	if o.Registerer != nil {
		o.Registerer.MustRegister(s.reqs, s.dur)
	}
	s.register()
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, fault.New(fault.ErrNotFound, "no such endpoint: %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

type ctxKey int

const requestIDKey ctxKey = 0

// RequestID returns the id given to the request (also in X-Request-ID).
func RequestID(ctx context.Context) string {
	v, _ := ctx.Value(requestIDKey).(string)
	return v
}

// statusWriter records the status and, when asked, the body.
type statusWriter struct {
	http.ResponseWriter
	status int
	buf    *bytes.Buffer
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.buf != nil {
		w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) wrap(rt route) http.Handler {
	name := rt.method + " " + rt.path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-ID")
		if rid == "" || len(rid) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			rid = hex.EncodeToString(b)
		}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, rid))
		w.Header().Set("X-Request-ID", rid)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		sw := &statusWriter{ResponseWriter: w}
		err := s.serve(sw, r, rt)
		if err != nil {
			s.problem(sw, r, err)
		}
		code := strconv.Itoa(sw.status)
		s.reqs.WithLabelValues(name, code).Inc()
		s.dur.WithLabelValues(name).Observe(time.Since(start).Seconds())
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", rid), slog.String("route", name),
			slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
	})
}

func (s *Server) serve(w *statusWriter, r *http.Request, rt route) error {
	p, viaCookie, err := s.authenticate(r)
	switch {
	case err != nil && rt.access != public:
		return err
	case err == nil && p.OrgID == "" && rt.access == authenticated:
		return fault.New(fault.ErrUnauthenticated, "log in (POST /api/v1/auth/login) or send an API key as 'Authorization: Bearer dajia_…'")
	}
	if viaCookie && unsafeMethod(r.Method) {
		if err := s.cop.Check(r); err != nil {
			return fault.New(fault.ErrForbidden, "cross-origin request refused")
		}
		if !s.validCSRF(r) {
			return fault.New(fault.ErrForbidden, "missing or wrong %s header; take the token from the login response or GET /api/v1/auth/session", CSRFHeader)
		}
	}
	if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
		return s.idempotent(w, r, p, rt)
	}
	return rt.h(w, r, p)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// authenticate finds the principal from a bearer key or the session cookie.
// It returns the zero principal and no error for an anonymous request.
func (s *Server) authenticate(r *http.Request) (auth.Principal, bool, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return auth.Principal{}, false, fault.New(fault.ErrUnauthenticated, "Authorization must be 'Bearer <API key>'")
		}
		p, err := s.app.KeyPrincipal(r.Context(), strings.TrimSpace(key))
		return p, false, err
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return auth.Principal{}, false, nil
	}
	p, _, err := s.app.SessionPrincipal(r.Context(), c.Value)
	return p, true, err
}

// CSRFToken is the token a browser must echo for a session.
func (s *Server) CSRFToken(sessionToken string) string { return auth.CSRFToken(s.secret, sessionToken) }

func (s *Server) validCSRF(r *http.Request) bool {
	c, err := r.Cookie(SessionCookie)
	return err == nil && auth.ValidCSRF(s.secret, c.Value, r.Header.Get(CSRFHeader))
}

// idempotent runs a POST at most once per (caller, key): a replay with the
// same body gets the stored response; with another body, a 422.
func (s *Server) idempotent(w *statusWriter, r *http.Request, p auth.Principal, rt route) error {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 255 {
		return fault.InvalidField("Idempotency-Key", "must be at most 255 characters")
	}
	var bodyHash string
	if rt.stream {
		// A streamed upload is not held in memory to be hashed: its key
		// replays the first response without comparing bodies (re-sending
		// the same listings is a no-op anyway).
		bodyHash = "streamed"
	} else {
		limit := s.maxBody
		if rt.request == nil || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			limit = s.maxUp
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			return tooLarge(err, limit)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		bodyHash = hex.EncodeToString(sum[:])
	}
	scope := p.ActorID()
	if scope == "" {
		scope = "anonymous"
	}
	req := storeIdem(r, bodyHash)
	prev, fresh, err := s.app.DB().ReserveIdempotencyKey(r.Context(), scope, key, req, s.app.Now())
	if err != nil {
		return err
	}
	if !fresh {
		switch {
		case prev.Method != req.Method || prev.Path != req.Path || prev.BodyHash != req.BodyHash:
			return fault.InvalidField("Idempotency-Key", "this key was used for a different request; use a new key for a new request")
		case prev.Status == 0:
			return fault.New(fault.ErrConflict, "a request with this Idempotency-Key is still being processed; retry later")
		}
		w.Header().Set("Content-Type", prev.ContentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		w.Write(prev.Body)
		return nil
	}
	w.buf = new(bytes.Buffer)
	herr := rt.h(w, r, p)
	if herr != nil {
		s.problem(w, r, herr)
	}
	status := w.status
	if err := s.app.DB().CompleteIdempotencyKey(context.WithoutCancel(r.Context()), scope, key, status, w.Header().Get("Content-Type"), w.buf.Bytes()); err != nil {
		s.log.Error("store idempotent response", "request_id", RequestID(r.Context()), "err", err)
	}
	return nil
}

// writeJSON renders v with a status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// problem renders an error as RFC 9457 problem+json. Only errors of a kind
// from package fault are shown; anything else is an internal error whose
// details go to the log under the request id.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	type body struct {
		Type      string        `json:"type"`
		Title     string        `json:"title"`
		Status    int           `json:"status"`
		Detail    string        `json:"detail"`
		Instance  string        `json:"instance,omitempty"`
		Errors    []fault.Field `json:"errors,omitempty"`
		RequestID string        `json:"request_id"`
	}
	b := body{Instance: r.URL.Path, RequestID: RequestID(r.Context())}
	var inv *fault.Invalid
	var msg *fault.Message
	switch {
	case errors.As(err, &inv):
		b.Status, b.Type, b.Title, b.Errors = http.StatusUnprocessableEntity, "invalid", "Invalid input", inv.Fields
		b.Detail = inv.Error()
	case errors.Is(err, errMalformed):
		b.Status, b.Type, b.Title = http.StatusBadRequest, "malformed", "Malformed request"
		var fe *fieldError
		if errors.As(err, &fe) && fe.field != "" {
			b.Errors = []fault.Field{{Field: fe.field, Detail: fe.detail}}
		}
		b.Detail = err.Error()
	default:
		kinds := []struct {
			kind   error
			status int
			typ    string
			title  string
		}{
			{fault.ErrNotFound, 404, "not-found", "Not found"},
			{fault.ErrUnauthenticated, 401, "unauthenticated", "Authentication required"},
			{fault.ErrForbidden, 403, "forbidden", "Forbidden"},
			{fault.ErrConflict, 409, "conflict", "Conflict"},
			{fault.ErrState, 409, "invalid-state", "Not possible in the current state"},
			{fault.ErrTooLarge, 413, "too-large", "Too large"},
			{fault.ErrUnsupported, 415, "unsupported-media-type", "Unsupported media type"},
		}
		b.Status, b.Type, b.Title = 500, "internal", "Internal error"
		b.Detail = "something went wrong on our side; quote request id " + b.RequestID + " to the operator"
		for _, k := range kinds {
			if errors.Is(err, k.kind) {
				b.Status, b.Type, b.Title = k.status, k.typ, k.title
				b.Detail = k.kind.Error()
				if errors.As(err, &msg) {
					b.Detail = msg.Text
				}
				if k.kind == fault.ErrNotFound {
					b.Detail = "not found" // never say whose or why
				}
				break
			}
		}
		if b.Status == 500 {
			s.log.Error("internal error", "request_id", b.RequestID, "path", r.URL.Path, "err", err)
		}
	}
	b.Type = "urn:dajia:problem:" + b.Type
	if b.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dajia"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(b.Status)
	json.NewEncoder(w).Encode(b)
}

func tooLarge(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fault.New(fault.ErrTooLarge, "request body is larger than %d bytes", limit)
	}
	return fmt.Errorf("%w: read body: %v", errMalformed, err)
}
