// Package sor holds the DSA statement of reasons (Regulation (EU) 2022/2065,
// Art 17): what dajia stores and shows to the affected seller, how it is
// validated against the rules of the Commission's Transparency Database, and
// the JSON it submits there under Art 24(5) (legal-workflows.md §3.3, §4.4–4.5
// and §5).
//
// A Statement is checked with Validate, turned into the database's request
// body with TDBPayload or BatchPayload, and shown to the seller with Render.
// The enumerations of the database schema in force since 2025-07-01 are
// embedded data (Keys, Label, IsKey).
//
// The package is pure: it never reads the clock; every date is passed in.
// Dates are calendar dates: only the year, month and day of a time.Time in its
// own location matter, so callers pass times in the platform's legal time
// zone.
package sor

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

// Statement is one statement of reasons: one decision restricting one listing
// or account, as owed to the seller under Art 17(3)(a)–(f). Fields named after
// a database field hold that field's value verbatim (enum keys as in
// sor-enums.json); an empty string or a zero time means "not given".
type Statement struct {
	ID          string // dajia's identifier of the statement
	PUID        string // platform unique identifier sent to the database (puid); see PUID
	CaseID      string // the item case the decision belongs to
	ListingID   string // the affected listing; empty for a decision on the account only
	SellerID    string // the affected seller account
	AccountType string // account_type: AccountTypeBusiness for traders, AccountTypePrivate, or empty

	// Art 17(3)(a): the restrictions, where and for how long. At least one of
	// Visibility, Monetary, Provision and Account is set. A zero end date
	// means indefinite.
	Visibility       []string  // decision_visibility: Visibility* keys
	VisibilityOther  string    // decision_visibility_other, when Visibility holds VisibilityOther
	VisibilityEnd    time.Time // end_date_visibility_restriction
	Monetary         string    // decision_monetary: Monetary* key
	MonetaryOther    string    // decision_monetary_other, when Monetary is MonetaryOther
	MonetaryEnd      time.Time // end_date_monetary_restriction
	Provision        string    // decision_provision: Provision* key
	ProvisionEnd     time.Time // end_date_service_restriction
	Account          string    // decision_account: Account* key
	AccountEnd       time.Time // end_date_account_restriction
	TerritorialScope []string  // territorial_scope: the EEA codes restricted; see EEAScope
	ApplicationDate  time.Time // application_date: the day the restrictions take effect

	// Art 17(3)(b): facts and circumstances, and where the decision came from.
	Facts          string // decision_facts: plain language, no personal data
	SourceType     string // source_type: Source* key
	SourceIdentity string // source_identity: the notifier's organisation name, never a natural person's name or contact
	Right          Right  // the right relied on, when the decision concerns intellectual property

	// Art 17(3)(c): automated means.
	AutomatedDetection bool   // automated_detection
	AutomatedDecision  string // automated_decision: Decision* key

	// Art 17(3)(d) and (e): the ground.
	Ground            string // decision_ground: GroundIllegal or GroundIncompatible
	GroundReference   string // the law (illegal_content_legal_ground) or the clause of the terms (incompatible_content_ground)
	GroundExplanation string // why the content is illegal or incompatible on that ground (…_explanation)
	AlsoIllegal       string // incompatible_content_illegal, for GroundIncompatible only: Yes, No or empty
	GroundURL         string // decision_ground_reference_url: the law's ELI or the clause of the terms

	// Classification of the content.
	ContentType      []string  // content_type: Content* keys, at least one
	ContentTypeOther string    // content_type_other, when ContentType holds ContentOther
	Category         string    // category: a key of STATEMENT_CATEGORIES
	CategoryAddition []string  // category_addition
	Keywords         []string  // category_specification: keys of KEYWORDS
	KeywordOther     string    // category_specification_other
	ContentDate      time.Time // content_date: the day the listing was first hosted
	Language         string    // content_language: uppercase ISO 639-1, e.g. "EN"; optional
	EAN              string    // content_id EAN-13 (GTIN-13) of the product, when known

	// Art 17(3)(f): redress.
	Redress  Redress
	IssuedAt time.Time // the day the seller is informed; the complaint window runs from it (Art 20(1))
}

// Right is the intellectual property right a decision relies on. A
// registration number is public register data, not personal data.
type Right struct {
	Type         string // as in policy profiles: trademark, copyright, patent, utility_model, design, GI, trade_secret
	Name         string // the mark, the work's title, the design or patent title
	Registration string // registration number, if registered
	Territory    string // where the right is valid, e.g. "EU" or "DE"
}

// Redress is the information on redress owed under Art 17(3)(f). Judicial
// redress is always open and always shown.
type Redress struct {
	InternalComplaint bool      // an Art 20 complaint can be filed
	ComplaintURL      string    // where to file it
	ComplaintDeadline time.Time // the last day to file it, at least six months after IssuedAt
	OutOfCourt        bool      // certified out-of-court dispute settlement bodies are open (Art 21)
}

// rightTypes are the right types of the policy vocabulary (policy profiles'
// applies_when.right_types).
var rightTypes = []string{"trademark", "copyright", "patent", "utility_model", "design", "GI", "trade_secret"}

