package sor

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Maximum lengths, in characters (the server counts with mb_strlen, so a
// Chinese character counts as one).
const (
	MaxShortText   = 500  // *_other, legal ground, terms clause, source_identity, reference URL, puid
	MaxExplanation = 2000 // illegal_content_explanation, incompatible_content_explanation
	MaxFacts       = 5000 // decision_facts
)

// Date bounds of the database (inclusive).
var (
	minContentDate     = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	minApplicationDate = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate            = time.Date(2038, 1, 1, 0, 0, 0, 0, time.UTC)
)

// restrictionFields are the four Art 17(1) restriction types; the server
// reports a missing restriction on each of them (required_without_all).
var restrictionFields = []string{"decision_visibility", "decision_monetary", "decision_provision", "decision_account"}

// FieldError is one problem with one field. Field is the database field name
// (e.g. "puid", "content_id.EAN-13"), or for data the database does not hold,
// the Statement field in snake case (e.g. "redress.complaint_deadline").
type FieldError struct {
	Field   string
	Problem string
}

func (e FieldError) String() string { return e.Field + ": " + e.Problem }

// ValidationError lists every problem found in a statement, in field order.
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.String()
	}
	return "invalid statement of reasons: " + strings.Join(msgs, "; ")
}

// Fields returns the names of the fields with problems, sorted and without
// repeats.
func (e *ValidationError) Fields() []string {
	var fs []string
	for _, p := range e.Problems {
		fs = append(fs, p.Field)
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

type checker struct{ problems []FieldError }

func (c *checker) add(field, format string, args ...any) {
	c.problems = append(c.problems, FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: c.problems}
}

// trim mirrors the server's TrimStrings middleware: leading and trailing
// white space, byte-order marks, zero-width spaces and left-to-right marks go.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' || r == '\u200E'
	})
}

// text checks a free-text field: valid UTF-8, present if required (blank
// counts as absent, as after the server's ConvertEmptyStringsToNull) and at
// most max characters after trimming.
func (c *checker) text(field, v string, required bool, max int) {
	switch t := trim(v); {
	case !utf8.ValidString(v):
		c.add(field, "is not valid UTF-8")
	case t == "":
		if required {
			c.add(field, "is required")
		}
	case utf8.RuneCountInString(t) > max:
		c.add(field, "has %d characters, want at most %d", utf8.RuneCountInString(t), max)
	}
}

// enum checks that v (trimmed) is a key of the enumeration.
func (c *checker) enum(field, enum, v string, required bool) {
	switch t := trim(v); {
	case t == "":
		if required {
			c.add(field, "is required")
		}
	case !IsKey(enum, t):
		c.add(field, "%q is not a %s key", t, enum)
	}
}

// enums checks every element of an array field.
func (c *checker) enums(field, enum string, vs []string) {
	for _, v := range vs {
		if t := trim(v); !IsKey(enum, t) {
			c.add(field, "%q is not a %s key", t, enum)
		}
	}
}

// date checks a YYYY-MM-DD field and its bounds; it returns the date when it
// is present and well-formed.
func (c *checker) date(field, v string, required bool, min, max time.Time) (time.Time, bool) {
	t := trim(v)
	if t == "" {
		if required {
			c.add(field, "is required")
		}
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, t)
	if err != nil || d.Format(time.DateOnly) != t {
		c.add(field, "%q is not a date YYYY-MM-DD", t)
		return time.Time{}, false
	}
	if !min.IsZero() && d.Before(min) {
		c.add(field, "%s is before %s", t, min.Format(time.DateOnly))
	}
	if d.After(max) {
		c.add(field, "%s is after %s", t, max.Format(time.DateOnly))
	}
	return d, true
}

// Validate checks a payload against the Transparency Database's rules for
// POST /api/v1/statement (legal-workflows.md §5.1–5.2): required and
// conditionally required fields, enum membership, lengths in characters,
// date formats and bounds, the puid alphabet and the EEA territorial scope.
// It is stricter than the server where the schema is (territorial_scope is
// required; an end date may not precede application_date; the reference URL
// must be http or https). Fields the server drops for the chosen branch (e.g.
// illegal_content_* under a terms-and-conditions ground) are not checked, as
// the server does not check them either. An empty string counts as absent.
func (p Payload) Validate() error {
	var c checker
	c.payload(p)
	return c.err()
}

