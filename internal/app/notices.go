package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
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

// MaxNoticeItems is the most listings one notice may target.
const MaxNoticeItems = 10_000

// Infringement types a notice may allege.
var InfringementTypes = []string{"counterfeit", "trademark_misuse", "copyright", "patent_invention", "patent_utility_model", "patent_design"}

// rightTypeFor maps an infringement type to the right type it needs and the
// right type policy profiles match on.
func rightTypeFor(infringement string) (registry.RightType, string) {
	switch infringement {
	case "counterfeit", "trademark_misuse":
		return registry.Trademark, "trademark"
	case "copyright":
		return registry.Copyright, "copyright"
	case "patent_invention":
		return registry.Patent, "patent"
	case "patent_utility_model":
		return registry.Patent, "utility_model"
	case "patent_design":
		return registry.Patent, "design"
	}
	return "", ""
}

// NoticeItemInput is one targeted listing.
type NoticeItemInput struct {
	// ListingID is the marketplace's listing id, or a listing URL whose
	// last path segment (or id/item_id/listing_id query parameter) is the id.
	ListingID        string
	RightID          string   // defaults to the notice's right
	InfringementType string   // defaults to the notice's type
	EvidenceIDs      []string // documents uploaded beforehand
	Note             string
	// Line is the CSV line the item came from (0 for JSON); errors name it.
	Line int
}

// NoticeInput is a notice as filed.
type NoticeInput struct {
	// PrincipalOrgID is the rights holder the notice is for: the caller's
	// organisation for a rights holder; required for an agent.
	PrincipalOrgID    string
	RightID           string
	InfringementType  string
	Explanation       string
	Signature         string // the full name of the person signing
	RequestedMeasures []string
	// Attestations maps each attestation key to the text version confirmed.
	Attestations map[string]string
	EvidenceIDs  []string
	Language     string // zh or en: the language the attestations were shown in
	Channel      string // api, csv or web
	Items        []NoticeItemInput
	// Partial accepts the valid items and reports the others instead of
	// refusing the whole notice.
	Partial bool
	// DryRun checks everything and files nothing: the receipt lists the
	// items that would be opened (without ids) and, with Partial, the
	// items refused (the web's "validate the CSV first" step).
	DryRun bool
}

// AttestationRecord is an attestation as confirmed: the exact versioned
// texts stored with the notice.
type AttestationRecord struct {
	Key      string   `json:"key"`
	Version  string   `json:"version"`
	TextEN   string   `json:"text_en"`
	TextZH   string   `json:"text_zh"`
	Profiles []string `json:"profiles"`
}

// Notice is a stored notice.
type Notice struct {
	ID                string              `json:"id"`
	NotifierOrgID     string              `json:"notifier_org_id"`
	NotifierName      string              `json:"notifier_name"`
	FiledByOrgID      string              `json:"filed_by_org_id"`
	FiledBy           string              `json:"filed_by"`
	InfringementType  string              `json:"infringement_type"`
	Explanation       string              `json:"explanation,omitempty"`
	Signature         string              `json:"signature,omitempty"`
	RequestedMeasures []string            `json:"requested_measures"`
	Attestations      []AttestationRecord `json:"attestations"`
	Evidence          []registry.DocRef   `json:"evidence"`
	Language          string              `json:"language"`
	Channel           string              `json:"channel"`
	ItemCount         int                 `json:"item_count"`
	Duplicates        int                 `json:"duplicates"`
	ReceivedAt        time.Time           `json:"received_at"`
}

// Filing is a step a party took on an item, with what they submitted.
type Filing struct {
	Kind         string              `json:"kind"` // counter_notice, complaint, proceedings, tolling, retraction, completion, information_request, decision, complaint_decision
	OrgID        string              `json:"org_id"`
	Actor        string              `json:"actor"`
	At           time.Time           `json:"at"`
	Profile      string              `json:"profile,omitempty"`
	Fields       map[string]string   `json:"fields,omitempty"`
	Attestations []AttestationRecord `json:"attestations,omitempty"`
	Evidence     []registry.DocRef   `json:"evidence,omitempty"`
	Text         string              `json:"text,omitempty"`
}

