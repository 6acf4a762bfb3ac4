// Package app holds dajia's use cases. Each loads what it needs from the
// store, asks the authorization policy (auth.Check), applies the domain
// rules, and commits the new state together with its audit entry and its
// outbox message in one transaction.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/blob"
	"github.com/dajia-project/dajia/internal/calendar"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/store"
)

// App is the service layer over one store.
type App struct {
	db       *store.DB
	blobs    blob.Store
	limits   blob.Limits
	now      func() time.Time
	log      *slog.Logger
	password auth.PasswordParams
	profiles *policy.Set
	dl       deadlines
	resolve  policy.ResolveConfig
	wake     func()

	identifierSecret []byte
}

// Options configure an App.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Log receives operational messages.
	Log *slog.Logger
	// Upload limits for evidence files (blob.DefaultLimits when zero).
	Limits blob.Limits
	// Password hashing cost (auth.DefaultPasswordParams when zero).
	Password auth.PasswordParams
	// Profiles are the legal policy profiles (the embedded ones when nil).
	Profiles *policy.Set
	// Calendars are the legal calendars (the embedded ones when nil).
	Calendars *calendar.Set
	// EnabledProfiles restricts the profiles in force (all when nil).
	EnabledProfiles []string
	// PlatformRoles are the roles the platform plays for profile
	// resolution (default: marketplace, online_platform).
	PlatformRoles []string
	// IdentifierKey keys the hashes of sellers' identifiers (phone, ID
	// number, bank account…). Kept outside the database, a stolen dump
	// cannot be brute-forced; when empty, a key is generated and kept in
	// the settings table.
	IdentifierKey []byte
	// ActionsCommitted is called after a transaction that enqueued
	// enforcement actions commits (to wake the dispatcher).
	ActionsCommitted func()
}

// New returns the service layer. Profiles and calendars an operator
// overrides are loaded (and their errors reported) by the caller; the
// embedded ones are validated by their packages' tests, so failing to load
// them means a broken build and panics.
func New(db *store.DB, blobs blob.Store, o Options) *App {
	a := &App{db: db, blobs: blobs, limits: o.Limits, now: o.Now, log: o.Log, password: o.Password, profiles: o.Profiles}
	var err error
	if a.profiles == nil {
		if a.profiles, err = policy.Default(); err != nil {
			panic(fmt.Sprintf("embedded policy profiles do not load: %v", err))
		}
	}
	cals := o.Calendars
	if cals == nil {
		if cals, err = calendar.Builtin(); err != nil {
			panic(fmt.Sprintf("embedded calendars do not load: %v", err))
		}
	}
	a.dl = deadlines{cals}
	a.wake = o.ActionsCommitted
	a.identifierSecret = o.IdentifierKey
	a.resolve = policy.ResolveConfig{EnabledProfiles: o.EnabledProfiles, PlatformRoles: o.PlatformRoles}
	if a.resolve.PlatformRoles == nil {
		a.resolve.PlatformRoles = []string{"marketplace", "online_platform"}
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.limits.MaxBytes == 0 {
		a.limits = blob.DefaultLimits()
	}
	if a.password.Memory == 0 {
		a.password = auth.DefaultPasswordParams
	}
	return a
}

// Profiles returns the policy profiles in force.
func (a *App) Profiles() *policy.Set { return a.profiles }

// DB exposes the store for read models the edges render directly.
func (a *App) DB() *store.DB { return a.db }

// Now is the service clock, in UTC.
func (a *App) Now() time.Time { return a.now().UTC() }

// change describes one audited state change.
type change struct {
	action     string // e.g. "organization.review"; also the outbox topic
	objectType string
	objectID   string
	orgID      string // the organisation that owns the object
	before     any    // nil for a creation
	after      any
	reason     string
}

// record appends the audit entry for c and enqueues its event in the
// transaction, so that the change, its audit entry and its message commit
// or fail together.
func (a *App) record(ctx context.Context, tx *store.Tx, p auth.Principal, now time.Time, c change) error {
	var before, after json.RawMessage
	var err error
	if c.before != nil {
		if before, err = json.Marshal(c.before); err != nil {
			return err
		}
	}
	if c.after != nil {
		if after, err = json.Marshal(c.after); err != nil {
			return err
		}
	}
	e, err := tx.AppendAudit(ctx, audit.Entry{At: now, ActorID: p.ActorID(), ActorOrgID: p.OrgID, Automated: p.KeyID != "" || p.UserID == "system",
		Action: c.action, ObjectType: c.objectType, ObjectID: c.objectID, OrgID: c.orgID, Before: before, After: after, Reason: c.reason})
	if err != nil {
		return err
	}
	head, err := json.Marshal(struct {
		Type       string    `json:"type"`
		ObjectType string    `json:"object_type"`
		ObjectID   string    `json:"object_id"`
		OrgID      string    `json:"org_id"`
		AuditSeq   int64     `json:"audit_seq"`
		At         time.Time `json:"at"`
	}{c.action, c.objectType, c.objectID, c.orgID, e.Seq, now})
	if err != nil {
		return err
	}
	// The object is spliced in as marshalled above rather than re-encoded
	// (re-validating a large document for every event is measurable).
	event := head
	if after != nil {
		event = append(append(append(head[:len(head)-1:len(head)-1], `,"object":`...), after...), '}')
	}
	if _, err := tx.Enqueue(ctx, c.action, c.objectID, event, now); err != nil {
		return fmt.Errorf("enqueue %s: %w", c.action, err)
	}
	return nil
}
