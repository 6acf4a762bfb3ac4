package sor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Payload is the JSON body of POST /api/v1/statement, field for field
// (legal-workflows.md §5.2). Optional fields are omitted when empty, never
// sent as null: the server rejects null for incompatible_content_illegal and
// category_addition, and omitting is accepted everywhere.
type Payload struct {
	DecisionVisibility             []string   `json:"decision_visibility,omitempty"`
	DecisionVisibilityOther        string     `json:"decision_visibility_other,omitempty"`
	EndDateVisibilityRestriction   string     `json:"end_date_visibility_restriction,omitempty"`
	DecisionMonetary               string     `json:"decision_monetary,omitempty"`
	DecisionMonetaryOther          string     `json:"decision_monetary_other,omitempty"`
	EndDateMonetaryRestriction     string     `json:"end_date_monetary_restriction,omitempty"`
	DecisionProvision              string     `json:"decision_provision,omitempty"`
	EndDateServiceRestriction      string     `json:"end_date_service_restriction,omitempty"`
	DecisionAccount                string     `json:"decision_account,omitempty"`
	EndDateAccountRestriction      string     `json:"end_date_account_restriction,omitempty"`
	AccountType                    string     `json:"account_type,omitempty"`
	DecisionGround                 string     `json:"decision_ground"`
	DecisionGroundReferenceURL     string     `json:"decision_ground_reference_url,omitempty"`
	IllegalContentLegalGround      string     `json:"illegal_content_legal_ground,omitempty"`
	IllegalContentExplanation      string     `json:"illegal_content_explanation,omitempty"`
	IncompatibleContentGround      string     `json:"incompatible_content_ground,omitempty"`
	IncompatibleContentExplanation string     `json:"incompatible_content_explanation,omitempty"`
	IncompatibleContentIllegal     string     `json:"incompatible_content_illegal,omitempty"`
	ContentType                    []string   `json:"content_type"`
	ContentTypeOther               string     `json:"content_type_other,omitempty"`
	Category                       string     `json:"category"`
	CategoryAddition               []string   `json:"category_addition,omitempty"`
	CategorySpecification          []string   `json:"category_specification,omitempty"`
	CategorySpecificationOther     string     `json:"category_specification_other,omitempty"`
	TerritorialScope               []string   `json:"territorial_scope"`
	ContentLanguage                string     `json:"content_language,omitempty"`
	ContentDate                    string     `json:"content_date"`
	ApplicationDate                string     `json:"application_date"`
	DecisionFacts                  string     `json:"decision_facts"`
	SourceType                     string     `json:"source_type"`
	SourceIdentity                 string     `json:"source_identity,omitempty"`
	AutomatedDetection             string     `json:"automated_detection"`
	AutomatedDecision              string     `json:"automated_decision"`
	PUID                           string     `json:"puid"`
	ContentID                      *ContentID `json:"content_id,omitempty"`
	ContentIDEAN                   string     `json:"content_id_ean,omitempty"` // read, never written: TDBPayload sends content_id
}

// ContentID identifies the product; EAN-13 is the only key the database
// accepts.
type ContentID struct {
	EAN13 string `json:"EAN-13,omitempty"`
}

// MaxBatch is the most statements one POST /api/v1/statements accepts.
const MaxBatch = 100

