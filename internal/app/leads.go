package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// LeadState is where a detection lead stands in triage.
type LeadState string

// Lead states: open → confirmed | dismissed | sent_to_brand;
// sent_to_brand → brand_confirmed | brand_rejected (or, if the platform does
// not wait for the brand, confirmed | dismissed).
const (
	LeadOpen           LeadState = "open"
	LeadConfirmed      LeadState = "confirmed"
	LeadDismissed      LeadState = "dismissed"
	LeadSentToBrand    LeadState = "sent_to_brand"
	LeadBrandConfirmed LeadState = "brand_confirmed"
	LeadBrandRejected  LeadState = "brand_rejected"
)

var leadStates = []LeadState{LeadOpen, LeadConfirmed, LeadDismissed, LeadSentToBrand, LeadBrandConfirmed, LeadBrandRejected}

// Label sources: who said whether a listing is counterfeit.
const (
	LabelReviewer     = "reviewer"
	LabelBrand        = "brand"
	LabelTestPurchase = "test_purchase"
)

// leadOwner stands for the platform operator as the owner of every lead in
// authorization checks: no organisation id equals it, so only the staff
// roles that see all leads (auth staffSees) and the brand a lead was sent
// to (a party) see one.
const leadOwner = "platform"

// Lead is a listing version that detection scored as a suspected
// counterfeit, with the evidence, for triage.
type Lead struct {
	ID              string           `json:"id"`
	RunID           string           `json:"run_id,omitempty"`
	ListingID       string           `json:"listing_id"`
	ListingVersion  int              `json:"listing_version"`
	ListingTitle    string           `json:"listing_title"`
	SellerID        string           `json:"seller_id"`
	SellerOrgID     string           `json:"seller_org_id,omitempty"`
	BrandID         string           `json:"brand_id"`
	BrandOwnerOrgID string           `json:"brand_owner_org_id,omitempty"`
	Score           int              `json:"score"`
	Verdict         detect.Verdict   `json:"verdict"`
	Outcome         detect.Outcome   `json:"outcome,omitempty"`
	Signals         []detect.Signal  `json:"signals"`
	Rules           []detect.RuleHit `json:"rules,omitempty"`
	State           LeadState        `json:"state"`
	// Counterfeit is the label (nil while unknown), LabelSource who gave it.
	Counterfeit *bool     `json:"counterfeit"`
	LabelSource string    `json:"label_source,omitempty"`
	SentBy      string    `json:"sent_by,omitempty"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	SendNote    string    `json:"send_note,omitempty"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Reason      string    `json:"reason,omitempty"`
	ItemID      string    `json:"item_id,omitempty"`
	Rev         int       `json:"rev"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// LeadInput is what the detection worker records for one scored listing
// version.
type LeadInput struct {
	ListingID      string
	ListingVersion int
	ListingTitle   string
	SellerID       string
	// BrandID is the protection profile's brand (Result.Features.Brand
	// when empty).
	BrandID string
	// BrandOwnerOrgID is the rights holder owning the brand, if known.
	BrandOwnerOrgID string
	// RunID names the detection run, e.g. the rule set version.
	RunID  string
	Result detect.Result
}

func leadResource(rec store.LeadRecord) auth.Resource {
	r := auth.Resource{Kind: auth.KindLead, OrgID: leadOwner}
	if rec.BrandOwnerOrgID != "" && !rec.SentAt.IsZero() {
		r.Parties = []string{rec.BrandOwnerOrgID}
		r.Acting = []string{rec.BrandOwnerOrgID}
	}
	return r
}

// leadView is a stored lead as p may see it: a rights holder does not see
// the platform's rules, run or staff.
func leadView(p auth.Principal, rec store.LeadRecord) (Lead, error) {
	l := Lead{ID: rec.ID, RunID: rec.RunID, ListingID: rec.ListingID, ListingVersion: rec.ListingVersion, ListingTitle: rec.ListingTitle,
		SellerID: rec.SellerID, SellerOrgID: rec.SellerOrgID, BrandID: rec.BrandID, BrandOwnerOrgID: rec.BrandOwnerOrgID, Score: rec.Score,
		Verdict: detect.Verdict(rec.Verdict), Outcome: detect.Outcome(rec.Outcome), State: LeadState(rec.State), Counterfeit: rec.Counterfeit,
		LabelSource: rec.LabelSource, SentBy: rec.SentBy, SentAt: rec.SentAt, SendNote: rec.SendNote, DecidedBy: rec.DecidedBy,
		DecidedAt: rec.DecidedAt, Reason: rec.Reason, ItemID: rec.ItemID, Rev: rec.Rev, CreatedAt: rec.CreatedAt, UpdatedAt: rec.UpdatedAt}
	if err := json.Unmarshal(rec.Signals, &l.Signals); err != nil {
		return l, fmt.Errorf("decode signals of lead %s: %w", rec.ID, err)
	}
	if err := json.Unmarshal(rec.Rules, &l.Rules); err != nil {
		return l, fmt.Errorf("decode rules of lead %s: %w", rec.ID, err)
	}
	if l.Signals == nil {
		l.Signals = []detect.Signal{}
	}
	if !p.Platform() {
		l.RunID, l.Rules, l.SentBy = "", nil, ""
		if l.State == LeadConfirmed || l.State == LeadDismissed {
			l.DecidedBy, l.Reason = "", "" // the platform's own decision and its reviewer
		}
	}
	return l, nil
}

// leadAudit is what the audit log keeps of a lead.
func leadAudit(rec store.LeadRecord) any {
	return struct {
		State       string `json:"state"`
		Listing     string `json:"listing"`
		Version     int    `json:"listing_version"`
		Brand       string `json:"brand_id"`
		BrandOwner  string `json:"brand_owner_org_id,omitempty"`
		Score       int    `json:"score"`
		Counterfeit *bool  `json:"counterfeit,omitempty"`
		LabelSource string `json:"label_source,omitempty"`
		ItemID      string `json:"item_id,omitempty"`
	}{rec.State, rec.ListingID, rec.ListingVersion, rec.BrandID, rec.BrandOwnerOrgID, rec.Score, rec.Counterfeit, rec.LabelSource, rec.ItemID}
}

// RecordLead stores the lead of one scored listing version, in its own
// transaction; see RecordLeadTx.
func (a *App) RecordLead(ctx context.Context, p auth.Principal, in LeadInput) (Lead, bool, error) {
	var l Lead
	var created bool
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		l, created, err = a.RecordLeadTx(ctx, tx, p, in)
		return err
	})
	return l, created, err
}

// RecordLeadTx stores the lead of one scored listing version inside the
// caller's transaction (the detection worker's, a platform principal) and
// reports whether it is new: a listing version has at most one lead, so
// processing the same version again returns the lead already stored.
func (a *App) RecordLeadTx(ctx context.Context, tx *store.Tx, p auth.Principal, in LeadInput) (Lead, bool, error) {
	if err := auth.Check(p, auth.LeadTriage, auth.Resource{Kind: auth.KindLead}); err != nil {
		return Lead{}, false, err
	}
	if in.BrandID == "" {
		in.BrandID = in.Result.Features.Brand
	}
	v := new(fault.Invalid)
	if strings.TrimSpace(in.ListingID) == "" {
		v.Add("listing_id", "name the listing scored")
	}
	if in.ListingVersion < 1 {
		v.Add("listing_version", "must be the listing version scored (1 or more)")
	}
	if in.SellerID == "" {
		v.Add("seller_id", "name the listing's seller")
	}
	if in.Result.Score < 0 || in.Result.Score > 100 {
		v.Add("score", "must be 0 to 100")
	}
	if err := v.Err(); err != nil {
		return Lead{}, false, err
	}
	if in.BrandOwnerOrgID != "" {
		o, err := tx.Org(ctx, in.BrandOwnerOrgID)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return Lead{}, false, err
		}
		if err != nil || o.Kind != registry.KindRightsHolder {
			return Lead{}, false, fault.InvalidField("brand_owner_org_id", "no rights holder %q", in.BrandOwnerOrgID)
		}
	}
	signals, err := json.Marshal(orEmpty(in.Result.Signals))
	if err != nil {
		return Lead{}, false, err
	}
	rules, err := json.Marshal(orEmpty(in.Result.Rules))
	if err != nil {
		return Lead{}, false, err
	}
	orgs, err := tx.SellerOrgs(ctx, []string{in.SellerID})
	if err != nil {
		return Lead{}, false, err
	}
	now := a.Now()
	rec := store.LeadRecord{ID: id.New("led", now), RunID: in.RunID, ListingID: in.ListingID, ListingVersion: in.ListingVersion,
		ListingTitle: in.ListingTitle, SellerID: in.SellerID, SellerOrgID: orgs[in.SellerID], BrandID: in.BrandID, BrandOwnerOrgID: in.BrandOwnerOrgID,
		Score: in.Result.Score, Verdict: string(in.Result.Verdict), Outcome: string(in.Result.Outcome), Signals: signals, Rules: rules,
		State: string(LeadOpen), CreatedAt: now, UpdatedAt: now}
	created, err := tx.InsertLead(ctx, rec)
	if err != nil {
		return Lead{}, false, err
	}
	if !created {
		if rec, err = tx.LeadByListingVersion(ctx, in.ListingID, in.ListingVersion); err != nil {
			return Lead{}, false, err
		}
	} else if err := a.record(ctx, tx, p, now, change{action: "lead.create", objectType: "lead", objectID: rec.ID, after: leadAudit(rec),
		reason: in.RunID}); err != nil {
		return Lead{}, false, err
	}
	l, err := leadView(p, rec)
	return l, created, err
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Lead returns a lead to platform staff, or to the rights holder it was
// sent to; anyone else is told it does not exist.
func (a *App) Lead(ctx context.Context, p auth.Principal, leadID string) (Lead, error) {
	rec, err := a.db.Lead(ctx, leadID)
	if err != nil {
		return Lead{}, err
	}
	if err := auth.Check(p, auth.LeadRead, leadResource(rec)); err != nil {
		return Lead{}, err
	}
	return leadView(p, rec)
}

// LeadQuery filters the lead queue.
type LeadQuery struct {
	State   LeadState
	BrandID string
	// SentToMe keeps the leads sent to the caller's organisation; a rights
	// holder always sees only those.
	SentToMe bool
}

// Leads lists leads by score, highest first, then oldest: the triage queue
// for investigators, or a rights holder's leads to answer.
func (a *App) Leads(ctx context.Context, p auth.Principal, q LeadQuery, page store.Page) ([]Lead, string, error) {
	if err := auth.Check(p, auth.LeadList, auth.Resource{Kind: auth.KindLead}); err != nil {
		return nil, "", err
	}
	f := store.LeadFilter{BrandID: q.BrandID}
	if q.State != "" {
		if !slices.Contains(leadStates, q.State) {
			return nil, "", fault.InvalidField("state", "must be one of open, confirmed, dismissed, sent_to_brand, brand_confirmed, brand_rejected")
		}
		f.States = []string{string(q.State)}
	}
	if q.SentToMe || !p.Platform() {
		f.SentTo = p.OrgID
	}
	recs, next, err := a.db.Leads(ctx, f, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]Lead, 0, len(recs))
	for _, rec := range recs {
		l, err := leadView(p, rec)
		if err != nil {
			return nil, "", err
		}
		out = append(out, l)
	}
	return out, next, nil
}

// leadStepper changes a locked lead (and whatever else the step writes).
// Everything a user can be refused for must be checked before anything is
// written, so that a bulk request can skip a refused lead.
type leadStepper func(tx *store.Tx, rec *store.LeadRecord, now time.Time) error

// leadStepTx locks a lead, checks the policy and the lead's state, applies
// f, stores the lead and audits the step, inside the caller's transaction.
func (a *App) leadStepTx(ctx context.Context, tx *store.Tx, p auth.Principal, leadID string, act auth.Action, action, reason string,
	from []LeadState, f leadStepper) (store.LeadRecord, error) {
	rec, err := tx.LeadForUpdate(ctx, leadID)
	if err != nil {
		return rec, err
	}
	if err := auth.Check(p, act, leadResource(rec)); err != nil {
		return rec, err
	}
	if !slices.Contains(from, LeadState(rec.State)) {
		return rec, fault.New(fault.ErrState, "lead %s is %s; this is not possible now", rec.ID, rec.State)
	}
	before := leadAudit(rec)
	now := a.Now()
	prev := rec.Rev
	if err := f(tx, &rec, now); err != nil {
		return rec, err
	}
	rec.Rev, rec.UpdatedAt = prev+1, now
	if err := tx.UpdateLead(ctx, rec, prev); err != nil {
		return rec, err
	}
	return rec, a.record(ctx, tx, p, now, change{action: action, objectType: "lead", objectID: rec.ID, orgID: rec.BrandOwnerOrgID,
		before: before, after: leadAudit(rec), reason: reason})
}

func (a *App) leadStep(ctx context.Context, p auth.Principal, leadID string, act auth.Action, action, reason string, from []LeadState, f leadStepper) (Lead, error) {
	var l Lead
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		rec, err := a.leadStepTx(ctx, tx, p, leadID, act, action, reason, from, f)
		if err != nil {
			return err
		}
		l, err = leadView(p, rec)
		return err
	})
	return l, err
}

func label(rec *store.LeadRecord, counterfeit bool, source string, now time.Time) {
	rec.Counterfeit, rec.LabelSource, rec.LabelledAt = &counterfeit, source, now
}

// ConfirmLead confirms a lead as a counterfeit: it opens a platform-initiated
// item case on the listing version (source own initiative, automated
// detection), and the caller decides it at once with the reason given, so
// the listing is removed with a statement of reasons where the profile asks
// for one — all in one transaction with the lead and the audit entries.
func (a *App) ConfirmLead(ctx context.Context, p auth.Principal, leadID, reason string) (Lead, error) {
	return a.leadStep(ctx, p, leadID, auth.LeadTriage, "lead.confirm", reason, []LeadState{LeadOpen, LeadSentToBrand}, a.confirmStepper(ctx, p, reason))
}

func (a *App) confirmStepper(ctx context.Context, p auth.Principal, reason string) leadStepper {
	return func(tx *store.Tx, rec *store.LeadRecord, now time.Time) error {
		if strings.TrimSpace(reason) == "" {
			return fault.InvalidField("reason", "give the reason for the removal; it goes into the statement of reasons")
		}
		filing := Filing{Kind: "decision", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Text: reason,
			Fields: map[string]string{"outcome": string(notice.OutcomeAction), "lead_id": rec.ID}}
		decision := &notice.Decided{Outcome: notice.OutcomeAction, Reason: reason, ReviewerID: p.ActorID()}
		it, err := a.openLeadItem(ctx, tx, p, rec, filing, decision, now)
		if err != nil {
			return err
		}
		rec.State, rec.ItemID = string(LeadConfirmed), it.ID
		rec.DecidedBy, rec.DecidedAt, rec.Reason = p.ActorID(), now, reason
		label(rec, true, LabelReviewer, now)
		return nil
	}
}

// DismissLead dismisses a lead: the listing is labelled genuine.
func (a *App) DismissLead(ctx context.Context, p auth.Principal, leadID, reason string) (Lead, error) {
	return a.leadStep(ctx, p, leadID, auth.LeadTriage, "lead.dismiss", reason, []LeadState{LeadOpen, LeadSentToBrand}, dismissStepper(p, reason))
}

func dismissStepper(p auth.Principal, reason string) leadStepper {
	return func(_ *store.Tx, rec *store.LeadRecord, now time.Time) error {
		if strings.TrimSpace(reason) == "" {
			return fault.InvalidField("reason", "say why the listing is not a counterfeit")
		}
		rec.State, rec.DecidedBy, rec.DecidedAt, rec.Reason = string(LeadDismissed), p.ActorID(), now, reason
		label(rec, false, LabelReviewer, now)
		return nil
	}
}

// SendLeadToBrand asks the rights holder owning the lead's brand to confirm
// or reject it: the lead appears in its lead list and a message in its inbox.
func (a *App) SendLeadToBrand(ctx context.Context, p auth.Principal, leadID, note string) (Lead, error) {
	return a.leadStep(ctx, p, leadID, auth.LeadTriage, "lead.send_to_brand", note, []LeadState{LeadOpen}, a.sendStepper(ctx, p, note))
}

func (a *App) sendStepper(ctx context.Context, p auth.Principal, note string) leadStepper {
	return func(tx *store.Tx, rec *store.LeadRecord, now time.Time) error {
		if rec.BrandOwnerOrgID == "" {
			return fault.New(fault.ErrState, "the owner of brand %q is not known; confirm or dismiss lead %s instead", rec.BrandID, rec.ID)
		}
		o, err := tx.Org(ctx, rec.BrandOwnerOrgID)
		if err != nil {
			return err
		}
		if o.State != registry.OrgVerified {
			return fault.New(fault.ErrState, "%s is %s; leads go to verified rights holders only", o.LegalName, o.State)
		}
		rec.State, rec.SentBy, rec.SentAt, rec.SendNote = string(LeadSentToBrand), p.ActorID(), now, note
		return a.leadMessage(ctx, tx, *rec, "lead.sent_to_brand", note, now)
	}
}

// leadMessage puts a message about a lead into its brand owner's inbox.
func (a *App) leadMessage(ctx context.Context, tx *store.Tx, rec store.LeadRecord, template, note string, now time.Time) error {
	var signals []detect.Signal
	if err := json.Unmarshal(rec.Signals, &signals); err != nil {
		return fmt.Errorf("decode signals of lead %s: %w", rec.ID, err)
	}
	evidence := []string{fmt.Sprintf("score %d", rec.Score)}
	for i, s := range signals {
		if i == 3 {
			evidence = append(evidence, fmt.Sprintf("%d more signals", len(signals)-3))
			break
		}
		evidence = append(evidence, s.String())
	}
	if strings.TrimSpace(note) == "" {
		note = "—"
	}
	msg, err := render(template, messageData{ItemID: rec.ID, ListingID: rec.ListingID, ListingTitle: rec.ListingTitle, Reason: note,
		Extra: strings.Join(evidence, "; ")})
	if err != nil {
		return err
	}
	msg.ItemID = rec.ID
	doc, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return tx.InsertInbox(ctx, store.DocRecord{ID: id.New("msg", now), OrgID: rec.BrandOwnerOrgID, ItemID: rec.ID, Kind: template, Doc: doc, CreatedAt: now})
}

// AnswerLead is the rights holder's answer to a lead sent to it. A rejection
// labels the listing genuine. A confirmation labels it counterfeit and
// opens a platform-initiated item case on the listing, under review, with
// the brand's confirmation filed on it: the platform, not the brand, takes
// the decision to act (and issues the statement of reasons), so the case
// waits in the review queue for a reviewer. (The brand may also file a
// notice of its own against the listing under its rights.) When no case can
// be opened — the seller or the listing's markets are not covered, or the
// listing is already removed — the answer is still recorded.
func (a *App) AnswerLead(ctx context.Context, p auth.Principal, leadID string, confirm bool, note string) (Lead, error) {
	action := "lead.brand_reject"
	if confirm {
		action = "lead.brand_confirm"
	}
	return a.leadStep(ctx, p, leadID, auth.LeadBrandAnswer, action, note, []LeadState{LeadSentToBrand},
		func(tx *store.Tx, rec *store.LeadRecord, now time.Time) error {
			rec.DecidedBy, rec.DecidedAt, rec.Reason = p.ActorID(), now, note
			if !confirm {
				rec.State = string(LeadBrandRejected)
				label(rec, false, LabelBrand, now)
				return nil
			}
			rec.State = string(LeadBrandConfirmed)
			label(rec, true, LabelBrand, now)
			filing := Filing{Kind: "brand_confirmation", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Text: note,
				Fields: map[string]string{"lead_id": rec.ID}}
			it, err := a.openLeadItem(ctx, tx, p, rec, filing, nil, now)
			if err != nil {
				if _, status := userError(err); status == 500 {
					return err
				}
				a.log.Info("lead confirmed by the brand; no item opened", "lead_id", rec.ID, "reason", err.Error())
				return nil
			}
			rec.ItemID = it.ID
			return nil
		})
}

// openLeadItem opens a platform-initiated item case on a lead's listing
// version and, with a decision, decides it at once. The profiles are
// resolved over the listing's markets and the territories of the brand
// owner's first usable trademark covering one of them, or, without one,
// the listing's markets themselves. Every refusal comes before anything is
// written.
func (a *App) openLeadItem(ctx context.Context, tx *store.Tx, p auth.Principal, rec *store.LeadRecord, filing Filing, decision *notice.Decided, now time.Time) (Item, error) {
	lv, err := tx.ListingVersion(ctx, rec.ListingID, rec.ListingVersion)
	if errors.Is(err, fault.ErrNotFound) {
		return Item{}, fault.New(fault.ErrState, "listing %s version %d is not in the catalogue; the marketplace must send it first", rec.ListingID, rec.ListingVersion)
	}
	if err != nil {
		return Item{}, err
	}
	l := lv.Listing
	if rec.SellerOrgID == "" {
		orgs, err := tx.SellerOrgs(ctx, []string{rec.SellerID})
		if err != nil {
			return Item{}, err
		}
		rec.SellerOrgID = orgs[rec.SellerID]
	}
	if rec.SellerOrgID == "" {
		return Item{}, fault.New(fault.ErrState, "the seller %s of listing %s is not known to dajia yet; the marketplace must send it first", rec.SellerID, rec.ListingID)
	}
	open, err := tx.OpenItems(ctx, []string{rec.ListingID})
	if err != nil {
		return Item{}, err
	}
	for _, o := range open[rec.ListingID] {
		other, err := decodeItem(o)
		if err != nil {
			return Item{}, err
		}
		if len(other.Case.ActiveMeasures("")) > 0 {
			return Item{}, fault.New(fault.ErrState, "listing %s is already removed (item %s)", rec.ListingID, o.ID)
		}
		if other.NotifierOrgID == "" && other.Case.State == notice.StateUnderReview {
			return Item{}, fault.New(fault.ErrState, "listing %s already has a platform case under review (item %s)", rec.ListingID, o.ID)
		}
	}
	right, applied, err := a.leadScopes(ctx, tx, rec.BrandOwnerOrgID, l.Markets, now)
	if err != nil {
		return Item{}, err
	}
	if len(applied) == 0 {
		return Item{}, fault.New(fault.ErrState, "no policy profile covers listing %s (offered in %s)", rec.ListingID, orNone(l.Markets))
	}
	it := Item{ID: id.New("itm", now), ListingID: rec.ListingID, ListingVersion: rec.ListingVersion, ListingTitle: l.Title, ListingURL: l.URL,
		SellerID: rec.SellerID, SellerOrgID: rec.SellerOrgID, InfringementType: "counterfeit", Evidence: []registry.DocRef{},
		Note: "detection lead " + rec.ID, Filings: []Filing{filing}}
	if right != nil {
		it.RightID, it.RightLabel, it.RightName = right.ID, right.Label(), rightName(*right)
		it.RightOffice, it.RightNumber = right.RegistrationKey()
	}
	env := a.env(now)
	c, effs, err := notice.NewOwnInitiative(notice.Intake{ID: it.ID, ListingID: it.ListingID, SellerID: it.SellerID, RightID: it.RightID,
		InfringementType: it.InfringementType, AutomatedDetection: true, Scopes: notice.ScopesFrom(applied)}, env)
	if err != nil {
		return Item{}, fmt.Errorf("open case: %w", err)
	}
	it.Case = c
	opened := itemAudit(it)
	if decision != nil {
		c, more, err := notice.Apply(c, *decision, env)
		if err != nil {
			return Item{}, machineError(it, err)
		}
		it.Case, effs = c, append(effs, more...)
	}
	// Written from here on.
	if err := tx.InsertItem(ctx, a.itemRecord(it, 0, now)); err != nil {
		return Item{}, err
	}
	b := newBatch()
	if err := a.execute(ctx, tx, &it, effs, b, now); err != nil {
		return Item{}, err
	}
	if err := a.finish(ctx, tx, b, now); err != nil {
		return Item{}, err
	}
	if err := a.record(ctx, tx, p, now, change{action: "item.open", objectType: "item", objectID: it.ID, orgID: it.SellerOrgID,
		after: opened, reason: "lead " + rec.ID}); err != nil {
		return Item{}, err
	}
	if decision != nil {
		if err := a.record(ctx, tx, p, now, change{action: "item.decide", objectType: "item", objectID: it.ID, orgID: it.SellerOrgID,
			before: opened, after: itemAudit(it), reason: decision.Reason}); err != nil {
			return Item{}, err
		}
	}
	return it, nil
}

// leadScopes resolves the profiles of a platform case on a listing offered
// in markets: under the brand owner's first usable trademark that gives a
// profile, else with the listing's markets as the right's territories.
func (a *App) leadScopes(ctx context.Context, tx *store.Tx, ownerID string, markets []string, now time.Time) (*registry.Right, []policy.Applied, error) {
	if ownerID != "" {
		owner, err := tx.Org(ctx, ownerID)
		if err != nil {
			return nil, nil, err
		}
		rights, _, err := tx.Rights(ctx, store.RightFilter{Owners: []string{ownerID}, Type: registry.Trademark, State: registry.RightVerified}, store.Page{Limit: 500})
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rights {
			if !r.Usable(now, owner).Usable {
				continue
			}
			if applied := a.profiles.Resolve(a.resolve, markets, r.Territories, "trademark"); len(applied) > 0 {
				return &r, applied, nil
			}
		}
	}
	return nil, a.profiles.Resolve(a.resolve, markets, markets, "trademark"), nil
}

// LeadResult is the outcome for one lead of a bulk triage.
type LeadResult struct {
	LeadID string    `json:"lead_id"`
	State  LeadState `json:"state,omitempty"`
	ItemID string    `json:"item_id,omitempty"`
	Error  string    `json:"error,omitempty"`
	Status int       `json:"status"`
}

// Bulk triage actions.
const (
	TriageConfirm     = "confirm"
	TriageDismiss     = "dismiss"
	TriageSendToBrand = "send_to_brand"
)

// TriageLeads confirms, dismisses or sends to their brands up to 1,000
// leads with one reason, in one transaction. A lead refused for its state
// or the policy is reported and skipped (nothing of it is written) while
// the others commit together; an internal error aborts the whole request.
func (a *App) TriageLeads(ctx context.Context, p auth.Principal, leadIDs []string, action, reason string) ([]LeadResult, error) {
	if err := auth.Check(p, auth.LeadTriage, auth.Resource{Kind: auth.KindLead}); err != nil {
		return nil, err
	}
	v := new(fault.Invalid)
	if len(leadIDs) == 0 || len(leadIDs) > 1000 {
		v.Add("ids", "list 1 to 1000 leads")
	}
	var f leadStepper
	switch action {
	case TriageConfirm:
		f = a.confirmStepper(ctx, p, reason)
	case TriageDismiss:
		f = dismissStepper(p, reason)
	case TriageSendToBrand:
		f = a.sendStepper(ctx, p, reason)
	default:
		v.Add("action", "must be confirm, dismiss or send_to_brand")
	}
	if action != TriageSendToBrand && strings.TrimSpace(reason) == "" {
		v.Add("reason", "give the reason; for a confirmation it goes into the statements of reasons")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	from := []LeadState{LeadOpen, LeadSentToBrand}
	if action == TriageSendToBrand {
		from = []LeadState{LeadOpen}
	}
	// Locked in id order, so that concurrent bulk requests cannot deadlock;
	// reported in the order asked.
	order := slices.Clone(leadIDs)
	slices.Sort(order)
	var out []LeadResult
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		results := map[string][]LeadResult{}
		for _, leadID := range order {
			rec, err := a.leadStepTx(ctx, tx, p, leadID, auth.LeadTriage, "lead."+action, reason, from, f)
			r := LeadResult{LeadID: leadID, State: LeadState(rec.State), ItemID: rec.ItemID, Status: 200}
			if err != nil {
				if r.Error, r.Status = userError(err); r.Status == 500 {
					return err
				}
				r.State, r.ItemID = "", ""
			}
			results[leadID] = append(results[leadID], r)
		}
		out = make([]LeadResult, 0, len(leadIDs))
		next := map[string]int{}
		for _, leadID := range leadIDs {
			out = append(out, results[leadID][next[leadID]])
			next[leadID]++
		}
		return nil
	})
	return out, err
}

// ConfirmLeads confirms many leads with one reason (see TriageLeads).
func (a *App) ConfirmLeads(ctx context.Context, p auth.Principal, leadIDs []string, reason string) ([]LeadResult, error) {
	return a.TriageLeads(ctx, p, leadIDs, TriageConfirm, reason)
}

// DismissLeads dismisses many leads with one reason (see TriageLeads).
func (a *App) DismissLeads(ctx context.Context, p auth.Principal, leadIDs []string, reason string) ([]LeadResult, error) {
	return a.TriageLeads(ctx, p, leadIDs, TriageDismiss, reason)
}

// Labels returns what triage learnt about listings, for backtests: listing
// id → counterfeit, from investigators' confirmations and dismissals and
// brands' answers; a later label of a listing overrides an earlier one. It
// is for dajia's own backtest runs and is not exposed to callers.
func (a *App) Labels(ctx context.Context) (map[string]bool, error) {
	labels, err := a.db.LeadLabels(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(labels))
	for _, l := range labels {
		out[l.ListingID] = l.Counterfeit
	}
	return out, nil
}
