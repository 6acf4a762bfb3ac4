package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/sor"
	"github.com/dajia-project/dajia/internal/store"
)

// Action is an enforcement action as the marketplace receives it (webhook,
// pull feed and stream carry the same JSON). ID is its idempotency key.
type Action struct {
	ID                   string    `json:"id"`
	Type                 string    `json:"type"`
	ListingID            string    `json:"listing_id,omitempty"`
	SellerID             string    `json:"seller_id,omitempty"`
	Reason               string    `json:"reason"`
	NoticeItemID         string    `json:"notice_item_id,omitempty"`
	StatementOfReasonsID string    `json:"statement_of_reasons_id,omitempty"`
	Profile              string    `json:"profile,omitempty"`
	Territories          []string  `json:"territories,omitempty"`
	Measure              string    `json:"measure,omitempty"`
	CreatedAt            time.Time `json:"created_at"`
}

// reminderBefore is how long before a party's deadline its reminder goes out.
const reminderBefore = 48 * time.Hour

// remindedKinds are the timers whose parties get a reminder.
var remindedKinds = map[notice.TimerKind]string{
	notice.TimerRestore: "deadline to show proceedings", notice.TimerComplaintWindow: "complaint window",
	notice.TimerCounterWindow: "counter-notice window", notice.TimerCureWindow: "deadline to complete the notice",
}

// batch is what the effects of one transaction accumulate for the end of
// it: the sellers whose strike ledger changed (escalation is evaluated once
// per seller and profile — a 10,000-item notice against one seller must
// not re-read the ledger 10,000 times), and, during a notice's intake, the
// notifier's messages, which go out as one summary (the receipt already
// lists every item and its state).
type batch struct {
	escalations map[[2]string]*Item
	digest      map[string]int // notifier template → items; nil outside intake
}

func newBatch() *batch { return &batch{escalations: map[[2]string]*Item{}} }

// finish evaluates the collected escalations.
func (a *App) finish(ctx context.Context, tx *store.Tx, b *batch, now time.Time) error {
	for key, it := range b.escalations {
		if err := a.escalateSeller(ctx, tx, it, key[1], now); err != nil {
			return err
		}
	}
	return nil
}

