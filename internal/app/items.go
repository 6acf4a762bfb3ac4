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
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// Who may take a step on an item.
const (
	bySeller   = "seller"
	byNotifier = "notifier"
	byEither   = "either"
)

func itemResource(it Item, acting string) auth.Resource {
	r := auth.Resource{Kind: auth.KindItem, OrgID: it.NotifierOrgID, Parties: []string{it.SellerOrgID}}
	if it.FiledByOrgID != "" && it.FiledByOrgID != it.NotifierOrgID {
		r.Parties = append(r.Parties, it.FiledByOrgID)
	}
	if r.OrgID == "" { // platform-initiated: the seller's case
		r.OrgID, r.Parties = it.SellerOrgID, nil
	}
	switch acting {
	case bySeller:
		r.Acting = []string{it.SellerOrgID}
	case byNotifier:
		r.Acting = []string{it.NotifierOrgID, it.FiledByOrgID}
	case byEither:
		r.Acting = []string{it.SellerOrgID, it.NotifierOrgID, it.FiledByOrgID}
	}
	return r
}

func decodeItem(rec store.ItemRecord) (Item, error) {
	var it Item
	if err := json.Unmarshal(rec.Doc, &it); err != nil {
		return it, fmt.Errorf("decode item %s: %w", rec.ID, err)
	}
	return it, nil
}

// machineError turns a state-machine refusal into an error for the user.
func machineError(it Item, err error) error {
	var ite *notice.InvalidTransitionError
	switch {
	case errors.As(err, &ite):
		return fault.New(fault.ErrState, "item %s is %s; %s is not possible now", it.ID, ite.State, strings.ReplaceAll(string(ite.Event), "_", " "))
	case errors.Is(err, notice.ErrSameReviewer):
		return fault.New(fault.ErrForbidden, "a reviewer never decides a complaint about their own decision; another reviewer must take it")
	case errors.Is(err, notice.ErrHumanReviewRequired):
		return fault.New(fault.ErrForbidden, "this decision must be taken by a person under the profile in force")
	case errors.Is(err, notice.ErrMeasureNotAllowed):
		return fault.InvalidField("measures", "%s", err.Error())
	case errors.Is(err, notice.ErrWindowClosed), errors.Is(err, notice.ErrDeadlinePassed):
		return fault.New(fault.ErrState, "too late: %s", err.Error())
	case errors.Is(err, notice.ErrAttemptsExhausted):
		return fault.New(fault.ErrState, "%s", err.Error())
	case errors.Is(err, notice.ErrEvidenceNotAccepted):
		return fault.InvalidField("evidence", "%s", err.Error())
	case errors.Is(err, notice.ErrTollingNotAllowed):
		return fault.InvalidField("reason", "%s", err.Error())
	case errors.Is(err, notice.ErrBadEvent), errors.Is(err, notice.ErrUnknownProfile):
		return fault.InvalidField("profile", "%s", err.Error())
	case errors.Is(err, notice.ErrTimerNotRunning), errors.Is(err, notice.ErrTimerNotDue), errors.Is(err, notice.ErrUnknownTimer):
		return fault.New(fault.ErrState, "%s", err.Error())
	}
	return err
}

// stepper builds the event of a step; it may record a filing on the item.
type stepper func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error)

// step applies one event to one item in its own transaction: lock, check
// the policy (and the revision the caller saw, if any), apply, carry out the
// effects, store, audit.
func (a *App) step(ctx context.Context, p auth.Principal, itemID string, act auth.Action, acting, action string, rev *int, reason string, f stepper) (ItemView, error) {
	var view ItemView
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		var it Item
		var rec store.ItemRecord
		if it, rec, err = a.stepTx(ctx, tx, p, itemID, act, acting, action, rev, reason, f); err != nil {
			return err
		}
		if err := tx.Flush(ctx); err != nil { // the view reads this step's timers and statements
			return err
		}
		view, err = a.itemView(ctx, &tx.Querier, p, it, rec)
		return err
	})
	return view, err
}

