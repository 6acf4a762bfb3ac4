package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/sor"
	"github.com/dajia-project/dajia/internal/store"
)

// Deadline is a deadline on an item as shown to its parties: the instant,
// the calendar and rule that produced it, and its status.
type Deadline struct {
	ID              string    `json:"id"`
	Kind            string    `json:"kind"`
	Profile         string    `json:"profile"`
	DueAt           time.Time `json:"due_at"`
	LatestAt        time.Time `json:"latest_at,omitzero"`
	Local           string    `json:"local"`    // the due instant in the profile's zone, in English
	LocalZH         string    `json:"local_zh"` // the same in Chinese
	Calendar        string    `json:"calendar"`
	CalendarVersion string    `json:"calendar_version"`
	Rule            string    `json:"rule,omitempty"`
	RuleRef         string    `json:"rule_ref"`
	Status          string    `json:"status"`
}

// ItemView is an item as its reader sees it.
type ItemView struct {
	Item
	State      string          `json:"state"`
	Rev        int             `json:"rev"`
	Deadlines  []Deadline      `json:"deadlines"`
	Statements []sor.Statement `json:"statements"`
	ClaimedBy  string          `json:"claimed_by,omitempty"`
}

func (a *App) itemView(ctx context.Context, q *store.Querier, p auth.Principal, it Item, rec store.ItemRecord) (ItemView, error) {
	v := ItemView{Item: it, State: it.State(), Rev: rec.Rev, Deadlines: []Deadline{}, Statements: []sor.Statement{}}
	if p.Platform() {
		v.ClaimedBy = rec.ClaimedBy
	}
	timers, err := q.ItemTimers(ctx, it.ID)
	if err != nil {
		return v, err
	}
	for _, t := range timers {
		if t.Kind == "reminder" {
			continue
		}
		en, zh := formatDue(t.DueAt, t.Profile)
		v.Deadlines = append(v.Deadlines, Deadline{ID: t.ID, Kind: t.Kind, Profile: t.Profile, DueAt: t.DueAt, LatestAt: t.LatestAt, Local: en, LocalZH: zh,
			Calendar: t.Calendar, CalendarVersion: t.CalendarVersion, Rule: t.Rule, RuleRef: t.RuleRef, Status: t.Status})
	}
	sts, err := q.ItemStatements(ctx, it.ID)
	if err != nil {
		return v, err
	}
	for _, d := range sts {
		var s sor.Statement
		if err := json.Unmarshal(d.Doc, &s); err != nil {
			return v, err
		}
		v.Statements = append(v.Statements, s)
	}
	return v, nil
}

// Item returns an item its parties or platform staff may see.
func (a *App) Item(ctx context.Context, p auth.Principal, itemID string) (ItemView, error) {
	rec, err := a.db.Item(ctx, itemID)
	if err != nil {
		return ItemView{}, err
	}
	it, err := decodeItem(rec)
	if err != nil {
		return ItemView{}, err
	}
	if err := auth.Check(p, auth.ItemRead, itemResource(it, "")); err != nil {
		return ItemView{}, err
	}
	return a.itemView(ctx, &a.db.Querier, p, it, rec)
}

// ItemQuery filters a list of items.
type ItemQuery struct {
	NoticeID  string
	ListingID string
	State     string
	OpenOnly  bool
}

// ItemSummary is an item in a list.
type ItemSummary struct {
	ID           string    `json:"id"`
	NoticeID     string    `json:"notice_id,omitempty"`
	ListingID    string    `json:"listing_id"`
	ListingTitle string    `json:"listing_title"`
	RightID      string    `json:"right_id,omitempty"`
	RightLabel   string    `json:"right_label,omitempty"`
	NotifierName string    `json:"notifier_name,omitempty"`
	State        string    `json:"state"`
	Profiles     []string  `json:"profiles"`
	Trusted      bool      `json:"trusted"`
	NextDeadline time.Time `json:"next_deadline,omitzero"`
	SLADueAt     time.Time `json:"sla_due_at,omitzero"`
	ReceivedAt   time.Time `json:"received_at"`
	Rev          int       `json:"rev"`
}

