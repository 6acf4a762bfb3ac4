package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// TopicListingChanged is the audit action and outbox topic of a new
// listing version; detection consumes it.
const TopicListingChanged = "listing.changed"

// CheckCatalogWrite tells an edge, before it reads a request body, whether
// p may push listings and sellers at all (the policy decides).
func (a *App) CheckCatalogWrite(p auth.Principal) error {
	return auth.Check(p, auth.ListingWrite, auth.Resource{Kind: auth.KindListing})
}

// checkCatalogRead asks the policy whether p may read a listing or seller
// owned by the seller organisation ownerOrgID; a listing whose seller is not
// synced yet belongs to no organisation and only staff see it.
func checkCatalogRead(p auth.Principal, kind auth.Kind, ownerOrgID string) error {
	if ownerOrgID == "" {
		ownerOrgID = "unlinked"
	}
	act := auth.ListingRead
	if kind == auth.KindSeller {
		act = auth.SellerRead
	}
	return auth.Check(p, act, auth.Resource{Kind: kind, OrgID: ownerOrgID})
}

// identifierKey is the server secret keying sellers' identifier hashes,
// created on first use and kept in the settings table.
func (a *App) identifierKey(ctx context.Context) ([]byte, error) {
	if len(a.identifierSecret) > 0 {
		return a.identifierSecret, nil
	}
	v, err := a.db.Setting(ctx, "identifier_hmac_key", func() string {
		b := make([]byte, 32)
		rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	})
	if err != nil {
		return nil, fmt.Errorf("identifier key: %w", err)
	}
	return []byte(v), nil
}

// --- sellers ---

// SellerResult is what became of a seller sent by the marketplace.
type SellerResult struct {
	Seller catalog.Seller `json:"seller"`
	// Outcome is accepted (created or changed) or unchanged.
	Outcome catalog.Outcome `json:"outcome"`
	Created bool            `json:"created"`
}

// PutSeller creates or updates a seller from the marketplace. On first
// sight it also creates the seller's dajia organisation (kind seller,
// verified) so that its people can be given accounts. Identifiers are kept
// only as keyed hashes. An identical re-send changes nothing.
func (a *App) PutSeller(ctx context.Context, p auth.Principal, sellerID string, in catalog.SellerInput) (SellerResult, error) {
	var res SellerResult
	if err := auth.Check(p, auth.SellerWrite, auth.Resource{Kind: auth.KindSeller}); err != nil {
		return res, err
	}
	if in.ID == "" {
		in.ID = sellerID
	}
	if in.ID != sellerID {
		return res, fault.InvalidField("id", "must equal the seller id in the path (%s)", sellerID)
	}
	key, err := a.identifierKey(ctx)
	if err != nil {
		return res, err
	}
	s, err := catalog.NewSeller(in, key)
	if err != nil {
		return res, err
	}
	for attempt := 0; ; attempt++ {
		res, err = a.putSeller(ctx, p, s)
		// Two first sightings of one seller racing on PostgreSQL: the loser
		// sees the winner's row on the second attempt.
		if err == nil || attempt > 0 || !errors.Is(err, fault.ErrConflict) {
			return res, err
		}
	}
}