// stepTx is step inside a caller's transaction; it returns the changed item
// and its stored record.
func (a *App) stepTx(ctx context.Context, tx *store.Tx, p auth.Principal, itemID string, act auth.Action, acting, action string, rev *int, reason string, f stepper) (Item, store.ItemRecord, error) {
	var out Item
	var outRec store.ItemRecord
	now := a.Now()
	err := func() error {
		rec, err := tx.ItemForUpdate(ctx, itemID)
		if err != nil {
			return err
		}
		it, err := decodeItem(rec)
		if err != nil {
			return err
		}
		if err := auth.Check(p, act, itemResource(it, acting)); err != nil {
			return err
		}
		if rev != nil && *rev != rec.Rev {
			return fault.New(fault.ErrConflict, "item %s changed since you opened it (someone else acted first); reload it — nothing was changed", itemID)
		}
		if it.DuplicateOf != "" {
			return fault.New(fault.ErrState, "item %s is a duplicate of %s; act on that item", it.ID, it.DuplicateOf)
		}
		before := itemAudit(it)
		var ev notice.Event
		if ev, err = f(tx, &it, now); err != nil {
			return err
		}
		if ev != nil {
			c, effs, err := notice.Apply(it.Case, ev, a.env(now))
			if err != nil {
				return machineError(it, err)
			}
			it.Case = c
			b := newBatch()
			if err := a.execute(ctx, tx, &it, effs, b, now); err != nil {
				return err
			}
			if err := a.finish(ctx, tx, b, now); err != nil {
				return err
			}
		}
		next := a.itemRecord(it, rec.Rev+1, now)
		next.ClaimedBy, next.ClaimedUntil = rec.ClaimedBy, rec.ClaimedUntil
		if it.Case.State != notice.StateUnderReview {
			next.ClaimedBy, next.ClaimedUntil = "", time.Time{}
		}
		if action == "item.claim" {
			next.ClaimedBy, next.ClaimedUntil = p.ActorID(), now.Add(claimLease)
		}
		if err := tx.UpdateItem(ctx, next, rec.Rev); err != nil {
			return err
		}
		if _, decided := ev.(notice.Decided); decided && it.NotifierOrgID != "" && it.Case.State == notice.StateNoAction {
			// Rated after the item is stored, so the decision counts.
			if err := a.checkNotifierMisuse(ctx, tx, &it, now); err != nil {
				return err
			}
		}
		if err := a.record(ctx, tx, p, now, change{action: action, objectType: "item", objectID: it.ID, orgID: it.NotifierOrgID,
			before: before, after: itemAudit(it), reason: reason}); err != nil {
			return err
		}
		out, outRec = it, next
		return nil
	}()
	return out, outRec, err
}

// claimLease is how long a reviewer's claim on an item keeps others off it.
const claimLease = 30 * time.Minute

// ClaimItem takes an item under review for the caller.
func (a *App) ClaimItem(ctx context.Context, p auth.Principal, itemID string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemReview, "", "item.claim", nil, "", func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		rec, err := tx.Item(ctx, it.ID)
		if err != nil {
			return nil, err
		}
		if rec.ClaimedBy != "" && rec.ClaimedBy != p.ActorID() && rec.ClaimedUntil.After(now) {
			return nil, fault.New(fault.ErrConflict, "item %s is being reviewed by someone else until %s", it.ID, rec.ClaimedUntil.Format(time.RFC3339))
		}
		if it.Case.State != notice.StateUnderReview {
			return nil, fault.New(fault.ErrState, "item %s is %s, not under review", it.ID, it.Case.State)
		}
		return notice.ReviewClaimed{ReviewerID: p.ActorID()}, nil
	})
}

// DecisionInput is a reviewer's decision on an item.
type DecisionInput struct {
	Outcome     notice.Outcome // action | no_action
	Reason      string
	Explanation string
	Measures    []string
	// Rev is the item revision the reviewer saw (optional): a decision on a
	// changed item is refused.
	Rev *int
	// ManifestlyUnfounded marks a no-action decision on a notice that was
	// manifestly unfounded (DSA Art. 23(2), ECL 42(3)); it counts towards
	// the notifier's misuse figures.
	ManifestlyUnfounded bool
}