// Item is an item case: one listing of one notice (or a platform-initiated
// case), its state machine and everything filed on it.
type Item struct {
	ID               string            `json:"id"`
	NoticeID         string            `json:"notice_id,omitempty"`
	ListingID        string            `json:"listing_id"`
	ListingVersion   int               `json:"listing_version"`
	ListingTitle     string            `json:"listing_title"`
	ListingURL       string            `json:"listing_url,omitempty"`
	RightID          string            `json:"right_id,omitempty"`
	RightLabel       string            `json:"right_label,omitempty"`
	RightName        string            `json:"right_name,omitempty"`   // the mark or title, for statements of reasons
	RightOffice      string            `json:"right_office,omitempty"` // where it is registered
	RightNumber      string            `json:"right_number,omitempty"`
	SellerID         string            `json:"seller_id"`
	SellerOrgID      string            `json:"seller_org_id"`
	NotifierOrgID    string            `json:"notifier_org_id,omitempty"`
	NotifierName     string            `json:"notifier_name,omitempty"`
	FiledByOrgID     string            `json:"filed_by_org_id,omitempty"`
	InfringementType string            `json:"infringement_type"`
	DuplicateOf      string            `json:"duplicate_of,omitempty"`
	Evidence         []registry.DocRef `json:"evidence"`
	Note             string            `json:"note,omitempty"`
	Filings          []Filing          `json:"filings"`
	Case             notice.Case       `json:"case"`
}

// State is the item's state ("duplicate" for a flagged duplicate).
func (it Item) State() string {
	if it.DuplicateOf != "" {
		return "duplicate"
	}
	return string(it.Case.State)
}

// ItemReceipt is an item as acknowledged on receipt.
type ItemReceipt struct {
	ID          string   `json:"id"`
	ListingID   string   `json:"listing_id"`
	State       string   `json:"state"`
	DuplicateOf string   `json:"duplicate_of,omitempty"`
	Profiles    []string `json:"profiles"`
	Line        int      `json:"line,omitempty"`
}

// NoticeReceipt confirms receipt of a notice: its id and each item's id
// and initial state; with Partial, the items refused and why.
type NoticeReceipt struct {
	Notice   Notice        `json:"notice"`
	Items    []ItemReceipt `json:"items"`
	Rejected []fault.Field `json:"rejected,omitempty"`
}

func (a *App) env(now time.Time) notice.Env {
	return notice.Env{Now: now, Profiles: a.profiles, Deadlines: a.dl}
}

// listingFacts are the parts of a stored listing document a notice needs.
type listingFacts struct {
	ID       string   `json:"id"`
	SellerID string   `json:"seller_id"`
	Title    string   `json:"title"`
	URL      string   `json:"url"`
	Markets  []string `json:"markets"`
	ShipFrom struct {
		Country string `json:"country"`
	} `json:"ship_from"`
}

// markets are the target markets, as catalog.Listing derives them.
func (l listingFacts) markets() []string {
	if len(l.Markets) == 0 && l.ShipFrom.Country != "" {
		return []string{l.ShipFrom.Country}
	}
	return l.Markets
}

// listingIDFrom accepts a listing id or a listing URL.
func listingIDFrom(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	for _, k := range []string{"listing_id", "item_id", "id"} {
		if v := u.Query().Get(k); v != "" {
			return v
		}
	}
	return strings.TrimSuffix(path.Base(strings.TrimSuffix(u.Path, "/")), ".html")
}

// itemField names a field of item i in errors: the CSV line when known.
func itemField(in NoticeItemInput, i int, field string) string {
	if in.Line > 0 {
		return fmt.Sprintf("line %d: %s", in.Line, field)
	}
	return fmt.Sprintf("items[%d].%s", i, field)
}