func (a *App) putSeller(ctx context.Context, p auth.Principal, s catalog.Seller) (SellerResult, error) {
	res := SellerResult{Outcome: catalog.Accepted}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := tx.SellerForUpdate(ctx, s.ID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			o, err := registry.NewOrganisation(id.New("org", now), registry.KindSeller, registry.OrgDetails{LegalName: s.Name, Country: s.Country}, now)
			if err != nil {
				return err
			}
			if err := tx.InsertOrg(ctx, o); err != nil {
				return err
			}
			if err := a.record(ctx, tx, p, now, change{action: "organization.create", objectType: "organization", objectID: o.ID, orgID: o.ID,
				after: o, reason: "seller " + s.ID + " first seen"}); err != nil {
				return err
			}
			s.OrgID, s.CreatedAt, s.UpdatedAt = o.ID, now, now
			if err := tx.InsertSeller(ctx, s); err != nil {
				return err
			}
			if err := tx.SyncSellerIdentifiers(ctx, s.ID, s.IdentifierHashes, now); err != nil {
				return err
			}
			res.Created = true
			return a.record(ctx, tx, p, now, change{action: "seller.create", objectType: "seller", objectID: s.ID, orgID: o.ID, after: s})
		case err != nil:
			return err
		case cur.SameContent(s):
			s, res.Outcome = cur, catalog.Unchanged
			return nil
		}
		s.OrgID, s.CreatedAt, s.UpdatedAt = cur.OrgID, cur.CreatedAt, now
		if err := tx.UpdateSeller(ctx, s); err != nil {
			return err
		}
		if err := tx.SyncSellerIdentifiers(ctx, s.ID, s.IdentifierHashes, now); err != nil {
			return err
		}
		if err := a.record(ctx, tx, p, now, change{action: "seller.update", objectType: "seller", objectID: s.ID, orgID: s.OrgID, before: cur, after: s}); err != nil {
			return err
		}
		if cur.Name == s.Name && cur.Country == s.Country {
			return nil
		}
		// The organisation carries the seller's name and country.
		before, err := tx.OrgForUpdate(ctx, s.OrgID)
		if err != nil {
			return err
		}
		o := before
		o.LegalName, o.Country, o.UpdatedAt = s.Name, s.Country, now
		if err := tx.UpdateOrg(ctx, o); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "organization.update", objectType: "organization", objectID: o.ID, orgID: o.ID,
			before: before, after: o, reason: "seller " + s.ID + " renamed by the marketplace"})
	})
	res.Seller = s
	return res, err
}

// Seller returns a seller the caller may see (platform staff; the seller's
// own organisation).
func (a *App) Seller(ctx context.Context, p auth.Principal, sellerID string) (catalog.Seller, error) {
	s, err := a.db.Seller(ctx, sellerID)
	if err != nil {
		return s, err
	}
	return s, checkCatalogRead(p, auth.KindSeller, s.OrgID)
}

// --- listings ---

// ListingResult is what became of one listing sent by the marketplace.
type ListingResult struct {
	// Line is the NDJSON line number (1-based) in a batch; 0 for a single PUT.
	Line    int             `json:"line,omitempty"`
	ID      string          `json:"id,omitempty"`
	Outcome catalog.Outcome `json:"outcome"`
	// Version is the version stored (accepted) or the current one
	// (unchanged, stale).
	Version int           `json:"version,omitempty"`
	Errors  []fault.Field `json:"errors,omitempty"`
}

// PutListing stores a listing from the marketplace as a new version if its
// content changed; an identical re-send is unchanged, and an older
// updated_at than the current version's is stale (ignored, reported).
func (a *App) PutListing(ctx context.Context, p auth.Principal, listingID string, l catalog.Listing) (ListingResult, error) {
	if err := auth.Check(p, auth.ListingWrite, auth.Resource{Kind: auth.KindListing}); err != nil {
		return ListingResult{}, err
	}
	if l.ID != listingID {
		return ListingResult{}, fault.InvalidField("id", "must equal the listing id in the path (%s)", listingID)
	}
	results, err := a.commitListings(ctx, p, []pendingListing{{listing: l}})
	if err != nil {
		return ListingResult{}, err
	}
	return results[0], nil
}

// pendingListing is a valid listing waiting to be committed.
type pendingListing struct {
	line    int
	listing catalog.Listing
}