// Decide decides an item under review.
func (a *App) Decide(ctx context.Context, p auth.Principal, itemID string, in DecisionInput) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemReview, "", "item.decide", in.Rev, in.Reason, decideStepper(p, in))
}

func decideStepper(p auth.Principal, in DecisionInput) stepper {
	return func(_ *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		if err := checkDecisionInput(in); err != nil {
			return nil, err
		}
		it.Filings = append(it.Filings, Filing{Kind: "decision", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Text: in.Reason,
			Fields: map[string]string{"outcome": string(in.Outcome), "measures": strings.Join(in.Measures, ","),
				"manifestly_unfounded": fmt.Sprint(in.ManifestlyUnfounded)}})
		return notice.Decided{Outcome: in.Outcome, Reason: in.Reason, Explanation: in.Explanation, Measures: in.Measures, ReviewerID: p.ActorID()}, nil
	}
}

func checkDecisionInput(in DecisionInput) error {
	v := new(fault.Invalid)
	if in.Outcome != notice.OutcomeAction && in.Outcome != notice.OutcomeNoAction {
		v.Add("outcome", `must be "action" or "no_action"`)
	}
	if in.ManifestlyUnfounded && in.Outcome != notice.OutcomeNoAction {
		v.Add("manifestly_unfounded", "only a no_action decision can find a notice manifestly unfounded")
	}
	if strings.TrimSpace(in.Reason) == "" {
		v.Add("reason", "give the reason for the decision; it goes into the statement of reasons")
	}
	for i, m := range in.Measures {
		if _, _, ok := policy.MeasureSpec(m); !ok {
			v.Add(fmt.Sprintf("measures[%d]", i), "unknown measure %q", m)
		}
	}
	return v.Err()
}

// BulkResult is the outcome of one item of a bulk decision.
type BulkResult struct {
	ItemID string `json:"item_id"`
	State  string `json:"state,omitempty"`
	Error  string `json:"error,omitempty"`
	Status int    `json:"status"`
}

// DecideMany decides several items with one reason, in one transaction. An
// item refused for its state, its revision or the policy is refused before
// anything of it is written, so it is reported and skipped while the others
// commit together; an internal error aborts the whole request.
func (a *App) DecideMany(ctx context.Context, p auth.Principal, itemIDs []string, in DecisionInput) ([]BulkResult, error) {
	if err := auth.Check(p, auth.ItemReview, auth.Resource{Kind: auth.KindItem}); err != nil {
		return nil, err
	}
	if len(itemIDs) == 0 || len(itemIDs) > 1000 {
		return nil, fault.InvalidField("item_ids", "list 1 to 1000 items")
	}
	if err := checkDecisionInput(in); err != nil {
		return nil, err
	}
	var out []BulkResult
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		out = make([]BulkResult, 0, len(itemIDs))
		if err := tx.LockItems(ctx, itemIDs); err != nil {
			return err
		}
		for _, itemID := range itemIDs {
			it, _, err := a.stepTx(ctx, tx, p, itemID, auth.ItemReview, "", "item.decide", in.Rev, in.Reason, decideStepper(p, in))
			r := BulkResult{ItemID: itemID, State: it.State(), Status: 200}
			if err != nil {
				if r.Error, r.Status = userError(err); r.Status == 500 {
					return err
				}
				r.State = ""
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// userError is the message and status class of a refused bulk element.
func userError(err error) (string, int) {
	var m *fault.Message
	var inv *fault.Invalid
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return "not found", 404
	case errors.As(err, &inv):
		return inv.Error(), 422
	case errors.As(err, &m):
		switch {
		case errors.Is(err, fault.ErrForbidden):
			return m.Text, 403
		default:
			return m.Text, 409
		}
	case errors.Is(err, fault.ErrForbidden):
		return "forbidden", 403
	case errors.Is(err, fault.ErrConflict), errors.Is(err, fault.ErrState):
		return err.Error(), 409
	}
	return "internal error", 500
}

// RequestInformation asks the notifier a question about an item under
// review; the item stays under review.
func (a *App) RequestInformation(ctx context.Context, p auth.Principal, itemID, question string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemReview, "", "item.request_information", nil, question, func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		if strings.TrimSpace(question) == "" {
			return nil, fault.InvalidField("question", "say what information you need")
		}
		if it.Case.State != notice.StateUnderReview && it.Case.State != notice.StateIncomplete {
			return nil, fault.New(fault.ErrState, "item %s is %s; information can be requested while it is under review", it.ID, it.Case.State)
		}
		it.Filings = append(it.Filings, Filing{Kind: "information_request", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Text: question})
		for _, org := range []string{it.NotifierOrgID, it.FiledByOrgID} {
			if org != "" {
				if err := a.message(ctx, tx, org, it, "information.requested", messageData{Reason: question}, now); err != nil {
					return nil, err
				}
			}
			if it.FiledByOrgID == it.NotifierOrgID {
				break
			}
		}
		return nil, nil
	})
}