func summarize(rec store.ItemRecord, it Item) ItemSummary {
	s := ItemSummary{ID: it.ID, NoticeID: it.NoticeID, ListingID: it.ListingID, ListingTitle: it.ListingTitle, RightID: it.RightID,
		RightLabel: it.RightLabel, NotifierName: it.NotifierName, State: it.State(), Profiles: rec.Profiles, Trusted: rec.Trusted,
		SLADueAt: rec.SLADueAt, ReceivedAt: rec.ReceivedAt, Rev: rec.Rev}
	if s.Profiles == nil {
		s.Profiles = []string{}
	}
	for _, t := range it.Case.RunningTimers() {
		if t.Kind != notice.TimerReviewSLA && (s.NextDeadline.IsZero() || t.DueAt.Before(s.NextDeadline)) {
			s.NextDeadline = t.DueAt
		}
	}
	return s
}

// Items lists items: a rights holder's or agent's notices' items, a seller's
// items against its listings, or (staff) all.
func (a *App) Items(ctx context.Context, p auth.Principal, q ItemQuery, page store.Page) ([]ItemSummary, string, error) {
	if err := auth.Check(p, auth.ItemList, auth.Resource{Kind: auth.KindItem}); err != nil {
		return nil, "", err
	}
	if p.OrgKind == registry.KindAgent {
		return a.agentItems(ctx, p, q, page)
	}
	f := store.ItemFilter{NoticeID: q.NoticeID, ListingID: q.ListingID, State: q.State, OpenOnly: q.OpenOnly}
	if !p.Platform() {
		f.Party = p.OrgID
	}
	recs, next, err := a.db.Items(ctx, f, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]ItemSummary, 0, len(recs))
	for _, rec := range recs {
		it, err := decodeItem(rec)
		if err != nil {
			return nil, "", err
		}
		out = append(out, summarize(rec, it))
	}
	return out, next, nil
}

// agentItems lists the items an agent filed (for its principals).
func (a *App) agentItems(ctx context.Context, p auth.Principal, q ItemQuery, page store.Page) ([]ItemSummary, string, error) {
	notices, _, err := a.db.Notices(ctx, p.OrgID, store.Page{Limit: 500})
	if err != nil {
		return nil, "", err
	}
	var out []ItemSummary
	for _, n := range notices {
		if q.NoticeID != "" && n.ID != q.NoticeID {
			continue
		}
		recs, _, err := a.db.Items(ctx, store.ItemFilter{NoticeID: n.ID, ListingID: q.ListingID, State: q.State, OpenOnly: q.OpenOnly}, store.Page{Limit: 500})
		if err != nil {
			return nil, "", err
		}
		for _, rec := range recs {
			if rec.ID <= page.After && page.After != "" {
				continue
			}
			it, err := decodeItem(rec)
			if err != nil {
				return nil, "", err
			}
			if it.FiledByOrgID == p.OrgID {
				out = append(out, summarize(rec, it))
			}
		}
	}
	return out, "", nil
}

// Notice returns a notice its notifier, its filer or staff may see, with its items.
func (a *App) Notice(ctx context.Context, p auth.Principal, noticeID string) (Notice, error) {
	var n Notice
	rec, err := a.db.Notice(ctx, noticeID)
	if err != nil {
		return n, err
	}
	res := auth.Resource{Kind: auth.KindNotice, OrgID: rec.NotifierOrgID, Parties: []string{rec.FiledByOrgID}}
	if err := auth.Check(p, auth.NoticeRead, res); err != nil {
		return n, err
	}
	return n, json.Unmarshal(rec.Doc, &n)
}

// Notices lists the notices filed by or for the caller's organisation (staff: all).
func (a *App) Notices(ctx context.Context, p auth.Principal, page store.Page) ([]Notice, string, error) {
	if err := auth.Check(p, auth.ItemList, auth.Resource{Kind: auth.KindItem}); err != nil {
		return nil, "", err
	}
	org := p.OrgID
	if p.Platform() {
		org = ""
	}
	recs, next, err := a.db.Notices(ctx, org, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]Notice, 0, len(recs))
	for _, r := range recs {
		var n Notice
		if err := json.Unmarshal(r.Doc, &n); err != nil {
			return nil, "", err
		}
		out = append(out, n)
	}
	return out, next, nil
}