// noticeFields says which of a profile's notice.required_fields a filing
// satisfies; the rest are missing and make the item incomplete.
func noticeFields(in NoticeInput, it NoticeItemInput, right registry.Right) map[string]bool {
	evidence := len(in.EvidenceIDs) > 0 || len(it.EvidenceIDs) > 0
	explained := strings.TrimSpace(in.Explanation) != "" || strings.TrimSpace(it.Note) != ""
	return map[string]bool{
		"identity_real": true, "contact": true, "notifier_name_email": true, // a verified organisation with its contact on file
		"right_proof": true, "item_locators": true, "reason_code": true, // the right is on file, the listing named
		"tm_registration":      right.Type == registry.Trademark && right.Trademark != nil && right.Trademark.RegistrationNumber != "",
		"works":                right.Type == registry.Copyright,
		"prima_facie_evidence": evidence || explained,
		"explanation":          explained,
		"signature":            strings.TrimSpace(in.Signature) != "",
		"requested_measure":    len(in.RequestedMeasures) > 0,
	}
}

// FileNotice receives a notice: it checks the filer, the cited rights and
// the listings, resolves the policy profiles of each item, and opens one
// item case per listing, all in one transaction. Bad input refuses the whole
// notice (unless Partial) and changes nothing.
func (a *App) FileNotice(ctx context.Context, p auth.Principal, in NoticeInput) (NoticeReceipt, error) {
	var rc NoticeReceipt
	if err := auth.Check(p, auth.NoticeCreate, auth.Resource{Kind: auth.KindNotice}); err != nil {
		return rc, err
	}
	now := a.Now()
	v := new(fault.Invalid)
	if in.PrincipalOrgID == "" {
		in.PrincipalOrgID = p.OrgID
	}
	if p.OrgKind == registry.KindRightsHolder && in.PrincipalOrgID != p.OrgID {
		v.Add("principal_org_id", "a rights holder files for itself; leave principal_org_id empty")
	}
	if p.OrgKind == registry.KindAgent && in.PrincipalOrgID == p.OrgID {
		v.Add("principal_org_id", "an agent files for a rights holder: give the principal's organisation id")
	}
	if !slices.Contains(InfringementTypes, in.InfringementType) {
		v.Add("infringement_type", "must be one of %s", strings.Join(InfringementTypes, ", "))
	}
	switch n := len(in.Items); {
	case n == 0:
		v.Add("items", "list at least one listing")
	case n > MaxNoticeItems:
		v.Add("items", "at most %d listings per notice; split it", MaxNoticeItems)
	}
	if len(in.RequestedMeasures) == 0 {
		in.RequestedMeasures = []string{"delist"}
	}
	if len(in.Explanation) > 10000 || len(in.Signature) > 200 {
		v.Add("explanation", "explanation at most 10000 and signature at most 200 characters")
	}
	if in.Language != "en" {
		in.Language = "zh"
	}
	if err := v.Err(); err != nil {
		return rc, err
	}

	principal, err := a.db.Org(ctx, in.PrincipalOrgID)
	if err != nil || principal.Kind != registry.KindRightsHolder {
		if err == nil || errors.Is(err, fault.ErrNotFound) {
			return rc, fault.InvalidField("principal_org_id", "no rights holder %q you may file for", in.PrincipalOrgID)
		}
		return rc, err
	}
	if principal.State != registry.OrgVerified {
		return rc, fault.New(fault.ErrForbidden, "%s is %s; notices can be filed once the organisation is verified", principal.LegalName, principal.State)
	}
	if susp, until, err := a.processingSuspended(ctx, principal.ID, now); err != nil {
		return rc, err
	} else if susp {
		return rc, fault.New(fault.ErrForbidden, "processing of notices from %s is suspended until %s because too many were manifestly unfounded (DSA Art. 23(2))",
			principal.LegalName, until.Format("2006-01-02"))
	}
	var auths []registry.Authorization
	if p.OrgKind == registry.KindAgent {
		auths, _, err = a.db.Authorizations(ctx, store.AuthorizationFilter{Agent: p.OrgID, Principal: principal.ID, State: registry.AuthVerified}, store.Page{Limit: 500})
		if err != nil {
			return rc, err
		}
	}

	// Rights, listings and sellers, loaded in bulk.
	rights := map[string]registry.Right{}
	var listingIDs []string
	for i := range in.Items {
		it := &in.Items[i]
		it.ListingID = listingIDFrom(it.ListingID)
		if it.RightID == "" {
			it.RightID = in.RightID
		}
		if it.InfringementType == "" {
			it.InfringementType = in.InfringementType
		}
		listingIDs = append(listingIDs, it.ListingID)
		if _, ok := rights[it.RightID]; !ok && it.RightID != "" {
			r, err := a.db.Right(ctx, it.RightID)
			if err != nil && !errors.Is(err, fault.ErrNotFound) {
				return rc, err
			}
			if err == nil {
				rights[it.RightID] = r
			}
		}
	}
	listings, err := a.db.CurrentListings(ctx, listingIDs)
	if err != nil {
		return rc, err
	}
	var sellerIDs []string
	seenSeller := map[string]bool{}
	for _, l := range listings {
		if !seenSeller[l.SellerID] {
			seenSeller[l.SellerID] = true
			sellerIDs = append(sellerIDs, l.SellerID)
		}
	}
	sellerOrgs, err := a.db.SellerOrgs(ctx, sellerIDs)
	if err != nil {
		return rc, err
	}
	open, err := a.db.OpenItems(ctx, listingIDs)
	if err != nil {
		return rc, err
	}
	evidence, err := a.docRefs(ctx, p, principal.ID, "evidence_ids", in.EvidenceIDs)
	if err != nil {
		return rc, err
	}

	type planned struct {
		in       NoticeItemInput
		listing  listingFacts
		version  int
		right    registry.Right
		applied  []policy.Applied
		missing  []string
		dupOf    string
		evidence []registry.DocRef
	}
	var plan []planned
	seen := map[string]bool{}
	attest := map[string]*AttestationRecord{}
	trusted := a.trustedNotifier(ctx, principal.ID, now)
	for i, it := range in.Items {
		failed := false
		bad := func(field, format string, args ...any) {
			v.Add(itemField(it, i, field), format, args...)
			failed = true
		}
		if !slices.Contains(InfringementTypes, it.InfringementType) {
			bad("infringement_type", "must be one of %s", strings.Join(InfringementTypes, ", "))
			continue
		}
		r, ok := rights[it.RightID]
		usable := ok && r.OwnerOrgID == principal.ID && r.Usable(now, principal).Usable
		if ok && r.OwnerOrgID == principal.ID && !usable {
			bad("right_id", "right %s cannot be cited: %s", it.RightID, r.Usable(now, principal).Reason)
			continue
		}
		if !usable {
			bad("right_id", "no usable right %q of %s on file", it.RightID, principal.LegalName)
			continue
		}
		if p.OrgKind == registry.KindAgent && !slices.ContainsFunc(auths, func(au registry.Authorization) bool { return au.Covers(r, now) }) {
			bad("right_id", "your authorisation from %s does not cover right %s (or is not in force)", principal.LegalName, r.ID)
			continue
		}
		if want, _ := rightTypeFor(it.InfringementType); want != r.Type {
			bad("infringement_type", "%s needs a %s right; %s is a %s", it.InfringementType, want, r.ID, r.Type)
			continue
		}
		cur, ok := listings[it.ListingID]
		if !ok {
			bad("listing_id", "no listing %q; the marketplace has not sent it to dajia", it.ListingID)
			continue
		}
		if seen[it.ListingID+"\x00"+r.ID] {
			bad("listing_id", "listing %s is named twice for right %s in this notice", it.ListingID, r.ID)
			continue
		}
		seen[it.ListingID+"\x00"+r.ID] = true
		if sellerOrgs[cur.SellerID] == "" {
			bad("listing_id", "the seller %s of listing %s is not known to dajia yet; the marketplace must send it first", cur.SellerID, it.ListingID)
			continue
		}
		var l listingFacts
		if err := json.Unmarshal(cur.Doc, &l); err != nil {
			return rc, fmt.Errorf("load listing %s: %w", it.ListingID, err)
		}
		pl := planned{in: it, listing: l, version: cur.Version, right: r}
		for _, o := range open[it.ListingID] {
			var other Item
			if err := json.Unmarshal(o.Doc, &other); err != nil {
				return rc, err
			}
			switch {
			case o.RightID == r.ID && pl.dupOf == "":
				pl.dupOf = o.ID
			case len(other.Case.ActiveMeasures("")) > 0 && o.RightID != r.ID:
				bad("listing_id", "listing %s is already removed (item %s)", it.ListingID, o.ID)
			}
		}
		if failed {
			continue
		}
		_, matchType := rightTypeFor(it.InfringementType)
		pl.applied = a.profiles.Resolve(a.resolve, l.markets(), r.Territories, matchType)
		if len(pl.applied) == 0 {
			bad("listing_id", "no policy profile covers listing %s (offered in %s) for a right valid in %s", it.ListingID,
				orNone(l.markets()), orNone(r.Territories))
			continue
		}
		if pl.evidence, err = a.docRefs(ctx, p, principal.ID, itemField(it, i, "evidence_ids"), it.EvidenceIDs); err != nil {
			var inv *fault.Invalid
			if errors.As(err, &inv) {
				v.Fields = append(v.Fields, inv.Fields...)
				continue
			}
			return rc, err
		}
		have := noticeFields(in, it, r)
		for _, ap := range pl.applied {
			for _, f := range ap.Profile.Notice.RequiredFields {
				if policy.IsAttestation(f) {
					t := ap.Profile.Notice.AttestationTexts[f]
					rec := attest[f]
					if rec == nil {
						rec = &AttestationRecord{Key: f, Version: t.Version, TextEN: t.EN, TextZH: t.ZH}
						attest[f] = rec
					}
					if !slices.Contains(rec.Profiles, ap.Profile.ID) {
						rec.Profiles = append(rec.Profiles, ap.Profile.ID)
					}
					continue
				}
				// The trusted lane carries lighter evidence: a notifier whose
				// notices prove accurate need not attach evidence each time.
				if trusted && (f == "prima_facie_evidence" || f == "explanation") {
					continue
				}
				if !have[f] && !slices.Contains(pl.missing, f) {
					pl.missing = append(pl.missing, f)
				}
			}
		}
		plan = append(plan, pl)
	}
	// Attestations are confirmed once for the notice, in their exact versions.
	keys := make([]string, 0, len(attest))
	for k := range attest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var attestations []AttestationRecord
	for _, k := range keys {
		rec := attest[k]
		got, ok := in.Attestations[k]
		switch {
		case !ok:
			v.Add("attestations."+k, "confirm this statement (version %s): %q", rec.Version, rec.TextEN)
		case got != rec.Version:
			v.Add("attestations."+k, "you confirmed version %q, but the text in force is version %s: %q", got, rec.Version, rec.TextEN)
		default:
			attestations = append(attestations, *rec)
		}
	}
	for k := range in.Attestations {
		if attest[k] == nil {
			v.Add("attestations."+k, "no profile of this notice asks for %q", k)
		}
	}
	if len(v.Fields) > 0 {
		if !in.Partial || len(plan) == 0 || hasNoticeLevel(v) {
			return rc, v
		}
		rc.Rejected = v.Fields
	}
	if in.DryRun {
		for _, pl := range plan {
			rc.Items = append(rc.Items, ItemReceipt{ListingID: pl.listing.ID, State: "valid", DuplicateOf: pl.dupOf, Line: pl.in.Line})
		}
		return rc, nil
	}

	n := Notice{ID: id.New("ntc", now), NotifierOrgID: principal.ID, NotifierName: principal.LegalName, FiledByOrgID: p.OrgID,
		FiledBy: p.ActorID(), InfringementType: in.InfringementType, Explanation: in.Explanation, Signature: in.Signature,
		RequestedMeasures: in.RequestedMeasures, Attestations: attestations, Evidence: evidence, Language: in.Language,
		Channel: in.Channel, ItemCount: len(plan), ReceivedAt: now}
	if n.Channel == "" {
		n.Channel = "api"
	}
	env := a.env(now)
	err = a.db.Tx(ctx, func(tx *store.Tx) error {
		rc.Items = rc.Items[:0]
		n.Duplicates = 0
		b := newBatch()
		b.digest = map[string]int{}
		for _, pl := range plan {
			it := Item{ID: id.New("itm", now), NoticeID: n.ID, ListingID: pl.listing.ID, ListingVersion: pl.version,
				ListingTitle: pl.listing.Title, ListingURL: pl.listing.URL, RightID: pl.right.ID, RightLabel: pl.right.Label(),
				RightName: rightName(pl.right),
				SellerID:  pl.listing.SellerID, SellerOrgID: sellerOrgs[pl.listing.SellerID], NotifierOrgID: principal.ID,
				NotifierName: principal.LegalName, FiledByOrgID: p.OrgID, InfringementType: pl.in.InfringementType,
				DuplicateOf: pl.dupOf, Evidence: append(slices.Clone(evidence), pl.evidence...), Note: pl.in.Note, Filings: []Filing{}}
			it.RightOffice, it.RightNumber = pl.right.RegistrationKey()
			var effs []notice.Effect
			if pl.dupOf == "" {
				c, e1, err := notice.New(notice.Intake{ID: it.ID, NoticeID: n.ID, ListingID: it.ListingID, SellerID: it.SellerID,
					NotifierID: principal.ID, NotifierOrg: principal.LegalName, RightID: it.RightID, InfringementType: it.InfringementType,
					TrustedNotifier: trusted, RequestedMeasures: in.RequestedMeasures, Scopes: notice.ScopesFrom(pl.applied)}, env)
				if err != nil {
					return fmt.Errorf("open case: %w", err)
				}
				c, e2, err := notice.Apply(c, notice.Validated{Missing: pl.missing}, env)
				if err != nil {
					return fmt.Errorf("validate case: %w", err)
				}
				it.Case, effs = c, append(e1, e2...)
			} else {
				n.Duplicates++
			}
			rec := a.itemRecord(it, 0, now)
			if err := tx.InsertItem(ctx, rec); err != nil {
				return err
			}
			if err := a.execute(ctx, tx, &it, effs, b, now); err != nil {
				return err
			}
			if err := a.record(ctx, tx, p, now, change{action: "item.receive", objectType: "item", objectID: it.ID, orgID: principal.ID,
				after: itemAudit(it), reason: "notice " + n.ID}); err != nil {
				return err
			}
			rc.Items = append(rc.Items, ItemReceipt{ID: it.ID, ListingID: it.ListingID, State: it.State(), DuplicateOf: it.DuplicateOf,
				Profiles: rec.Profiles, Line: pl.in.Line})
		}
		if err := a.finish(ctx, tx, b, now); err != nil {
			return err
		}
		if err := a.intakeSummary(ctx, tx, n, rc.Items, b.digest, now); err != nil {
			return err
		}
		doc, err := json.Marshal(n)
		if err != nil {
			return err
		}
		if err := tx.InsertNotice(ctx, store.NoticeRecord{ID: n.ID, NotifierOrgID: n.NotifierOrgID, FiledByOrgID: n.FiledByOrgID,
			InfringementType: n.InfringementType, ItemCount: n.ItemCount, Doc: doc, ReceivedAt: now}); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "notice.receive", objectType: "notice", objectID: n.ID, orgID: principal.ID, after: n})
	})
	rc.Notice = n
	return rc, err
}