// CompletionInput supplies what an incomplete notice item lacked.
type CompletionInput struct {
	Explanation string
	Signature   string
	EvidenceIDs []string
}

// CompleteItem supplies the missing fields of an incomplete item.
func (a *App) CompleteItem(ctx context.Context, p auth.Principal, itemID string, in CompletionInput) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemAct, byNotifier, "item.complete", nil, "", func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		ev, err := a.docRefs(ctx, p, it.NotifierOrgID, "evidence_ids", in.EvidenceIDs)
		if err != nil {
			return nil, err
		}
		supplied := map[string]bool{"signature": in.Signature != "", "explanation": in.Explanation != "",
			"prima_facie_evidence": in.Explanation != "" || len(ev) > 0}
		v := new(fault.Invalid)
		for _, m := range it.Case.Missing {
			if !supplied[m] {
				v.Add(m, "still missing: supply it to complete the notice")
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		it.Evidence = append(it.Evidence, ev...)
		it.Filings = append(it.Filings, Filing{Kind: "completion", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Evidence: ev,
			Fields: map[string]string{"signature": in.Signature}, Text: in.Explanation})
		return notice.Completed{}, nil
	})
}

// CounterInput is a seller's counter-notice (不侵权声明, §512(g) counter
// notification or platform appeal).
type CounterInput struct {
	Profile      string            // which profile's procedure, when the item has several
	Fields       map[string]string // the profile's counter_notice.required_fields, by name
	Attestations map[string]string // attestation key → version confirmed
	EvidenceIDs  []string
	Statement    string // the seller's explanation
}

// FileCounterNotice files the seller's answer on an actioned item.
func (a *App) FileCounterNotice(ctx context.Context, p auth.Principal, itemID string, in CounterInput) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemAct, bySeller, "item.counter_notice", nil, "", func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		prof, err := a.counterProfile(*it, in.Profile)
		if err != nil {
			return nil, err
		}
		cn := prof.CounterNotice
		v := new(fault.Invalid)
		var fields []string
		for _, f := range cn.RequiredFields {
			if policy.IsAttestation(f) {
				continue
			}
			if strings.TrimSpace(in.Fields[f]) != "" || (f == "item_locators") || (f == "prima_facie_non_infringement" || f == "authenticity_evidence") && (len(in.EvidenceIDs) > 0 || in.Statement != "") ||
				f == "explanation" && in.Statement != "" {
				fields = append(fields, f)
			}
		}
		var attested []AttestationRecord
		attMap := map[string]string{}
		for key, t := range cn.Attestations {
			got, ok := in.Attestations[key]
			switch {
			case !ok:
				v.Add("attestations."+key, "confirm this statement (version %s): %q", t.Version, t.EN)
			case got != t.Version:
				v.Add("attestations."+key, "you confirmed version %q, but the text in force is version %s", got, t.Version)
			default:
				attested = append(attested, AttestationRecord{Key: key, Version: t.Version, TextEN: t.EN, TextZH: t.ZH, Profiles: []string{prof.ID}})
				attMap[key] = t.Version
			}
		}
		ev, err := a.docRefs(ctx, p, it.SellerOrgID, "evidence_ids", in.EvidenceIDs)
		if err != nil {
			var inv *fault.Invalid
			if errors.As(err, &inv) {
				v.Fields = append(v.Fields, inv.Fields...)
			} else {
				return nil, err
			}
		}
		if len(in.Statement) > 10000 {
			v.Add("statement", "at most 10000 characters")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		it.Filings = append(it.Filings, Filing{Kind: "counter_notice", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Profile: prof.ID,
			Fields: in.Fields, Attestations: attested, Evidence: ev, Text: in.Statement})
		return notice.CounterNoticeFiled{Profile: prof.ID, Fields: fields, Attestations: attMap}, nil
	})
}