func (c *checker) payload(p Payload) {
	// Art 17(1)(a)–(d): at least one restriction.
	if len(p.DecisionVisibility) == 0 && trim(p.DecisionMonetary) == "" && trim(p.DecisionProvision) == "" &&
		trim(p.DecisionAccount) == "" {
		for _, f := range restrictionFields {
			c.add(f, "at least one of decision_visibility, decision_monetary, decision_provision and decision_account is required")
		}
	}
	c.enums("decision_visibility", EnumDecisionVisibilities, p.DecisionVisibility)
	if slices.ContainsFunc(p.DecisionVisibility, func(v string) bool { return trim(v) == VisibilityOther }) {
		c.text("decision_visibility_other", p.DecisionVisibilityOther, true, MaxShortText)
	}
	c.enum("decision_monetary", EnumDecisionMonetaries, p.DecisionMonetary, false)
	if trim(p.DecisionMonetary) == MonetaryOther {
		c.text("decision_monetary_other", p.DecisionMonetaryOther, true, MaxShortText)
	}
	c.enum("decision_provision", EnumDecisionProvisions, p.DecisionProvision, false)
	c.enum("decision_account", EnumDecisionAccounts, p.DecisionAccount, false)
	c.enum("account_type", EnumAccountTypes, p.AccountType, false)

	// Ground, Art 17(3)(d)/(e).
	ground := trim(p.DecisionGround)
	c.enum("decision_ground", EnumDecisionGrounds, ground, true)
	c.text("decision_ground_reference_url", p.DecisionGroundReferenceURL, false, MaxShortText)
	if u := trim(p.DecisionGroundReferenceURL); u != "" && !webURL(u) {
		c.add("decision_ground_reference_url", "%q is not an http or https URL", u)
	}
	switch ground {
	case GroundIllegal:
		c.text("illegal_content_legal_ground", p.IllegalContentLegalGround, true, MaxShortText)
		c.text("illegal_content_explanation", p.IllegalContentExplanation, true, MaxExplanation)
	case GroundIncompatible:
		c.text("incompatible_content_ground", p.IncompatibleContentGround, true, MaxShortText)
		c.text("incompatible_content_explanation", p.IncompatibleContentExplanation, true, MaxExplanation)
		c.enum("incompatible_content_illegal", EnumIncompatibleContentIllegals, p.IncompatibleContentIllegal, false)
	}

	// Content.
	if len(p.ContentType) == 0 {
		c.add("content_type", "is required")
	}
	c.enums("content_type", EnumContentTypes, p.ContentType)
	if slices.ContainsFunc(p.ContentType, func(v string) bool { return trim(v) == ContentOther }) {
		c.text("content_type_other", p.ContentTypeOther, true, MaxShortText)
	}
	c.enum("category", EnumStatementCategories, p.Category, true)
	c.enums("category_addition", EnumStatementCategories, p.CategoryAddition)
	c.enums("category_specification", EnumKeywords, p.CategorySpecification)
	c.text("category_specification_other", p.CategorySpecificationOther, false, MaxShortText)
	if len(p.TerritorialScope) == 0 {
		c.add("territorial_scope", "is required: list the EEA countries the decision applies in")
	}
	for _, t := range p.TerritorialScope {
		if !IsEEA(trim(t)) {
			c.add("territorial_scope", "%q is not one of the 30 EEA codes", t)
		}
	}
	if l := trim(p.ContentLanguage); l != "" && !IsLanguage(l) {
		c.add("content_language", "%q is not an uppercase ISO 639-1 code", l)
	}

	// Dates.
	c.date("content_date", p.ContentDate, true, minContentDate, maxDate)
	app, appOK := c.date("application_date", p.ApplicationDate, true, minApplicationDate, maxDate)
	for _, e := range []struct{ field, v string }{
		{"end_date_visibility_restriction", p.EndDateVisibilityRestriction},
		{"end_date_monetary_restriction", p.EndDateMonetaryRestriction},
		{"end_date_service_restriction", p.EndDateServiceRestriction},
		{"end_date_account_restriction", p.EndDateAccountRestriction},
	} {
		if end, ok := c.date(e.field, e.v, false, time.Time{}, maxDate); ok && appOK && end.Before(app) {
			c.add(e.field, "%s is before application_date %s", end.Format(time.DateOnly), app.Format(time.DateOnly))
		}
	}

	// Facts and source, Art 17(3)(b).
	c.text("decision_facts", p.DecisionFacts, true, MaxFacts)
	c.enum("source_type", EnumSourceTypes, p.SourceType, true)
	if trim(p.SourceType) != SourceVoluntary {
		c.text("source_identity", p.SourceIdentity, false, MaxShortText)
	}

	// Automated means, Art 17(3)(c).
	c.enum("automated_detection", EnumAutomatedDetections, p.AutomatedDetection, true)
	c.enum("automated_decision", EnumAutomatedDecisions, p.AutomatedDecision, true)

	// Identification.
	switch puid := trim(p.PUID); {
	case puid == "":
		c.add("puid", "is required")
	case len(puid) > MaxPUID:
		c.add("puid", "has %d characters, want at most %d", len(puid), MaxPUID)
	case !validPUID(puid):
		c.add("puid", "%q may hold only ASCII letters, digits, '-' and '_'", puid)
	}
	if p.ContentID != nil && p.ContentID.EAN13 != "" && !isEAN13(p.ContentID.EAN13) {
		c.add("content_id.EAN-13", "%q is not 13 digits", p.ContentID.EAN13)
	}
	if p.ContentIDEAN != "" && !isEAN13(p.ContentIDEAN) {
		c.add("content_id_ean", "%q is not 13 digits", p.ContentIDEAN)
	}
}