func hasNoticeLevel(v *fault.Invalid) bool {
	for _, f := range v.Fields {
		if !strings.HasPrefix(f.Field, "items[") && !strings.HasPrefix(f.Field, "line ") {
			return true
		}
	}
	return false
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "no known market"
	}
	return strings.Join(s, ", ")
}

// docRefs resolves evidence document ids of the caller's (or the principal's) organisation.
func (a *App) docRefs(ctx context.Context, p auth.Principal, ownerOrgID, field string, ids []string) ([]registry.DocRef, error) {
	out := []registry.DocRef{}
	v := new(fault.Invalid)
	for i, docID := range ids {
		d, err := a.db.Document(ctx, docID)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return nil, err
		}
		if err != nil || (d.OrgID != p.OrgID && d.OrgID != ownerOrgID) {
			v.Add(fmt.Sprintf("%s[%d]", field, i), "no document %q; upload it first with POST /api/v1/documents", docID)
			continue
		}
		out = append(out, d.Ref(registry.DocOther))
	}
	return out, v.Err()
}

// trustedNotifier reports whether a rights holder is in the trusted lane
// under any profile: its accuracy meets the profile's bar.
func (a *App) trustedNotifier(ctx context.Context, orgID string, now time.Time) bool {
	acc, err := a.accuracy(ctx, &a.db.Querier, orgID, now)
	if err != nil {
		a.log.Warn("accuracy", "org_id", orgID, "err", err)
		return false
	}
	for _, x := range acc {
		if x.Accuracy.Lane == notice.LaneTrusted {
			return true
		}
	}
	return false
}