func (a *App) counterProfile(it Item, want string) (*policy.Profile, error) {
	var candidates []*policy.Profile
	for _, s := range it.Case.Scopes {
		p, err := a.profiles.Profile(s.Profile)
		if err != nil {
			return nil, err
		}
		if p.CounterNotice.Type != "" && p.CounterNotice.Type != "none" && (want == "" || want == p.ID) {
			candidates = append(candidates, p)
		}
	}
	switch {
	case len(candidates) == 1:
		return candidates[0], nil
	case len(candidates) == 0 && want != "":
		return nil, fault.InvalidField("profile", "profile %q offers no counter-notice on this item", want)
	case len(candidates) == 0:
		return nil, fault.New(fault.ErrState, "no counter-notice procedure applies to item %s; file a complaint instead", it.ID)
	}
	var ids []string
	for _, c := range candidates {
		ids = append(ids, c.ID)
	}
	return nil, fault.InvalidField("profile", "this item has several procedures; choose one of %s", strings.Join(ids, ", "))
}

// ValidateCounter forwards (or, with missing fields, returns) a counter-notice
// the platform checked; DeliverCounter records its arrival at the notifier.
// Counter-notices filed through dajia are checked and forwarded at once:
// FileCounterNotice's caller continues with these steps automatically.
func (a *App) forwardCounter(ctx context.Context, itemID string) (ItemView, error) {
	sys := auth.System
	view, err := a.step(ctx, sys, itemID, auth.ItemReview, "", "item.counter_validated", nil, "", func(*store.Tx, *Item, time.Time) (notice.Event, error) {
		return notice.CounterValidated{}, nil
	})
	if err != nil || view.State != string(notice.StateCounterForwarded) {
		return view, err
	}
	// Delivery to the notifier is the inbox message written in the same
	// transaction as the forwarding: it arrives now.
	return a.step(ctx, sys, itemID, auth.ItemReview, "", "item.counter_delivered", nil, "", func(_ *store.Tx, _ *Item, now time.Time) (notice.Event, error) {
		return notice.CounterDelivered{At: now}, nil
	})
}

// SubmitCounterNotice files a counter-notice and, when it is complete,
// forwards it to the notifier and starts the restoration clock.
func (a *App) SubmitCounterNotice(ctx context.Context, p auth.Principal, itemID string, in CounterInput) (ItemView, error) {
	v, err := a.FileCounterNotice(ctx, p, itemID, in)
	if err != nil || v.State != string(notice.StateCounterReceived) {
		return v, err
	}
	if _, err := a.forwardCounter(ctx, itemID); err != nil {
		return v, err
	}
	return a.Item(ctx, p, itemID)
}

// ProceedingsInput is the notifier's proof of a complaint to an authority or
// a lawsuit.
type ProceedingsInput struct {
	Kind        string // one of the profile's blocking evidence kinds, e.g. lawsuit_filed
	Reference   string // case number, acceptance notice number
	EvidenceIDs []string
}