// commitListings decides and stores a chunk of valid listings in one
// transaction. Listing rows are locked (or created) in id order before the
// first audit entry is appended, so concurrent batches never deadlock on
// the audit head while holding listing rows the other one wants.
func (a *App) commitListings(ctx context.Context, p auth.Principal, items []pendingListing) ([]ListingResult, error) {
	now := a.Now()
	var results []ListingResult
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		results = make([]ListingResult, len(items)) // fresh on a retried attempt
		first := map[string]catalog.Listing{}
		var ids, sellerIDs []string
		for _, it := range items {
			if _, ok := first[it.listing.ID]; !ok {
				first[it.listing.ID] = it.listing
				ids = append(ids, it.listing.ID)
			}
			sellerIDs = append(sellerIDs, it.listing.SellerID)
		}
		slices.Sort(ids)
		slices.Sort(sellerIDs)
		heads, err := tx.ListingHeadsForUpdate(ctx, ids)
		if err != nil {
			return err
		}
		inserted := map[string]bool{}
		for _, lid := range ids {
			if _, ok := heads[lid]; ok {
				continue
			}
			ok, err := tx.InsertListing(ctx, first[lid], now)
			if err != nil {
				return err
			}
			if ok {
				inserted[lid] = true
				continue
			}
			// A concurrent transaction created it first: lock what it wrote.
			won, err := tx.ListingHeadsForUpdate(ctx, []string{lid})
			if err != nil {
				return err
			}
			heads[lid] = won[lid]
		}
		orgs, err := tx.SellerOrgs(ctx, slices.Compact(sellerIDs))
		if err != nil {
			return err
		}
		type final struct {
			listing catalog.Listing
			version int
		}
		finals := map[string]final{}
		for i, it := range items {
			l := it.listing
			cur := heads[l.ID]
			r := ListingResult{Line: it.line, ID: l.ID, Outcome: catalog.Decide(cur, l), Version: cur.Version}
			if r.Outcome == catalog.Accepted {
				next := cur.Next(l)
				if err := tx.InsertListingVersion(ctx, l, next.Version, now); err != nil {
					return err
				}
				if err := a.recordListing(ctx, tx, p, now, l, cur, next, orgs[l.SellerID]); err != nil {
					return err
				}
				if !(next.Version == 1 && inserted[l.ID]) {
					finals[l.ID] = final{l, next.Version}
				}
				heads[l.ID], r.Version = next, next.Version
			}
			results[i] = r
		}
		for _, lid := range ids {
			if f, ok := finals[lid]; ok {
				if err := tx.UpdateListing(ctx, f.listing, f.version, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// listingVersionRef is how the audit log refers to a listing version: the
// document itself is in listing_versions, and its content hash in the
// sealed audit entry makes any later edit of it detectable.
type listingVersionRef struct {
	Version     int       `json:"version"`
	ContentHash string    `json:"content_hash"`
	SellerID    string    `json:"seller_id,omitempty"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// ListingChange is the object of a listing.changed message.
type ListingChange struct {
	Version         int             `json:"version"`
	PreviousVersion int             `json:"previous_version,omitempty"`
	ContentHash     string          `json:"content_hash"`
	SellerID        string          `json:"seller_id"`
	Markets         []string        `json:"markets"`
	Listing         catalog.Listing `json:"listing"`
}

// recordListing appends the audit entry of a new listing version and
// enqueues its listing.changed message (with the whole document, so that
// detection needs no database read).
func (a *App) recordListing(ctx context.Context, tx *store.Tx, p auth.Principal, now time.Time, l catalog.Listing, cur, next catalog.Head, orgID string) error {
	var before []byte
	var err error
	if cur.Version > 0 {
		if before, err = json.Marshal(listingVersionRef{Version: cur.Version, ContentHash: cur.ContentHash, UpdatedAt: cur.UpdatedAt}); err != nil {
			return err
		}
	}
	after, err := json.Marshal(listingVersionRef{Version: next.Version, ContentHash: next.ContentHash, SellerID: l.SellerID, UpdatedAt: l.UpdatedAt})
	if err != nil {
		return err
	}
	e, err := tx.AppendAudit(ctx, audit.Entry{At: now, ActorID: p.ActorID(), ActorOrgID: p.OrgID, Automated: p.KeyID != "" || p.UserID == "system",
		Action: TopicListingChanged, ObjectType: "listing", ObjectID: l.ID, OrgID: orgID, Before: before, After: after})
	if err != nil {
		return err
	}
	markets := l.Markets
	if markets == nil {
		markets = []string{}
	}
	event, err := json.Marshal(struct {
		Type       string        `json:"type"`
		ObjectType string        `json:"object_type"`
		ObjectID   string        `json:"object_id"`
		OrgID      string        `json:"org_id"`
		AuditSeq   int64         `json:"audit_seq"`
		At         time.Time     `json:"at"`
		Object     ListingChange `json:"object"`
	}{TopicListingChanged, "listing", l.ID, orgID, e.Seq, now,
		ListingChange{Version: next.Version, PreviousVersion: cur.Version, ContentHash: next.ContentHash, SellerID: l.SellerID, Markets: markets, Listing: l}})
	if err != nil {
		return err
	}
	if _, err := tx.Enqueue(ctx, TopicListingChanged, l.ID, event, now); err != nil {
		return fmt.Errorf("enqueue %s: %w", TopicListingChanged, err)
	}
	return nil
}

// --- batches ---

// BatchOptions tune PutListingsBatch.
type BatchOptions struct {
	// StopOnError stops at the first invalid line (lines before it are
	// still committed); otherwise invalid lines are reported and skipped.
	StopOnError bool
	// MaxLineBytes limits one line (catalog.MaxListingBytes when zero).
	MaxLineBytes int
	// ChunkSize is the number of valid lines committed per transaction
	// (DefaultChunkSize when zero).
	ChunkSize int
	// Committed, when set, is called after each transaction commits with
	// the results of the lines it stored: what it reports is durable.
	Committed func([]ListingResult)
}

// DefaultChunkSize is the number of listings per transaction in a batch.
const DefaultChunkSize = 250

// MaxReportedProblems bounds the per-line problems in a batch report.
const MaxReportedProblems = 1000

// BatchReport is the result of a batch: counts of every outcome and the
// lines that were not accepted as sent (invalid and stale), in order.
type BatchReport struct {
	Lines     int `json:"lines"`
	Accepted  int `json:"accepted"`
	Unchanged int `json:"unchanged"`
	Stale     int `json:"stale"`
	Invalid   int `json:"invalid"`
	// Problems are the first MaxReportedProblems invalid or stale lines.
	Problems          []ListingResult `json:"problems"`
	ProblemsTruncated bool            `json:"problems_truncated,omitempty"`
	// StoppedAtLine is the line at which the batch stopped early (on_error=stop,
	// or a read error), 0 when every line was read.
	StoppedAtLine int `json:"stopped_at_line,omitempty"`
}

func (r *BatchReport) add(res ListingResult) {
	switch res.Outcome {
	case catalog.Accepted:
		r.Accepted++
	case catalog.Unchanged:
		r.Unchanged++
	case catalog.Stale:
		r.Stale++
	case catalog.Invalid:
		r.Invalid++
	}
	if res.Outcome == catalog.Stale || res.Outcome == catalog.Invalid {
		if len(r.Problems) < MaxReportedProblems {
			r.Problems = append(r.Problems, res)
		} else {
			r.ProblemsTruncated = true
		}
	}
}

// PutListingsBatch reads NDJSON (one listing per line) from r as a stream,
// never holding more than one transaction's worth of listings, and commits
// valid lines in transactions of ChunkSize. Blank lines are skipped. It
// returns the report of every line read; on an error (reading, or the
// database) the report covers the lines committed before it, and nothing
// reported accepted is lost.
func (a *App) PutListingsBatch(ctx context.Context, p auth.Principal, r io.Reader, o BatchOptions) (BatchReport, error) {
	rep := BatchReport{Problems: []ListingResult{}}
	if err := auth.Check(p, auth.ListingWrite, auth.Resource{Kind: auth.KindListing}); err != nil {
		return rep, err
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = catalog.MaxListingBytes
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	var pending []pendingListing
	var invalid []ListingResult // invalid lines waiting for the pending chunk, to report in line order
	flush := func() error {
		if len(pending) == 0 {
			for _, res := range invalid {
				rep.add(res)
			}
			invalid = invalid[:0]
			return nil
		}
		results, err := a.commitListings(ctx, p, pending)
		if err != nil {
			return err
		}
		merged := mergeByLine(results, invalid)
		for _, res := range merged {
			rep.add(res)
		}
		if o.Committed != nil {
			o.Committed(results)
		}
		pending, invalid = pending[:0], invalid[:0]
		return nil
	}
	lines := newLineReader(r, o.MaxLineBytes)
	for {
		line, tooLong, err := lines.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			rep.StoppedAtLine = lines.n + 1 // the line being read
			if ferr := flush(); ferr != nil {
				return rep, ferr
			}
			return rep, fmt.Errorf("read line %d: %w", lines.n, err)
		}
		if !tooLong && len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rep.Lines++
		var l catalog.Listing
		if tooLong {
			err = fault.InvalidField("(line)", "is longer than %d bytes", o.MaxLineBytes)
		} else {
			l, err = catalog.ParseListing(line, a.Now())
		}
		if err != nil {
			var inv *fault.Invalid
			if !errors.As(err, &inv) {
				return rep, fmt.Errorf("line %d: %w", lines.n, err)
			}
			invalid = append(invalid, ListingResult{Line: lines.n, ID: lineID(line, tooLong), Outcome: catalog.Invalid, Errors: inv.Fields})
			if o.StopOnError {
				rep.StoppedAtLine = lines.n
				return rep, flush()
			}
			continue
		}
		pending = append(pending, pendingListing{line: lines.n, listing: l})
		if len(pending) >= o.ChunkSize {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	return rep, flush()
}

// mergeByLine merges two line-ordered result lists.
func mergeByLine(a, b []ListingResult) []ListingResult {
	out := make([]ListingResult, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Line < b[0].Line {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// lineID recovers the id of an invalid line when it has one, to help the
// sender find it.
func lineID(line []byte, tooLong bool) string {
	if tooLong {
		return ""
	}
	var v struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(line, &v) != nil {
		return ""
	}
	if s, ok := v.ID.(string); ok && catalog.ValidID(s) {
		return s
	}
	return ""
}

// lineReader reads lines of at most max bytes (without the line end) from
// a stream; a longer line is skipped and reported as too long.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
	n   int // number of the line last returned
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	read := false
	for {
		frag, err := lr.r.ReadSlice('\n')
		read = read || len(frag) > 0
		if !tooLong {
			if len(lr.buf)+len(frag) > lr.max+2 { // room for "\r\n"
				tooLong, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, frag...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && read:
			// The last line has no line end.
		case err != nil:
			return nil, false, err
		}
		break
	}
	lr.n++
	line = bytes.TrimSuffix(bytes.TrimSuffix(lr.buf, []byte("\n")), []byte("\r"))
	if len(line) > lr.max {
		tooLong, line = true, nil
	}
	return line, tooLong, nil
}

// --- reading ---

// ListingView is a version of a listing as the API shows it.
type ListingView struct {
	Listing        catalog.Listing `json:"listing"`
	Version        int             `json:"version"`
	CurrentVersion int             `json:"current_version"`
	ContentHash    string          `json:"content_hash"`
	ReceivedAt     time.Time       `json:"received_at"`
	Markets        []string        `json:"markets"`
	// Price is the price for people, e.g. "CNY 1,999.00".
	Price       string `json:"price"`
	SellerOrgID string `json:"seller_org_id,omitempty"`
}

// Listing returns a version of a listing (0: the current one) if the caller
// may see it: platform staff, or the organisation of its current seller.
func (a *App) Listing(ctx context.Context, p auth.Principal, listingID string, version int) (ListingView, error) {
	var view ListingView
	v, err := a.db.ListingVersion(ctx, listingID, version)
	if errors.Is(err, fault.ErrNotFound) && version != 0 {
		// Say "not found" for a missing version only to those who may see
		// the listing.
		if _, err := a.Listing(ctx, p, listingID, 0); err != nil {
			return view, err
		}
		return view, fmt.Errorf("listing %s has no version %d: %w", listingID, version, fault.ErrNotFound)
	}
	if err != nil {
		return view, err
	}
	orgs, err := a.db.SellerOrgs(ctx, []string{v.SellerID})
	if err != nil {
		return view, err
	}
	if err := checkCatalogRead(p, auth.KindListing, orgs[v.SellerID]); err != nil {
		return view, err
	}
	markets := v.Listing.Markets
	if markets == nil {
		markets = []string{}
	}
	return ListingView{Listing: v.Listing, Version: v.Version, CurrentVersion: v.Current, ContentHash: v.Listing.ContentHash(),
		ReceivedAt: v.ReceivedAt, Markets: markets, Price: v.Listing.Price.Format(), SellerOrgID: orgs[v.SellerID]}, nil
}

// ListingVersions lists a listing's versions after afterVersion, oldest
// first, with the next cursor (0 at the end).
func (a *App) ListingVersions(ctx context.Context, p auth.Principal, listingID string, afterVersion, limit int) ([]store.ListingVersionInfo, int, error) {
	if _, err := a.Listing(ctx, p, listingID, 0); err != nil {
		return nil, 0, err
	}
	return a.db.ListingVersions(ctx, listingID, afterVersion, limit)
}