// execute carries out a transition's effects inside the transaction: timers,
// enforcement actions into the outbox, statements of reasons, strikes (whose
// escalation is collected into b), inbox messages and register entries.
func (a *App) execute(ctx context.Context, tx *store.Tx, it *Item, effs []notice.Effect, b *batch, now time.Time) error {
	sors := map[string]sor.Statement{} // profile → statement
	for _, e := range effs {
		if s, ok := e.(notice.StatementOfReasons); ok {
			st, err := a.storeStatement(ctx, tx, it, s, now)
			if err != nil {
				return err
			}
			sors[s.Profile] = st
		}
	}
	for _, e := range effs {
		var err error
		switch e := e.(type) {
		case notice.EnforcementAction:
			err = a.enqueueAction(ctx, tx, Action{Type: e.Type, ListingID: e.ListingID, SellerID: e.SellerID, NoticeItemID: it.ID,
				StatementOfReasonsID: sors[e.Profile].ID, Profile: e.Profile, Territories: e.Territories, Measure: e.Measure,
				Reason: actionReason(it, e.Type)}, now)
		case notice.TimerSet:
			err = a.insertTimer(ctx, tx, it, e, now)
		case notice.TimerCancelled:
			for _, tid := range []string{e.ID, e.ID + "/reminder"} {
				if err = tx.SetTimerStatus(ctx, tid, store.TimerCancelled, now); errors.Is(err, fault.ErrConflict) {
					err = nil
				}
				if err != nil {
					break
				}
			}
		case notice.StrikeProvisional:
			err = a.strike(ctx, tx, it, e.Profile, string(notice.StrikeStatusProvisional), b, now)
		case notice.StrikeConfirmed:
			err = a.strike(ctx, tx, it, e.Profile, string(notice.StrikeStatusConfirmed), b, now)
		case notice.StrikeVoided:
			err = a.strike(ctx, tx, it, e.Profile, string(notice.StrikeStatusVoided), b, now)
		case notice.Publish:
			err = a.publish(ctx, tx, it, e, now)
		case notice.Notify:
			err = a.notify(ctx, tx, it, e, sors, b.digest, now)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func actionReason(it *Item, typ string) string {
	switch typ {
	case notice.ActionRestoreListing:
		return "measures lifted on item " + it.ID
	case notice.ActionRemoveListing:
		if it.RightLabel != "" {
			return it.InfringementType + ": " + it.RightLabel
		}
		return it.InfringementType
	}
	return typ
}

func (a *App) enqueueAction(ctx context.Context, tx *store.Tx, act Action, now time.Time) error {
	act.ID = id.New("act", now)
	act.CreatedAt = now
	payload, err := json.Marshal(act)
	if err != nil {
		return err
	}
	obj := act.ListingID
	if obj == "" {
		obj = act.SellerID
	}
	if _, err = tx.EnqueueID(ctx, act.ID, "action."+act.Type, obj, payload, now); err != nil {
		return err
	}
	if a.wake != nil {
		tx.AfterCommit(a.wake)
	}
	return nil
}

func (a *App) insertTimer(ctx context.Context, tx *store.Tx, it *Item, e notice.TimerSet, now time.Time) error {
	t := store.TimerRecord{ID: e.ID, ItemID: it.ID, Kind: string(e.Kind), Profile: e.Profile, DueAt: e.Due, LatestAt: e.Latest,
		Calendar: e.Calendar, CalendarVersion: a.dl.calendarVersion(e.Calendar), Rule: e.Rule, RuleRef: e.RuleRef, CreatedAt: now}
	if err := tx.InsertTimer(ctx, t); err != nil {
		return err
	}
	if _, ok := remindedKinds[e.Kind]; ok && e.Due.Add(-reminderBefore).After(now) {
		r := t
		r.ID, r.Kind, r.DueAt, r.LatestAt = e.ID+"/reminder", "reminder", e.Due.Add(-reminderBefore), e.Due
		return tx.InsertTimer(ctx, r)
	}
	return nil
}

func (a *App) storeStatement(ctx context.Context, tx *store.Tx, it *Item, s notice.StatementOfReasons, now time.Time) (sor.Statement, error) {
	st := sor.Statement{ID: id.New("sor", now), CaseID: it.ID, ListingID: s.ListingID, SellerID: it.SellerID, AccountType: sor.AccountTypeBusiness,
		TerritorialScope: s.TerritorialScope, ApplicationDate: s.ApplicationDate, Facts: s.Facts, SourceType: s.SourceType,
		SourceIdentity: s.SourceIdentity, AutomatedDetection: s.AutomatedDetection, AutomatedDecision: s.AutomatedDecision,
		Ground: s.Ground, GroundReference: s.LegalGround, GroundExplanation: s.Explanation, ContentType: []string{sor.ContentProduct},
		Category: sor.CategoryIP, ContentDate: it.Case.ReceivedAt, IssuedAt: now,
		Redress: sor.Redress{InternalComplaint: s.Redress.InternalComplaint, ComplaintDeadline: s.Redress.ComplaintDeadline, OutOfCourt: s.Redress.ODS}}
	if st.Facts == "" {
		st.Facts = fmt.Sprintf("Listing %s was reported under %s and restricted after review.", it.ListingID, it.RightLabel)
	}
	if st.GroundExplanation == "" {
		st.GroundExplanation = "The listing offers goods that infringe the rights holder's intellectual property right."
	}
	if st.GroundReference == "" {
		st.GroundReference = "Intellectual property law of the territories restricted"
	}
	_, rightType := rightTypeFor(it.InfringementType)
	if kw, ok := sor.KeywordForRight(rightType); ok {
		st.Keywords = []string{kw}
	}
	st.Right = sor.Right{Type: rightType, Name: it.RightName, Registration: it.RightNumber, Territory: it.RightOffice}
	for _, rs := range s.Restrictions {
		switch rs.Kind {
		case "visibility":
			st.Visibility = append(st.Visibility, rs.Subtype)
		case "monetary":
			st.Monetary = rs.Subtype
		case "provision":
			st.Provision = rs.Subtype
		case "account":
			st.Account = rs.Subtype
		}
	}
	var err error
	if st.PUID, err = sor.PUID(it.ID, s.ListingID, s.Seq); err != nil {
		return st, err
	}
	if err := st.Validate(); err != nil {
		return st, fmt.Errorf("statement of reasons for %s: %w", it.ID, err)
	}
	doc, err := json.Marshal(st)
	if err != nil {
		return st, err
	}
	return st, tx.InsertStatement(ctx, store.DocRecord{ID: st.ID, ItemID: it.ID, OrgID: it.SellerOrgID, Kind: s.Profile, Doc: doc, CreatedAt: now})
}

func (a *App) strike(ctx context.Context, tx *store.Tx, it *Item, profile, status string, b *batch, now time.Time) error {
	if err := tx.UpsertStrike(ctx, store.StrikeRecord{ID: id.New("stk", now), SellerID: it.SellerID, SellerOrgID: it.SellerOrgID,
		ItemID: it.ID, Profile: profile, Status: status, CreatedAt: now}); err != nil {
		return err
	}
	if status != string(notice.StrikeStatusVoided) {
		kind := map[string]string{"provisional": "provisional", "confirmed": "confirmed"}[status]
		// A provisional strike is announced in the forwarded notice itself;
		// the seller is told separately when a strike becomes final.
		if kind == "confirmed" {
			if err := a.message(ctx, tx, it.SellerOrgID, it, "strike.recorded", messageData{Profile: profile, Extra: kind}, now); err != nil {
				return err
			}
		}
	}
	// Escalation can only change when a strike that counts changes.
	if p, err := a.profiles.Profile(profile); err == nil &&
		(status == string(notice.StrikeStatusConfirmed) || p.RepeatInfringer.Count == "provisional_and_confirmed") {
		b.escalations[[2]string{it.SellerID, profile}] = it
	}
	return nil
}

// escalateSeller applies the profile's repeat-infringer thresholds to the
// seller's ledger and takes the step due, once.
func (a *App) escalateSeller(ctx context.Context, tx *store.Tx, it *Item, profileID string, now time.Time) error {
	p, err := a.profiles.Profile(profileID)
	if err != nil {
		return err
	}
	recs, err := tx.Strikes(ctx, it.SellerID)
	if err != nil {
		return err
	}
	var strikes []notice.Strike
	for _, r := range recs {
		strikes = append(strikes, notice.Strike{CaseID: r.ItemID, Profile: r.Profile, Status: notice.StrikeStatus(r.Status), CreatedAt: r.CreatedAt})
	}
	taken, err := tx.Sanctions(ctx, "seller", it.SellerID)
	if err != nil {
		return err
	}
	var sanctions []notice.Sanction
	for _, s := range taken {
		sanctions = append(sanctions, notice.Sanction{Profile: s.Profile, Action: s.Action, Level: s.Level, At: s.CreatedAt})
	}
	esc, err := notice.Escalate(strikes, sanctions, p, now, a.dl)
	if err != nil || esc.Action == "" || esc.AlreadyTaken {
		return err
	}
	if err := tx.InsertSanction(ctx, store.SanctionRecord{ID: id.New("snc", now), Party: "seller", SubjectID: it.SellerID, Profile: profileID,
		Action: esc.Action, Level: esc.Level, ItemID: it.ID, CreatedAt: now}); err != nil {
		return err
	}
	if esc.Enforcement != "" {
		if err := a.enqueueAction(ctx, tx, Action{Type: esc.Enforcement, SellerID: it.SellerID, NoticeItemID: it.ID, Profile: profileID,
			Reason: fmt.Sprintf("repeat infringer: %d upheld strikes under %s", esc.Counted, profileID)}, now); err != nil {
			return err
		}
	}
	extra := esc.Action
	if !esc.Duration.IsZero() {
		extra += " for " + esc.Duration.String()
	}
	return a.message(ctx, tx, it.SellerOrgID, it, "seller.sanction", messageData{Profile: profileID, Extra: extra}, now)
}

// RegisterEntry is one public line of the ECL Art. 44 register.
type RegisterEntry struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"` // notice, declaration, result
	ItemID    string    `json:"item_id"`
	ListingID string    `json:"listing_id"`
	Notifier  string    `json:"notifier"`
	Right     string    `json:"right"`
	Result    string    `json:"result,omitempty"`
	At        time.Time `json:"at"`
}

func (a *App) publish(ctx context.Context, tx *store.Tx, it *Item, e notice.Publish, now time.Time) error {
	entry := RegisterEntry{ID: id.New("reg", now), Kind: e.Kind, ItemID: it.ID, ListingID: it.ListingID,
		Notifier: maskPerson(e.Entry.Notifier), Right: it.RightLabel, Result: e.Entry.Result, At: now}
	doc, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	return tx.InsertRegister(ctx, store.DocRecord{ID: entry.ID, ItemID: it.ID, Kind: e.Kind, Doc: doc, CreatedAt: now})
}

// maskPerson masks what may be a natural person's name in the public
// register: organisation names (with a legal form) stay; anything else is
// reduced to its first character.
func maskPerson(name string) string {
	lower := strings.ToLower(name)
	for _, form := range []string{"ltd", "llc", "llp", "inc", "gmbh", "co.", "corp", "s.a", "b.v", "有限", "公司", "集团", "limited", "company", "ag", "plc"} {
		if strings.Contains(lower, form) {
			return name
		}
	}
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + "**"
}

func (a *App) notify(ctx context.Context, tx *store.Tx, it *Item, e notice.Notify, sors map[string]sor.Statement, digest map[string]int, now time.Time) error {
	if digest != nil && e.Party == notice.PartyNotifier {
		digest[e.Template]++
		return nil
	}
	var orgs []string
	switch e.Party {
	case notice.PartySeller:
		orgs = []string{it.SellerOrgID}
	case notice.PartyNotifier:
		orgs = []string{it.NotifierOrgID}
		if it.FiledByOrgID != "" && it.FiledByOrgID != it.NotifierOrgID {
			orgs = append(orgs, it.FiledByOrgID) // the agent who filed gets a copy
		}
	case notice.PartyPlatform:
		platform, _, err := tx.Orgs(ctx, store.OrgFilter{Kind: "platform"}, store.Page{Limit: 1})
		if err != nil || len(platform) == 0 {
			return err
		}
		orgs = []string{platform[0].ID}
	}
	d := a.messageData(it, e.Profile, e.Due)
	switch e.Template {
	case "decision.statement_of_reasons":
		if s, ok := sors[e.Profile]; ok {
			msg, err := render(e.Template, d)
			if err != nil {
				return err
			}
			msg.BodyEN, msg.BodyZH = sor.Render(s, "en"), sor.Render(s, "zh")
			return a.deliver(ctx, tx, orgs, it, msg, e, now)
		}
	case "notice.request_completion", "counter.request_completion":
		d.Extra = strings.Join(it.Case.Missing, ", ")
		if e.Template == "counter.request_completion" && it.Case.Counter != nil {
			d.Extra = strings.Join(it.Case.Counter.Missing, ", ")
		}
	case "complaint.decided":
		for i := len(it.Filings) - 1; i >= 0; i-- {
			if f := it.Filings[i]; f.Kind == "complaint_decision" {
				d.Reason = f.Fields["outcome"] + " — " + f.Text
				break
			}
		}
	case "notice.rejected", "decision.no_action":
		d.Reason = it.Case.Rejected
		if it.Case.Decision != nil && it.Case.Decision.Reason != "" {
			d.Reason = it.Case.Decision.Reason
		}
	case "decision.action", "measure.restored":
		var terr []string
		for _, m := range it.Case.Measures {
			if m.Profile == e.Profile {
				terr = append(terr, m.Territories...)
			}
		}
		slices.Sort(terr)
		d.Extra = strings.Join(slices.Compact(terr), ", ")
	}
	msg, err := render(e.Template, d)
	if err != nil {
		return err
	}
	return a.deliver(ctx, tx, orgs, it, msg, e, now)
}

func (a *App) messageData(it *Item, profile string, due time.Time) messageData {
	d := messageData{ItemID: it.ID, ListingID: it.ListingID, ListingTitle: it.ListingTitle, Right: it.RightLabel,
		Notifier: it.NotifierName, Profile: profile}
	if d.Notifier == "" {
		d.Notifier = "The platform"
	}
	var measures []string
	for _, m := range it.Case.ActiveMeasures("") {
		measures = append(measures, m.Name+" ("+strings.Join(m.Territories, ", ")+")")
	}
	d.Measures = strings.Join(measures, "; ")
	if d.Measures == "" {
		d.Measures = "none yet"
	}
	d.DueEN, d.DueZH = formatDue(due, profile)
	return d
}

func (a *App) deliver(ctx context.Context, tx *store.Tx, orgs []string, it *Item, msg Message, e notice.Notify, now time.Time) error {
	msg.RuleRef, msg.Profile, msg.ItemID, msg.Due = e.RuleRef, e.Profile, it.ID, e.Due
	doc, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		if org == "" {
			continue
		}
		if err := tx.InsertInbox(ctx, store.DocRecord{ID: id.New("msg", now), OrgID: org, ItemID: it.ID, Kind: msg.Template, Doc: doc, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// message sends an app-level message (not from the state machine).
func (a *App) message(ctx context.Context, tx *store.Tx, org string, it *Item, template string, d messageData, now time.Time) error {
	base := a.messageData(it, d.Profile, time.Time{})
	if d.Extra != "" {
		base.Extra = d.Extra
	}
	if d.Reason != "" {
		base.Reason = d.Reason
	}
	if d.DueEN != "" {
		base.DueEN, base.DueZH = d.DueEN, d.DueZH
	}
	msg, err := render(template, base)
	if err != nil {
		return err
	}
	return a.deliver(ctx, tx, []string{org}, it, msg, notice.Notify{Template: template, Profile: d.Profile}, now)
}