// ReviewQueue is the reviewer's queue: trusted notifiers first, then by the
// review deadline of the profile.
func (a *App) ReviewQueue(ctx context.Context, p auth.Principal, limit int) ([]ItemSummary, error) {
	if err := auth.Check(p, auth.ItemReview, auth.Resource{Kind: auth.KindItem}); err != nil {
		return nil, err
	}
	recs, err := a.db.ReviewQueue(ctx, p.ActorID(), a.Now(), limit)
	if err != nil {
		return nil, err
	}
	out := make([]ItemSummary, 0, len(recs))
	for _, rec := range recs {
		it, err := decodeItem(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, summarize(rec, it))
	}
	return out, nil
}

// Statement returns a statement of reasons (the seller it concerns, the
// notifier and staff may read it).
func (a *App) Statement(ctx context.Context, p auth.Principal, statementID string) (sor.Statement, error) {
	var s sor.Statement
	d, err := a.db.Statement(ctx, statementID)
	if err != nil {
		return s, err
	}
	if _, err := a.Item(ctx, p, d.ItemID); err != nil {
		return s, err
	}
	return s, json.Unmarshal(d.Doc, &s)
}

// InboxMessage is a message in an organisation's inbox.
type InboxMessage struct {
	ID     string    `json:"id"`
	ItemID string    `json:"item_id"`
	At     time.Time `json:"at"`
	ReadAt time.Time `json:"read_at,omitzero"`
	Message
}

// Inbox lists the caller's organisation's messages, newest first.
func (a *App) Inbox(ctx context.Context, p auth.Principal, page store.Page) ([]InboxMessage, string, error) {
	if p.OrgID == "" {
		return nil, "", fault.ErrUnauthenticated
	}
	recs, next, err := a.db.Inbox(ctx, p.OrgID, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]InboxMessage, 0, len(recs))
	for _, r := range recs {
		m := InboxMessage{ID: r.ID, ItemID: r.ItemID, At: r.CreatedAt, ReadAt: r.ReadAt}
		if err := json.Unmarshal(r.Doc, &m.Message); err != nil {
			return nil, "", err
		}
		out = append(out, m)
	}
	return out, next, nil
}

// MarkRead marks one of the caller's organisation's messages read.
func (a *App) MarkRead(ctx context.Context, p auth.Principal, msgID string) error {
	return a.db.MarkRead(ctx, p.OrgID, msgID, a.Now())
}

// PublicRegister is the public ECL Art. 44 register, newest first.
func (a *App) PublicRegister(ctx context.Context, page store.Page) ([]RegisterEntry, string, error) {
	recs, next, err := a.db.Register(ctx, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]RegisterEntry, 0, len(recs))
	for _, r := range recs {
		var e RegisterEntry
		if err := json.Unmarshal(r.Doc, &e); err != nil {
			return nil, "", err
		}
		out = append(out, e)
	}
	return out, next, nil
}

// SellerStrikes is a seller's strike ledger with each strike's expiry.
type SellerStrikes struct {
	SellerID  string                 `json:"seller_id"`
	Strikes   []StrikeView           `json:"strikes"`
	Sanctions []store.SanctionRecord `json:"sanctions"`
}