// FileProceedings records proof of proceedings before the restoration deadline.
func (a *App) FileProceedings(ctx context.Context, p auth.Principal, itemID string, in ProceedingsInput) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemAct, byNotifier, "item.proceedings", nil, in.Reference, func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		v := new(fault.Invalid)
		if in.Kind == "" {
			v.Add("kind", "say what was filed (e.g. lawsuit_filed, authority_complaint_filed)")
		}
		if len(in.EvidenceIDs) == 0 {
			v.Add("evidence_ids", "attach the filing receipt or case-acceptance notice")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		ev, err := a.docRefs(ctx, p, it.NotifierOrgID, "evidence_ids", in.EvidenceIDs)
		if err != nil {
			return nil, err
		}
		it.Filings = append(it.Filings, Filing{Kind: "proceedings", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Evidence: ev,
			Fields: map[string]string{"kind": in.Kind, "reference": in.Reference}})
		return notice.ProceedingsProof{Evidence: in.Kind, Ref: in.Reference}, nil
	})
}

// TollingInput asks to extend the restoration deadline for a delay outside
// the notifier's control (China: notarisation, authentication).
type TollingInput struct {
	Reason      string
	From, To    time.Time
	EvidenceIDs []string
}

// RequestTolling extends the restoration deadline within the profile's cap.
func (a *App) RequestTolling(ctx context.Context, p auth.Principal, itemID string, in TollingInput) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemAct, byNotifier, "item.tolling", nil, in.Reason, func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		v := new(fault.Invalid)
		if in.From.IsZero() || in.To.IsZero() || !in.To.After(in.From) {
			v.Add("to", "give the delay as from < to (RFC 3339 instants)")
		}
		if len(in.EvidenceIDs) == 0 {
			v.Add("evidence_ids", "attach evidence of the delay (e.g. the notary's receipt)")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		ev, err := a.docRefs(ctx, p, it.NotifierOrgID, "evidence_ids", in.EvidenceIDs)
		if err != nil {
			return nil, err
		}
		it.Filings = append(it.Filings, Filing{Kind: "tolling", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Evidence: ev,
			Fields: map[string]string{"reason": in.Reason, "from": in.From.Format(time.RFC3339), "to": in.To.Format(time.RFC3339)}})
		return notice.TollingRequested{Reason: in.Reason, Interval: notice.Interval{From: in.From, To: in.To}}, nil
	})
}

// Retract withdraws the notice on an item; any measure is lifted.
func (a *App) Retract(ctx context.Context, p auth.Principal, itemID, reason string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemAct, byNotifier, "item.retract", nil, reason, func(_ *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		it.Filings = append(it.Filings, Filing{Kind: "retraction", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Text: reason})
		return notice.Retracted{}, nil
	})
}

// FileComplaint files an internal complaint (DSA Art. 20) against the
// decision, by the seller or by the notifier.
func (a *App) FileComplaint(ctx context.Context, p auth.Principal, itemID, profile, statement string, evidenceIDs []string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemAct, byEither, "item.complaint", nil, statement, func(_ *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		if strings.TrimSpace(statement) == "" {
			return nil, fault.InvalidField("statement", "say why the decision should change")
		}
		ev, err := a.docRefs(ctx, p, p.OrgID, "evidence_ids", evidenceIDs)
		if err != nil {
			return nil, err
		}
		by := "seller"
		if p.OrgID != it.SellerOrgID {
			by = "notifier"
		}
		it.Filings = append(it.Filings, Filing{Kind: "complaint", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Profile: profile, Evidence: ev, Text: statement})
		return notice.ComplaintFiled{By: by, Profile: profile}, nil
	})
}

// DecideComplaint decides an open complaint; the reviewer must not be the
// one who took the decision complained about.
func (a *App) DecideComplaint(ctx context.Context, p auth.Principal, itemID, outcome, reason string, measures []string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemReview, "", "item.complaint_decided", nil, reason, func(tx *store.Tx, it *Item, now time.Time) (notice.Event, error) {
		if !slices.Contains([]string{"upheld", "reversed", "partially_reversed", "omitted"}, outcome) {
			return nil, fault.InvalidField("outcome", "must be upheld, reversed, partially_reversed or omitted")
		}
		it.Filings = append(it.Filings, Filing{Kind: "complaint_decision", OrgID: p.OrgID, Actor: p.ActorID(), At: now, Text: reason,
			Fields: map[string]string{"outcome": outcome}})
		return notice.ComplaintDecided{Outcome: outcome, ReviewerID: p.ActorID(), Measures: measures}, nil
	})
}