// wire is the statement as it would be sent, before any normalisation.
func (s Statement) wire() Payload {
	p := Payload{
		DecisionVisibility:           s.Visibility,
		DecisionVisibilityOther:      s.VisibilityOther,
		EndDateVisibilityRestriction: date(s.VisibilityEnd),
		DecisionMonetary:             s.Monetary,
		DecisionMonetaryOther:        s.MonetaryOther,
		EndDateMonetaryRestriction:   date(s.MonetaryEnd),
		DecisionProvision:            s.Provision,
		EndDateServiceRestriction:    date(s.ProvisionEnd),
		DecisionAccount:              s.Account,
		EndDateAccountRestriction:    date(s.AccountEnd),
		AccountType:                  s.AccountType,
		DecisionGround:               s.Ground,
		DecisionGroundReferenceURL:   s.GroundURL,
		ContentType:                  s.ContentType,
		ContentTypeOther:             s.ContentTypeOther,
		Category:                     s.Category,
		CategoryAddition:             s.CategoryAddition,
		CategorySpecification:        s.Keywords,
		CategorySpecificationOther:   s.KeywordOther,
		TerritorialScope:             s.TerritorialScope,
		ContentLanguage:              s.Language,
		ContentDate:                  date(s.ContentDate),
		ApplicationDate:              date(s.ApplicationDate),
		DecisionFacts:                s.Facts,
		SourceType:                   s.SourceType,
		SourceIdentity:               s.SourceIdentity,
		AutomatedDetection:           yesNo(s.AutomatedDetection),
		AutomatedDecision:            s.AutomatedDecision,
		PUID:                         s.PUID,
	}
	switch s.Ground {
	case GroundIllegal:
		p.IllegalContentLegalGround, p.IllegalContentExplanation = s.GroundReference, s.GroundExplanation
	case GroundIncompatible:
		p.IncompatibleContentGround, p.IncompatibleContentExplanation = s.GroundReference, s.GroundExplanation
		p.IncompatibleContentIllegal = s.AlsoIllegal
	}
	if s.EAN != "" {
		p.ContentID = &ContentID{EAN13: s.EAN}
	}
	return p
}

// TDBPayload returns the body of POST /api/v1/statement for a statement. The
// statement must pass Validate. The payload then gets what the server would
// do to it anyway, done here so that what dajia records as sent is what the
// database stores: strings are trimmed; fields the server drops for the
// chosen branch are left out (the *_other texts without their OTHER key, the
// other ground's fields, source_identity for SOURCE_VOLUNTARY); lists lose
// repeats, territorial_scope is sorted, and category_addition loses the main
// category.
//
// Redaction (Art 24(5): the database must hold no personal data). Nothing
// about the notifier goes out but the organisation in source_identity, and
// Validate rejects a source_identity with an e-mail address or phone number.
// As a safety net every free-text field (decision_facts, the ground and its
// explanation, the *_other texts) has e-mail addresses and phone numbers
// (international "+…" numbers, numbers after "tel", "phone", "电话" and the
// like, and Chinese mobile numbers) replaced by "***", which is never longer
// than what it replaces. Natural persons' names cannot be found this way:
// the texts are written from templates and by reviewers who must not put
// names in them.
func TDBPayload(s Statement) (Payload, error) {
	if err := s.Validate(); err != nil {
		return Payload{}, fmt.Errorf("statement %q: %w", s.PUID, err)
	}
	p := s.wire().normalised()
	if err := p.Validate(); err != nil { // normalising a valid statement cannot break it; checked anyway
		return Payload{}, fmt.Errorf("statement %q after normalisation: %w", s.PUID, err)
	}
	return p, nil
}

// normalised returns a copy of p as the server would store it, redacted.
func (p Payload) normalised() Payload {
	for _, f := range []*string{
		&p.DecisionVisibilityOther, &p.EndDateVisibilityRestriction, &p.DecisionMonetary, &p.DecisionMonetaryOther,
		&p.EndDateMonetaryRestriction, &p.DecisionProvision, &p.EndDateServiceRestriction, &p.DecisionAccount,
		&p.EndDateAccountRestriction, &p.AccountType, &p.DecisionGround, &p.DecisionGroundReferenceURL,
		&p.IllegalContentLegalGround, &p.IllegalContentExplanation, &p.IncompatibleContentGround,
		&p.IncompatibleContentExplanation, &p.IncompatibleContentIllegal, &p.ContentTypeOther, &p.Category,
		&p.CategorySpecificationOther, &p.ContentLanguage, &p.ContentDate, &p.ApplicationDate, &p.DecisionFacts,
		&p.SourceType, &p.SourceIdentity, &p.AutomatedDetection, &p.AutomatedDecision, &p.PUID, &p.ContentIDEAN,
	} {
		*f = trim(*f)
	}
	p.DecisionVisibility = unique(p.DecisionVisibility)
	p.ContentType = unique(p.ContentType)
	p.CategorySpecification = unique(p.CategorySpecification)
	p.CategoryAddition = slices.DeleteFunc(unique(p.CategoryAddition), func(c string) bool { return c == p.Category })
	if len(p.CategoryAddition) == 0 {
		p.CategoryAddition = nil
	}
	p.TerritorialScope = unique(p.TerritorialScope)
	slices.Sort(p.TerritorialScope)

	if !slices.Contains(p.DecisionVisibility, VisibilityOther) {
		p.DecisionVisibilityOther = ""
	}
	if p.DecisionMonetary != MonetaryOther {
		p.DecisionMonetaryOther = ""
	}
	if !slices.Contains(p.ContentType, ContentOther) {
		p.ContentTypeOther = ""
	}
	if p.DecisionGround != GroundIllegal {
		p.IllegalContentLegalGround, p.IllegalContentExplanation = "", ""
	}
	if p.DecisionGround != GroundIncompatible {
		p.IncompatibleContentGround, p.IncompatibleContentExplanation, p.IncompatibleContentIllegal = "", "", ""
	}
	if p.SourceType == SourceVoluntary {
		p.SourceIdentity = ""
	}
	if p.ContentID != nil {
		id := *p.ContentID
		p.ContentID = &id
	}
	if p.ContentIDEAN != "" {
		if p.ContentID == nil || p.ContentID.EAN13 == "" {
			p.ContentID = &ContentID{EAN13: p.ContentIDEAN}
		}
		p.ContentIDEAN = ""
	}
	if p.ContentID != nil && p.ContentID.EAN13 == "" {
		p.ContentID = nil
	}
	for _, f := range []*string{
		&p.DecisionVisibilityOther, &p.DecisionMonetaryOther, &p.IllegalContentLegalGround,
		&p.IllegalContentExplanation, &p.IncompatibleContentGround, &p.IncompatibleContentExplanation,
		&p.ContentTypeOther, &p.CategorySpecificationOther, &p.DecisionFacts, &p.SourceIdentity,
	} {
		*f = redact(*f)
	}
	return p
}