// Measure errors.
var (
	ErrUnknownMeasure   = errors.New("unknown measure")
	ErrConflictingTypes = errors.New("conflicting restriction")
)

// DecisionField returns the database field and enum key a dajia measure
// (decision.allowed_measures in a policy profile, see policy.MeasureSpec)
// maps to, e.g. "delist" → ("decision_visibility",
// "DECISION_VISIBILITY_CONTENT_REMOVED").
func DecisionField(measure string) (field, key string, err error) {
	kind, key, ok := policy.MeasureSpec(measure)
	if !ok {
		return "", "", fmt.Errorf("%w %q", ErrUnknownMeasure, measure)
	}
	switch kind {
	case policy.KindVisibility:
		return "decision_visibility", key, nil
	case policy.KindMonetary:
		return "decision_monetary", key, nil
	case policy.KindProvision:
		return "decision_provision", key, nil
	case policy.KindAccount:
		return "decision_account", key, nil
	}
	return "", "", fmt.Errorf("%w %q: kind %q", ErrUnknownMeasure, measure, kind)
}

// AddMeasure records a dajia measure as a restriction of the statement, with
// its end date (zero for indefinite). Visibility measures accumulate (a
// listing may be removed in one place and disabled in another); the other
// kinds hold one value each, so a second, different measure of the same kind
// is an error. When two measures of a kind carry different end dates the
// later one is kept; a zero (indefinite) end wins.
func (s *Statement) AddMeasure(measure string, end time.Time) error {
	field, key, err := DecisionField(measure)
	if err != nil {
		return err
	}
	var cur *string
	var curEnd *time.Time
	switch field {
	case "decision_visibility":
		s.VisibilityEnd = laterEnd(s.VisibilityEnd, end, len(s.Visibility) == 0)
		if !slices.Contains(s.Visibility, key) {
			s.Visibility = append(s.Visibility, key)
		}
		return nil
	case "decision_monetary":
		cur, curEnd = &s.Monetary, &s.MonetaryEnd
	case "decision_provision":
		cur, curEnd = &s.Provision, &s.ProvisionEnd
	default:
		cur, curEnd = &s.Account, &s.AccountEnd
	}
	if *cur != "" && *cur != key {
		return fmt.Errorf("%w: %s already %s, not %s", ErrConflictingTypes, field, *cur, key)
	}
	*curEnd = laterEnd(*curEnd, end, *cur == "")
	*cur = key
	return nil
}

// laterEnd combines two end dates of one restriction type: first is true when
// no restriction of the type was recorded before.
func laterEnd(cur, next time.Time, first bool) time.Time {
	switch {
	case first:
		return next
	case cur.IsZero() || next.IsZero():
		return time.Time{}
	case next.After(cur):
		return next
	}
	return cur
}

// EEAScope turns a measure's territories into a territorial_scope: it keeps
// the 30 EEA codes, expands "*" and "EEA" to all 30 and "EU" to the EU27,
// drops everything else (a decision for China or the US is not reported), and
// returns the codes de-duplicated and sorted. An empty result means the
// decision restricts nothing in the EEA, so no Art 17 statement is owed.
func EEAScope(territories []string) []string {
	var out []string
	for _, t := range territories {
		switch t := strings.ToUpper(strings.TrimSpace(t)); {
		case t == "*" || t == "EEA":
			out = append(out, vocab().eea...)
		case t == "EU":
			out = append(out, vocab().eu...)
		case t == "EL": // ISO 639 / Eurostat code for Greece; the database wants GR
			out = append(out, "GR")
		case IsEEA(t):
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// MaxPUID is the longest puid the database accepts, in characters.
const MaxPUID = 500

// PUID builds the puid of a statement from dajia's identifiers:
// "{caseID}-{itemID}-{seq}", e.g. "C2025000123-L998877-1" (§5.2). The same
// inputs always give the same puid and different inputs never do: ASCII
// letters and digits are kept, and any other byte of an identifier (including
// '-' and '_') is written as '_' and two hex digits. Identifiers are dajia's
// own, never a name or contact, so the puid holds no personal data. A new
// restriction on the same item (after a complaint, say) needs a new seq: the
// database never accepts a puid twice.
func PUID(caseID, itemID string, seq int) (string, error) {
	if caseID == "" || itemID == "" || seq < 1 {
		return "", fmt.Errorf("puid: want a case id, an item id and seq ≥ 1, got %q, %q, %d", caseID, itemID, seq)
	}
	var b strings.Builder
	for i, part := range []string{caseID, itemID} {
		if i > 0 {
			b.WriteByte('-')
		}
		for j := 0; j < len(part); j++ {
			c := part[j]
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				b.WriteByte(c)
				continue
			}
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	b.WriteByte('-')
	b.WriteString(strconv.Itoa(seq))
	if b.Len() > MaxPUID {
		return "", fmt.Errorf("puid: %d characters, want at most %d", b.Len(), MaxPUID)
	}
	return b.String(), nil
}

// validPUID reports whether s matches ^[a-zA-Z0-9-_]+$.
func validPUID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// date formats a calendar date the way the database wants it; zero is "".
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// yesNo is the database's form of a flag.
func yesNo(b bool) string {
	if b {
		return Yes
	}
	return No
}