// itemRecord builds the store row of an item.
func (a *App) itemRecord(it Item, rev int, now time.Time) store.ItemRecord {
	doc, _ := json.Marshal(it)
	rec := store.ItemRecord{ID: it.ID, NoticeID: it.NoticeID, ListingID: it.ListingID, ListingVersion: it.ListingVersion,
		RightID: it.RightID, SellerID: it.SellerID, SellerOrgID: it.SellerOrgID, NotifierOrgID: it.NotifierOrgID,
		State: it.State(), Open: it.DuplicateOf == "" && !it.Case.State.Terminal(), DuplicateOf: it.DuplicateOf,
		Trusted: it.Case.TrustedNotifier || it.Case.TrustedFlagger, Rev: rev, Doc: doc, ReceivedAt: it.Case.ReceivedAt, UpdatedAt: now}
	if rec.ReceivedAt.IsZero() {
		rec.ReceivedAt = now
	}
	for _, s := range it.Case.Scopes {
		rec.Profiles = append(rec.Profiles, s.Profile)
	}
	if it.Case.State == notice.StateUnderReview {
		for _, t := range it.Case.RunningTimers() {
			if t.Kind == notice.TimerReviewSLA && (rec.SLADueAt.IsZero() || t.DueAt.Before(rec.SLADueAt)) {
				rec.SLADueAt = t.DueAt
			}
		}
		if rec.SLADueAt.IsZero() {
			rec.SLADueAt = now.Add(24 * time.Hour)
		}
	}
	if it.Case.State == notice.StateUnderReview && it.Case.ReviewerID != "" {
		rec.ClaimedBy = it.Case.ReviewerID
	}
	return rec
}