// CloseItem closes an actioned item with its measures standing (windows
// passed without a counter-notice or complaint, or a court's finding).
func (a *App) CloseItem(ctx context.Context, p auth.Principal, itemID, reason string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemReview, "", "item.close", nil, reason, func(*store.Tx, *Item, time.Time) (notice.Event, error) {
		return notice.CaseClosed{Reason: reason}, nil
	})
}

// ProceedingsDecided records the end of the proceedings that held an item.
func (a *App) ProceedingsDecided(ctx context.Context, p auth.Principal, itemID string, infringing bool, reason string) (ItemView, error) {
	return a.step(ctx, p, itemID, auth.ItemReview, "", "item.proceedings_decided", nil, reason, func(*store.Tx, *Item, time.Time) (notice.Event, error) {
		return notice.ProceedingsDecided{Infringing: infringing}, nil
	})
}

// checkNotifierMisuse rates the notifier after a decision and takes the
// next misuse step (warning, then suspension of processing) when its
// unfounded notices cross the profile's thresholds; the step is not repeated
// while it is in force.
func (a *App) checkNotifierMisuse(ctx context.Context, tx *store.Tx, it *Item, now time.Time) error {
	accs, err := a.accuracy(ctx, &tx.Querier, it.NotifierOrgID, now)
	if err != nil {
		return err
	}
	for _, acc := range accs {
		if !acc.Accuracy.Misuse || acc.Accuracy.Action == "" || !slices.ContainsFunc(it.Case.Scopes, func(s notice.Scope) bool { return s.Profile == acc.Profile }) {
			continue
		}
		if err := tx.InsertSanction(ctx, store.SanctionRecord{ID: id.New("snc", now), Party: "notifier", SubjectID: it.NotifierOrgID,
			Profile: acc.Profile, Action: acc.Accuracy.Action, Level: acc.Steps + 1, ItemID: it.ID, CreatedAt: now}); err != nil {
			return err
		}
		extra := fmt.Sprintf("%d of %d decided notices unfounded; step: %s", acc.Outcomes.ManifestlyUnfounded, acc.Accuracy.Decided, acc.Accuracy.Action)
		if !acc.Accuracy.Duration.IsZero() {
			extra += " for " + acc.Accuracy.Duration.String()
		}
		for _, org := range []string{it.NotifierOrgID, it.FiledByOrgID} {
			if org == "" {
				continue
			}
			if err := a.message(ctx, tx, org, it, "notifier.misuse", messageData{Profile: acc.Profile, Extra: extra}, now); err != nil {
				return err
			}
			if it.FiledByOrgID == it.NotifierOrgID {
				break
			}
		}
	}
	return nil
}

// processingSuspended reports a notifier's suspension of processing in
// force under any profile, with its end.
func (a *App) processingSuspended(ctx context.Context, orgID string, now time.Time) (bool, time.Time, error) {
	taken, err := a.db.Sanctions(ctx, "notifier", orgID)
	if err != nil {
		return false, time.Time{}, err
	}
	for _, s := range taken {
		if s.Action != "suspend_processing" {
			continue
		}
		prof, err := a.profiles.Profile(s.Profile)
		if err != nil {
			continue
		}
		// The sanction's level is the step of notifier_misuse.actions it took.
		if s.Level < 1 || s.Level > len(prof.NotifierMisuse.Actions) {
			continue
		}
		step := prof.NotifierMisuse.Actions[s.Level-1]
		end := time.Time{}
		if !step.Duration.IsZero() {
			if end, err = a.dl.Due(s.CreatedAt, step.Duration, ""); err != nil {
				return false, end, err
			}
		}
		if end.IsZero() || now.Before(end) {
			return true, end, nil
		}
	}
	return false, time.Time{}, nil
}

var _ = registry.KindSeller