// StrikeView is one strike with the date its profile's window ends.
type StrikeView struct {
	store.StrikeRecord
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Strikes returns a seller's strikes: the seller organisation itself, or staff.
func (a *App) Strikes(ctx context.Context, p auth.Principal, sellerID string) (SellerStrikes, error) {
	seller, err := a.db.Seller(ctx, sellerID)
	if err != nil {
		return SellerStrikes{}, err
	}
	if err := auth.Check(p, auth.ItemRead, auth.Resource{Kind: auth.KindItem, OrgID: seller.OrgID}); err != nil {
		return SellerStrikes{}, err
	}
	recs, err := a.db.Strikes(ctx, sellerID)
	if err != nil {
		return SellerStrikes{}, err
	}
	out := SellerStrikes{SellerID: sellerID, Strikes: []StrikeView{}}
	for _, r := range recs {
		v := StrikeView{StrikeRecord: r}
		if prof, err := a.profiles.Profile(r.Profile); err == nil && !prof.RepeatInfringer.Window.IsZero() {
			if at, err := a.dl.Due(r.CreatedAt, prof.RepeatInfringer.Window, ""); err == nil {
				v.ExpiresAt = at
			}
		}
		out.Strikes = append(out.Strikes, v)
	}
	if out.Sanctions, err = a.db.Sanctions(ctx, "seller", sellerID); err != nil {
		return out, err
	}
	if out.Sanctions == nil {
		out.Sanctions = []store.SanctionRecord{}
	}
	return out, nil
}

// ProfileAccuracy is a notifier's accuracy under one profile, with the
// figures behind the verdict.
type ProfileAccuracy struct {
	Profile  string                  `json:"profile"`
	Since    time.Time               `json:"since"`
	Outcomes notice.NotifierOutcomes `json:"outcomes"`
	// Steps is how many misuse steps were already taken in the window.
	Steps    int             `json:"steps"`
	Accuracy notice.Accuracy `json:"accuracy"`
}

// Accuracy returns a rights holder's accuracy figures and lane (its own, or staff).
func (a *App) Accuracy(ctx context.Context, p auth.Principal, orgID string) ([]ProfileAccuracy, error) {
	if orgID == "" {
		orgID = p.OrgID
	}
	if err := auth.Check(p, auth.ItemRead, auth.Resource{Kind: auth.KindItem, OrgID: orgID}); err != nil {
		return nil, err
	}
	return a.accuracy(ctx, &a.db.Querier, orgID, a.Now())
}

// accuracy counts a notifier's decided items per profile over each
// profile's metrics window and rates them.
func (a *App) accuracy(ctx context.Context, q *store.Querier, orgID string, now time.Time) ([]ProfileAccuracy, error) {
	var out []ProfileAccuracy
	for _, pid := range a.profiles.IDs() {
		prof, err := a.profiles.Profile(pid)
		if err != nil {
			return nil, err
		}
		since := now.AddDate(0, -3, 0)
		if w := prof.NotifierMisuse.Metrics.Window; !w.IsZero() {
			if end, err := a.dl.Due(now, w, ""); err == nil {
				since = now.Add(-end.Sub(now))
			}
		}
		o, err := a.outcomes(ctx, q, orgID, pid, since)
		if err != nil {
			return nil, err
		}
		if o == (notice.NotifierOutcomes{}) {
			continue
		}
		taken, err := q.Sanctions(ctx, "notifier", orgID)
		if err != nil {
			return nil, err
		}
		steps := 0
		for _, s := range taken {
			if s.Profile == pid && s.CreatedAt.After(since) {
				steps++
			}
		}
		wasTrusted := false
		for _, s := range taken {
			if s.Profile == pid && s.Action == "trusted_lane" && s.CreatedAt.After(since) {
				wasTrusted = true
			}
		}
		out = append(out, ProfileAccuracy{Profile: pid, Since: since, Outcomes: o, Steps: steps, Accuracy: notice.Assess(o, prof, wasTrusted, steps)})
	}
	return out, nil
}

// outcomes counts a notifier's items under one profile received since a time.
func (a *App) outcomes(ctx context.Context, q *store.Querier, orgID, profile string, since time.Time) (notice.NotifierOutcomes, error) {
	var o notice.NotifierOutcomes
	page := store.Page{Limit: 500}
	for {
		recs, next, err := q.Items(ctx, store.ItemFilter{Notifier: orgID}, page)
		if err != nil {
			return o, err
		}
		for _, rec := range recs {
			if rec.ReceivedAt.Before(since) || rec.DuplicateOf != "" {
				continue
			}
			it, err := decodeItem(rec)
			if err != nil {
				return o, err
			}
			for _, s := range it.Case.Scopes {
				if s.Profile != profile {
					continue
				}
				switch {
				case it.Case.State == notice.StateRejected || s.Status == notice.ScopeNoAction:
					o.Rejected++
					if manifestlyUnfounded(it) {
						o.ManifestlyUnfounded++
					}
				case it.Case.Decision != nil && it.Case.Decision.Outcome == notice.OutcomeAction:
					o.Accepted++
					if s.Status == notice.ScopeRestored {
						if it.Case.Counter != nil {
							o.RestoredAfterCounter++
						} else if len(it.Case.Complaints) > 0 {
							o.ReversedOnAppeal++
						}
					}
				}
			}
		}
		if next == "" {
			return o, nil
		}
		page.After = next
	}
}

var _ = fmt.Sprint

func manifestlyUnfounded(it Item) bool {
	for _, f := range it.Filings {
		if f.Kind == "decision" && f.Fields["manifestly_unfounded"] == "true" {
			return true
		}
	}
	return false
}