// itemAudit is what the audit log keeps of an item: its state, scopes,
// measures and timers (the full case document is in the item).
func itemAudit(it Item) any {
	return struct {
		State    string           `json:"state"`
		Scopes   []notice.Scope   `json:"scopes,omitempty"`
		Measures []notice.Measure `json:"measures,omitempty"`
		Timers   []notice.Timer   `json:"timers,omitempty"`
		Decision *notice.Decision `json:"decision,omitempty"`
		Listing  string           `json:"listing"`
		Version  int              `json:"listing_version"`
	}{it.State(), it.Case.Scopes, it.Case.Measures, it.Case.Timers, it.Case.Decision, it.ListingID, it.ListingVersion}
}

// intakeSummary sends the notifier (and the agent who filed) one message
// for a notice's intake: how many items were received, in which states,
// and what the state machine would otherwise have said item by item.
func (a *App) intakeSummary(ctx context.Context, tx *store.Tx, n Notice, items []ItemReceipt, digest map[string]int, now time.Time) error {
	states := map[string]int{}
	for _, it := range items {
		states[it.State]++
	}
	keys := make([]string, 0, len(states))
	for k := range states {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", states[k], k))
	}
	d := messageData{ItemID: n.ID, Extra: fmt.Sprintf("%d listings: %s", len(items), strings.Join(parts, ", "))}
	msg, err := render("notice.received", d)
	if err != nil {
		return err
	}
	msg.ItemID = n.ID
	doc, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	for _, org := range []string{n.NotifierOrgID, n.FiledByOrgID} {
		if err := tx.InsertInbox(ctx, store.DocRecord{ID: id.New("msg", now), OrgID: org, ItemID: n.ID, Kind: msg.Template, Doc: doc, CreatedAt: now}); err != nil {
			return err
		}
		if n.FiledByOrgID == n.NotifierOrgID {
			break
		}
	}
	return nil
}

// rightName is the mark or the title of a right.
func rightName(r registry.Right) string {
	switch {
	case r.Trademark != nil:
		return r.Trademark.MarkText
	case r.Copyright != nil:
		return r.Copyright.WorkTitle
	case r.Patent != nil:
		return r.Patent.Title
	}
	return ""
}