// unique returns a trimmed copy of vs without repeats, in first-seen order;
// nil for an empty list.
func unique(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = trim(v); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// BatchError is the failure of one statement of a batch; Index is its
// position, as in the server's statement_<index> error keys.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("statement_%d: %v", e.Index, e.Err) }

func (e *BatchError) Unwrap() error { return e.Err }

// BatchPayload returns the body of POST /api/v1/statements,
// {"statements":[…]}, for 1 to MaxBatch statements. Like the server it is
// all-or-nothing: if any statement fails, or two share a puid, there is no
// body and the error joins one *BatchError per failing statement.
func BatchPayload(stmts []Statement) ([]byte, error) {
	if len(stmts) == 0 || len(stmts) > MaxBatch {
		return nil, fmt.Errorf("statement batch: %d statements, want 1 to %d", len(stmts), MaxBatch)
	}
	var errs []error
	seen := map[string]int{}
	body := struct {
		Statements []Payload `json:"statements"`
	}{Statements: make([]Payload, 0, len(stmts))}
	for i, s := range stmts {
		p, err := TDBPayload(s)
		if err != nil {
			errs = append(errs, &BatchError{Index: i, Err: err})
			continue
		}
		if j, dup := seen[p.PUID]; dup {
			errs = append(errs, &BatchError{Index: i, Err: fmt.Errorf("puid %q repeats statement_%d", p.PUID, j)})
			continue
		}
		seen[p.PUID] = i
		body.Statements = append(body.Statements, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return json.Marshal(body)
}

// ParsePayload reads a POST /api/v1/statement body into a Statement, so that
// a payload from elsewhere (or a stored one) can be checked with Validate and
// sent again. Unknown fields are an error. Values are kept as they are (not
// trimmed or normalised) so that Validate sees them; only the dates and
// automated_detection must be well-formed, as a Statement holds them typed.
// The payload holds none of dajia's own data (listing, seller, right,
// redress), so those stay empty.
func ParsePayload(data []byte) (Statement, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Payload
	if err := dec.Decode(&p); err != nil {
		return Statement{}, fmt.Errorf("decode statement payload: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Statement{}, errors.New("decode statement payload: data after the JSON object")
	}
	return p.statement()
}

func (p Payload) statement() (Statement, error) {
	var c checker
	day := func(field, v string) time.Time {
		t := trim(v)
		if t == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, t)
		if err != nil {
			c.add(field, "%q is not a date YYYY-MM-DD", t)
			return time.Time{}
		}
		return d
	}
	s := Statement{
		PUID:              p.PUID,
		AccountType:       p.AccountType,
		Visibility:        p.DecisionVisibility,
		VisibilityOther:   p.DecisionVisibilityOther,
		VisibilityEnd:     day("end_date_visibility_restriction", p.EndDateVisibilityRestriction),
		Monetary:          p.DecisionMonetary,
		MonetaryOther:     p.DecisionMonetaryOther,
		MonetaryEnd:       day("end_date_monetary_restriction", p.EndDateMonetaryRestriction),
		Provision:         p.DecisionProvision,
		ProvisionEnd:      day("end_date_service_restriction", p.EndDateServiceRestriction),
		Account:           p.DecisionAccount,
		AccountEnd:        day("end_date_account_restriction", p.EndDateAccountRestriction),
		TerritorialScope:  p.TerritorialScope,
		ApplicationDate:   day("application_date", p.ApplicationDate),
		Facts:             p.DecisionFacts,
		SourceType:        p.SourceType,
		SourceIdentity:    p.SourceIdentity,
		AutomatedDecision: p.AutomatedDecision,
		Ground:            p.DecisionGround,
		GroundURL:         p.DecisionGroundReferenceURL,
		ContentType:       p.ContentType,
		ContentTypeOther:  p.ContentTypeOther,
		Category:          p.Category,
		CategoryAddition:  p.CategoryAddition,
		Keywords:          p.CategorySpecification,
		KeywordOther:      p.CategorySpecificationOther,
		ContentDate:       day("content_date", p.ContentDate),
		Language:          p.ContentLanguage,
	}
	switch trim(p.AutomatedDetection) {
	case Yes:
		s.AutomatedDetection = true
	case No, "":
	default:
		c.add("automated_detection", "%q is not Yes or No", p.AutomatedDetection)
	}
	illegal := p.IllegalContentLegalGround != "" || p.IllegalContentExplanation != ""
	switch g := trim(p.DecisionGround); {
	case g == GroundIllegal, g != GroundIncompatible && illegal:
		s.GroundReference, s.GroundExplanation = p.IllegalContentLegalGround, p.IllegalContentExplanation
	default:
		s.GroundReference, s.GroundExplanation = p.IncompatibleContentGround, p.IncompatibleContentExplanation
		s.AlsoIllegal = p.IncompatibleContentIllegal
	}
	if p.ContentID != nil {
		s.EAN = p.ContentID.EAN13
	}
	if p.ContentIDEAN != "" {
		if s.EAN != "" && s.EAN != p.ContentIDEAN {
			c.add("content_id_ean", "%q differs from content_id.EAN-13 %q", p.ContentIDEAN, s.EAN)
		}
		s.EAN = p.ContentIDEAN
	}
	return s, c.err()
}

// Contact patterns for redaction. Best effort: they catch what a template or
// a reviewer's note is likely to hold, not every way of writing a number.
var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	phoneRE = regexp.MustCompile(`\+[0-9][0-9 ().\-]{6,}[0-9]` +
		`|(?i:\b(?:tel|phone|telephone|fax|mobile|mob)\b)\.?:?\s*[0-9(+][0-9 ().\-/]{5,}[0-9]` +
		`|(?:电话|手机|联系电话|联系方式|手机号)[:：]?\s*[0-9+][0-9 ()\-]{5,}[0-9]`)
	mobileRE = regexp.MustCompile(`1[3-9][0-9](?:[ \-]?[0-9]{4}){2}`)
)

// mask replaces redacted contact details.
const mask = "***"

// redact masks e-mail addresses and phone numbers in s.
func redact(s string) string {
	// Cheap tests first: most texts hold neither an @ nor a phone label.
	if strings.ContainsAny(s, "@＠") {
		s = emailRE.ReplaceAllString(s, mask)
	}
	if strings.Contains(s, "+") || containsAny(strings.ToLower(s), phoneLabels) {
		s = phoneRE.ReplaceAllString(s, mask)
	}
	// A Chinese mobile number stands alone: not part of a longer digit run.
	var b strings.Builder
	last := 0
	for _, m := range mobileRE.FindAllStringIndex(s, -1) {
		if m[0] > 0 && isDigit(s[m[0]-1]) || m[1] < len(s) && isDigit(s[m[1]]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(mask)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// phoneLabels are the lowercase words phoneRE's labelled numbers start with.
var phoneLabels = []string{"tel", "phone", "fax", "mob", "电话", "手机", "联系方式"}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// hasContact reports whether s holds something redact would mask.
func hasContact(s string) bool { return s != "" && redact(s) != s }