// webURL reports whether s is an absolute http or https URL with a host.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\r\n")
}

func isEAN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// eanChecksumOK reports whether a 13-digit GTIN's check digit is right.
func eanChecksumOK(s string) bool {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[12]-'0')
}

// Validate checks the statement: every database rule of Payload.Validate on
// the statement as it would be sent (before trimming, de-duplication and
// redaction, so a problem is reported rather than silently repaired), plus
// dajia's own rules for what the seller is owed: the affected listing or
// account is named, source_identity is an organisation name without contact
// details, a known right type, and an internal complaint has a deadline at
// least six months after the seller is informed (Art 20(1)). Every problem is
// reported; the error is a *ValidationError.
func (s Statement) Validate() error {
	var c checker
	c.payload(s.wire())
	if s.ListingID == "" && s.SellerID == "" {
		c.add("listing_id", "the affected listing or seller account is required")
	}
	if s.SourceType != SourceVoluntary && hasContact(s.SourceIdentity) {
		c.add("source_identity", "must be an organisation name without e-mail address or phone number")
	}
	if s.Right.Type != "" && !slices.Contains(rightTypes, s.Right.Type) {
		c.add("right.type", "%q is not a right type (%s)", s.Right.Type, strings.Join(rightTypes, ", "))
	}
	if r := s.Redress; r.InternalComplaint {
		switch {
		case r.ComplaintDeadline.IsZero():
			c.add("redress.complaint_deadline", "is required when an internal complaint is possible")
		case !s.IssuedAt.IsZero() && civil(r.ComplaintDeadline).Before(civil(s.IssuedAt).AddDate(0, 6, 0)):
			c.add("redress.complaint_deadline", "%s is less than six months after the statement is issued (%s)",
				date(r.ComplaintDeadline), date(s.IssuedAt))
		}
		if u := r.ComplaintURL; u != "" && !webURL(u) {
			c.add("redress.complaint_url", "%q is not an http or https URL", u)
		}
	}
	return c.err()
}

// civil is the calendar date of t as midnight UTC, for comparing dates.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Warnings returns problems the server does not reject but a reviewer should
// see (§5.2 checklist item 8): keywords outside the chosen categories'
// hierarchy, a right whose keyword is missing, an EAN with a wrong check
// digit, and free text that looks like it holds an e-mail address or phone
// number (TDBPayload masks those).
func (s Statement) Warnings() []FieldError {
	var c checker
	allowed := CategoryKeywords(s.Category)
	for _, cat := range s.CategoryAddition {
		allowed = append(allowed, CategoryKeywords(cat)...)
	}
	for _, k := range s.Keywords {
		if IsKey(EnumKeywords, k) && !slices.Contains(allowed, k) {
			c.add("category_specification", "%s is not listed under %s or category_addition", k, s.Category)
		}
	}
	if k, ok := KeywordForRight(s.Right.Type); ok && !slices.Contains(s.Keywords, k) {
		c.add("category_specification", "the decision relies on a %s but %s is missing", s.Right.Type, k)
	}
	if isEAN13(s.EAN) && !eanChecksumOK(s.EAN) {
		c.add("content_id.EAN-13", "%s has a wrong check digit", s.EAN)
	}
	refField, explField := "illegal_content_legal_ground", "illegal_content_explanation"
	if s.Ground == GroundIncompatible {
		refField, explField = "incompatible_content_ground", "incompatible_content_explanation"
	}
	for _, f := range []struct{ field, v string }{
		{"decision_facts", s.Facts},
		{refField, s.GroundReference},
		{explField, s.GroundExplanation},
		{"decision_visibility_other", s.VisibilityOther},
		{"decision_monetary_other", s.MonetaryOther},
		{"content_type_other", s.ContentTypeOther},
		{"category_specification_other", s.KeywordOther},
	} {
		if hasContact(f.v) {
			c.add(f.field, "looks like it contains an e-mail address or phone number; it is masked in the database submission")
		}
	}
	return c.problems
}
