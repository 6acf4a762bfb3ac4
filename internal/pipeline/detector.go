package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/stream"
)

// Detector scores listing events and records a lead for each listing
// version the engine suspects. It is a stream.Handler.
type Detector struct {
	App     *app.App
	Engine  *detect.Engine
	Profile *detect.Profile // the protection profile Engine was compiled from
	// Flood is the flood guard the engine was compiled with, if any; it
	// is kept across reloads, and new quarantines are logged.
	Flood *detect.FloodGuard
	Log   *slog.Logger
	// Load, when set, re-reads the profile every OwnersEvery (for a profile
	// kept in the database), so imported data and newly verified marks
	// are scored without a restart; a profile that fails to load or
	// compile keeps the previous one.
	Load func(ctx context.Context) (*detect.Profile, error)
	// Sys is the platform's System principal, under which leads are recorded.
	Sys auth.Principal
	// RunID names the detection run in each lead (e.g. the profile's file
	// and rule set version).
	RunID string
	// OwnersEvery is how often the brand → rights holder map is rebuilt
	// from the rights on file (10 minutes when zero).
	OwnersEvery time.Duration

	mu       sync.Mutex
	owners   map[string]string // brand id → rights holder org id
	ownersAt time.Time
	// write serialises the workers' lead transactions on SQLite, which has
	// one writer: waiting on a mutex is far cheaper than SQLite's busy
	// retries. Scoring stays parallel.
	write sync.Mutex
	// reported counts the quarantines already logged.
	reported int
}

// reportQuarantines logs reference images the flood guard newly
// quarantined, for the detection team to check.
func (d *Detector) reportQuarantines() {
	if d.Flood == nil || d.Log == nil {
		return
	}
	qs := d.Flood.Quarantined()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, q := range qs[min(d.reported, len(qs)):] {
		d.Log.Warn("reference image quarantined: it matched far too many listings; check or replace it", "brand", q.Brand,
			"reference_image", q.ReferenceImage, "matches", q.Matches, "listings_with_images", q.Scored)
	}
	d.reported = max(d.reported, len(qs))
}

// Handle scores a batch of events and stores their leads in one
// transaction; it is idempotent per listing version.
func (d *Detector) Handle(ctx context.Context, events []stream.ListingEvent) error {
	owners, engine, err := d.current(ctx)
	if err != nil {
		return err
	}
	var leads []app.LeadInput
	for _, ev := range events {
		var msg struct {
			Object app.ListingChange `json:"object"`
		}
		if err := json.Unmarshal(ev.Payload, &msg); err != nil {
			// Not retryable: the message will never parse. Skip it rather
			// than block the queue (the outbox keeps the original).
			continue
		}
		ch := msg.Object
		l := ch.Listing
		if l.ID == "" {
			l.ID = ev.ListingID
		}
		r := engine.Score(l, detect.SellerFacts{})
		if r.Verdict != detect.CounterfeitSuspected {
			continue
		}
		leads = append(leads, app.LeadInput{ListingID: ev.ListingID, ListingVersion: ev.Version, ListingTitle: l.Title,
			SellerID: ch.SellerID, BrandOwnerOrgID: owners[r.Features.Brand], RunID: d.RunID, Result: r})
	}
	d.reportQuarantines()
	if len(leads) == 0 {
		return nil
	}
	if d.App.DB().Engine() == "sqlite" {
		d.write.Lock()
		defer d.write.Unlock()
	}
	return d.App.DB().Tx(ctx, func(tx *store.Tx) error {
		for _, in := range leads {
			if _, _, err := d.App.RecordLeadTx(ctx, tx, d.Sys, in); err != nil {
				return fmt.Errorf("lead for %s@%d: %w", in.ListingID, in.ListingVersion, err)
			}
		}
		return nil
	})
}

// current returns the brand owners and the engine, refreshing both every
// OwnersEvery.
func (d *Detector) current(ctx context.Context) (map[string]string, *detect.Engine, error) {
	every := d.OwnersEvery
	if every <= 0 {
		every = 10 * time.Minute
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.owners != nil && time.Since(d.ownersAt) < every {
		return d.owners, d.Engine, nil
	}
	if d.Load != nil && d.owners != nil { // the first batch uses the profile given
		if prof, err := d.Load(ctx); err == nil && len(prof.Brands) > 0 {
			if eng, err := detect.Compile(prof, detect.Options{Flood: d.Flood}); err == nil {
				d.Profile, d.Engine = prof, eng
			}
		}
	}
	owners, err := d.brandOwners(ctx)
	if err != nil {
		return nil, nil, err
	}
	d.owners, d.ownersAt = owners, time.Now()
	return owners, d.Engine, nil
}

// brandOwners maps each protected brand to the rights holder whose
// verified trademark carries one of the brand's names, so that a lead can
// be sent to the brand. A brand no verified mark names has no owner.
func (d *Detector) brandOwners(ctx context.Context) (map[string]string, error) {
	type mark struct{ text, owner string }
	var marks []mark
	page := store.Page{Limit: 500}
	for {
		rights, next, err := d.App.Rights(ctx, d.Sys, app.RightQuery{Type: registry.Trademark, State: registry.RightVerified}, page)
		if err != nil {
			return nil, fmt.Errorf("brand owners: %w", err)
		}
		for _, r := range rights {
			if r.Trademark != nil && r.Trademark.MarkText != "" {
				marks = append(marks, mark{strings.ToUpper(r.Trademark.MarkText), r.OwnerOrgID})
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	owners := map[string]string{}
	for _, b := range d.Profile.Brands {
		for _, name := range b.Names {
			name = strings.ToUpper(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			for _, m := range marks {
				if containsWord(m.text, name) {
					owners[b.ID] = m.owner
					break
				}
			}
			if owners[b.ID] != "" {
				break
			}
		}
	}
	return owners, nil
}

// containsWord reports whether name occurs in text as whole words (Latin
// names) or anywhere (names in other scripts, which have no spaces).
func containsWord(text, name string) bool {
	for i := 0; ; {
		k := strings.Index(text[i:], name)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(name)
		if !isLatin(name) || ((start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end]))) {
			return true
		}
		i = start + 1
	}
}

func isLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
