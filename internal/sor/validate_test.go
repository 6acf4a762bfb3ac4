package sor

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cjk returns n Chinese characters (3 bytes each in UTF-8).
func cjk(n int) string { return strings.Repeat("假", n) }

func TestStatementValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Statement)
		want   []string // fields with problems; nil means valid
		// schema says whether the JSON schema must agree: reject the raw payload
		// when want is a database rule it expresses, accept it when want is nil.
		schema bool
	}{
		{"baseline", func(s *Statement) {}, nil, true},

		// Rule 1: at least one restriction.
		{"no restriction", func(s *Statement) { s.Visibility, s.Account = nil, "" },
			[]string{"decision_account", "decision_monetary", "decision_provision", "decision_visibility"}, true},
		{"empty visibility list only", func(s *Statement) { s.Visibility, s.Account = []string{}, "" },
			[]string{"decision_account", "decision_monetary", "decision_provision", "decision_visibility"}, true},
		{"monetary only", func(s *Statement) { s.Visibility, s.Account, s.Monetary = nil, "", MonetarySuspension }, nil, true},
		{"provision only", func(s *Statement) { s.Visibility, s.Account, s.Provision = nil, "", ProvisionPartialTermination }, nil, true},
		{"unknown visibility", func(s *Statement) { s.Visibility = []string{"DECISION_VISIBILITY_CONTENT_HIDDEN"} }, []string{"decision_visibility"}, true},
		{"string null is not a key", func(s *Statement) { s.Account = "null" }, []string{"decision_account"}, true},
		{"unknown account type", func(s *Statement) { s.AccountType = "ACCOUNT_TYPE_TRADER" }, []string{"account_type"}, true},

		// Rule 2: decision_visibility_other.
		{"other visibility without text", func(s *Statement) { s.Visibility = []string{VisibilityOther} }, []string{"decision_visibility_other"}, true},
		{"other visibility blank text", func(s *Statement) { s.Visibility, s.VisibilityOther = []string{VisibilityOther}, " \t " }, []string{"decision_visibility_other"}, false},
		{"other visibility 500 CJK characters", func(s *Statement) { s.Visibility, s.VisibilityOther = []string{VisibilityOther}, cjk(500) }, nil, true},
		{"other visibility 501 CJK characters", func(s *Statement) { s.Visibility, s.VisibilityOther = []string{VisibilityOther}, cjk(501) }, []string{"decision_visibility_other"}, true},
		{"other visibility text without OTHER is dropped", func(s *Statement) { s.VisibilityOther = cjk(600) }, nil, false},

		// Rule 3: decision_monetary_other.
		{"other monetary without text", func(s *Statement) { s.Monetary = MonetaryOther }, []string{"decision_monetary_other"}, true},
		{"other monetary with text", func(s *Statement) { s.Monetary, s.MonetaryOther = MonetaryOther, "Payout held in escrow" }, nil, true},

		// Rule 4: content_type_other.
		// The schema also asks for content_type_other here: its "contains" passes
		// vacuously on a missing array, so its if-then fires.
		{"no content type", func(s *Statement) { s.ContentType = nil }, []string{"content_type"}, false},
		{"other content type without text", func(s *Statement) { s.ContentType = []string{ContentOther} }, []string{"content_type_other"}, true},
		{"other content type with text", func(s *Statement) { s.ContentType, s.ContentTypeOther = []string{ContentOther}, "店铺装修" }, nil, true},
		{"unknown content type", func(s *Statement) { s.ContentType = []string{"CONTENT_TYPE_LISTING"} }, []string{"content_type"}, true},

		// Rules 5 and 6: the ground's branch.
		{"no ground", func(s *Statement) { s.Ground = "" }, []string{"decision_ground"}, true},
		{"unknown ground", func(s *Statement) { s.Ground = "DECISION_GROUND_IP" }, []string{"decision_ground"}, true},
		{"illegal without legal ground", func(s *Statement) { s.GroundReference = "" }, []string{"illegal_content_legal_ground"}, true},
		{"illegal without explanation", func(s *Statement) { s.GroundExplanation = "" }, []string{"illegal_content_explanation"}, true},
		{"illegal legal ground 501 characters", func(s *Statement) { s.GroundReference = strings.Repeat("§", 501) }, []string{"illegal_content_legal_ground"}, true},
		{"illegal explanation 2000 CJK characters", func(s *Statement) { s.GroundExplanation = cjk(2000) }, nil, true},
		{"illegal explanation 2001 CJK characters", func(s *Statement) { s.GroundExplanation = cjk(2001) }, []string{"illegal_content_explanation"}, true},
		{"incompatible", func(s *Statement) {
			s.Ground, s.GroundReference, s.AlsoIllegal = GroundIncompatible, "Seller Terms s.4.2", Yes
		}, nil, true},
		{"incompatible without clause", func(s *Statement) { s.Ground, s.GroundReference = GroundIncompatible, "" }, []string{"incompatible_content_ground"}, true},
		{"incompatible without explanation", func(s *Statement) { s.Ground, s.GroundExplanation = GroundIncompatible, "" }, []string{"incompatible_content_explanation"}, true},
		{"incompatible explanation 2001 characters", func(s *Statement) { s.Ground, s.GroundExplanation = GroundIncompatible, strings.Repeat("x", 2001) }, []string{"incompatible_content_explanation"}, true},
		{"incompatible also-illegal lowercase", func(s *Statement) { s.Ground, s.AlsoIllegal = GroundIncompatible, "yes" }, []string{"incompatible_content_illegal"}, true},
		{"also-illegal ignored under the illegal ground", func(s *Statement) { s.AlsoIllegal = "maybe" }, nil, false},
		{"reference URL", func(s *Statement) { s.GroundURL = "https://eur-lex.europa.eu/eli/reg/2017/1001/oj" }, nil, true},
		{"reference URL without scheme", func(s *Statement) { s.GroundURL = "eur-lex.europa.eu/eli/reg/2017/1001/oj" }, []string{"decision_ground_reference_url"}, true},
		{"reference URL not http", func(s *Statement) { s.GroundURL = "ftp://example.org/terms" }, []string{"decision_ground_reference_url"}, false},

		// Category and keywords of the 2025-07-01 schema.
		{"no category", func(s *Statement) { s.Category = "" }, []string{"category"}, true},
		{"category before 2025-07-01", func(s *Statement) { s.Category = "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS" }, []string{"category"}, true},
		{"keyword before 2025-07-01", func(s *Statement) { s.Keywords = []string{"KEYWORD_INSUFFICIENT_INFORMATION_TRADERS"} }, []string{"category_specification"}, true},
		{"removed keyword dangerous toys", func(s *Statement) { s.Keywords = []string{"KEYWORD_DANGEROUS_TOYS"} }, []string{"category_specification"}, true},
		{"no counterfeit keyword", func(s *Statement) { s.Keywords = []string{"KEYWORD_COUNTERFEIT"} }, []string{"category_specification"}, true},
		{"unknown category addition", func(s *Statement) { s.CategoryAddition = []string{"STATEMENT_CATEGORY_COUNTERFEITS"} }, []string{"category_addition"}, true},
		{"keyword other text 501 characters", func(s *Statement) { s.KeywordOther = strings.Repeat("é", 501) }, []string{"category_specification_other"}, true},

		// Rule 10: territorial scope.
		{"no territorial scope", func(s *Statement) { s.TerritorialScope = nil }, []string{"territorial_scope"}, true},
		{"non-EEA country", func(s *Statement) { s.TerritorialScope = []string{"DE", "US"} }, []string{"territorial_scope"}, true},
		{"Greece as EL", func(s *Statement) { s.TerritorialScope = []string{"EL"} }, []string{"territorial_scope"}, true},
		{"lowercase code", func(s *Statement) { s.TerritorialScope = []string{"de"} }, []string{"territorial_scope"}, true},
		{"Switzerland is not EEA", func(s *Statement) { s.TerritorialScope = []string{"CH"} }, []string{"territorial_scope"}, true},
		{"all 30 EEA codes", func(s *Statement) { s.TerritorialScope = EEACodes() }, nil, true},

		// Rule 11: content language.
		{"lowercase language", func(s *Statement) { s.Language = "en" }, []string{"content_language"}, true},
		{"uppercase language", func(s *Statement) { s.Language = "ZH" }, nil, true},
		{"unknown language", func(s *Statement) { s.Language = "XX" }, []string{"content_language"}, true},

		// Rule 8: dates.
		{"no content date", func(s *Statement) { s.ContentDate = time.Time{} }, []string{"content_date"}, true},
		{"content date 1999-12-31", func(s *Statement) { s.ContentDate = day(t, "1999-12-31") }, []string{"content_date"}, false},
		{"content date 2000-01-01", func(s *Statement) { s.ContentDate = day(t, "2000-01-01") }, nil, true},
		{"no application date", func(s *Statement) { s.ApplicationDate = time.Time{} }, []string{"application_date"}, true},
		{"application date 2019-12-31", func(s *Statement) {
			s.ApplicationDate, s.IssuedAt = day(t, "2019-12-31"), time.Time{}
		}, []string{"application_date"}, false},
		{"application date 2020-01-01", func(s *Statement) { s.ApplicationDate = day(t, "2020-01-01") }, nil, true},
		{"application date 2038-01-01", func(s *Statement) {
			s.ApplicationDate, s.ContentDate, s.AccountEnd = day(t, "2038-01-01"), day(t, "2038-01-01"), time.Time{}
		}, nil, true},
		{"application date 2038-01-02", func(s *Statement) { s.ApplicationDate, s.AccountEnd = day(t, "2038-01-02"), time.Time{} }, []string{"application_date"}, false},
		{"end date before application", func(s *Statement) { s.AccountEnd = day(t, "2025-11-30") }, []string{"end_date_account_restriction"}, false},
		{"end date on the application date", func(s *Statement) { s.AccountEnd = s.ApplicationDate }, nil, true},
		{"end date 2038-01-02", func(s *Statement) { s.VisibilityEnd = day(t, "2038-01-02") }, []string{"end_date_visibility_restriction"}, false},
		{"year 10000", func(s *Statement) { s.MonetaryEnd = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{"end_date_monetary_restriction"}, true},

		// Facts, source and automation.
		{"no facts", func(s *Statement) { s.Facts = "" }, []string{"decision_facts"}, true},
		{"blank facts", func(s *Statement) { s.Facts = "\u3000 \n" }, []string{"decision_facts"}, false},
		{"facts 5000 CJK characters", func(s *Statement) { s.Facts = cjk(5000) }, nil, true},
		{"facts 5001 CJK characters", func(s *Statement) { s.Facts = cjk(5001) }, []string{"decision_facts"}, true},
		{"facts 5000 characters plus padding", func(s *Statement) { s.Facts = "  " + cjk(5000) + "\n" }, nil, false},
		{"facts not UTF-8", func(s *Statement) { s.Facts = "bad \xff byte" }, []string{"decision_facts"}, false},
		{"no source type", func(s *Statement) { s.SourceType = "" }, []string{"source_type"}, true},
		{"source identity 501 characters", func(s *Statement) { s.SourceIdentity = cjk(501) }, []string{"source_identity"}, true},
		{"voluntary ignores source identity", func(s *Statement) { s.SourceType, s.SourceIdentity = SourceVoluntary, cjk(501) }, nil, false},
		{"trusted flagger", func(s *Statement) { s.SourceType = SourceTrustedFlagger }, nil, true},
		{"no automated decision", func(s *Statement) { s.AutomatedDecision = "" }, []string{"automated_decision"}, true},

		// Rule 9: puid.
		{"puid with space", func(s *Statement) { s.PUID = "has space" }, []string{"puid"}, true},
		{"puid with slash", func(s *Statement) { s.PUID = "C1/L2" }, []string{"puid"}, true},
		{"puid with dot", func(s *Statement) { s.PUID = "C1.L2" }, []string{"puid"}, true},
		{"puid not ASCII", func(s *Statement) { s.PUID = "案件-1" }, []string{"puid"}, true},
		{"no puid", func(s *Statement) { s.PUID = "" }, []string{"puid"}, true},
		{"puid 500 characters", func(s *Statement) { s.PUID = strings.Repeat("a-_9", 125) }, nil, true},
		{"puid 501 characters", func(s *Statement) { s.PUID = strings.Repeat("a", 501) }, []string{"puid"}, true},

		// Rule 12: EAN.
		{"EAN of 12 digits", func(s *Statement) { s.EAN = "400638133393" }, []string{"content_id.EAN-13"}, true},
		{"EAN with letters", func(s *Statement) { s.EAN = "400638133393X" }, []string{"content_id.EAN-13"}, true},

		// dajia's own rules.
		{"no listing and no seller", func(s *Statement) { s.ListingID, s.SellerID = "", "" }, []string{"listing_id"}, false},
		{"account only", func(s *Statement) { s.ListingID, s.Visibility = "", nil }, nil, true},
		{"unknown right type", func(s *Statement) { s.Right.Type = "brand" }, []string{"right.type"}, false},
		{"phone in source identity", func(s *Statement) { s.SourceIdentity = "ACME, tel. +33 1 23 45 67 89" }, []string{"source_identity"}, false},
		{"complaint without deadline", func(s *Statement) { s.Redress.ComplaintDeadline = time.Time{} }, []string{"redress.complaint_deadline"}, false},
		{"complaint deadline under six months", func(s *Statement) { s.Redress.ComplaintDeadline = day(t, "2026-05-31") }, []string{"redress.complaint_deadline"}, false},
		{"complaint deadline six months to the day", func(s *Statement) { s.Redress.ComplaintDeadline = day(t, "2026-06-01") }, nil, true},
		{"complaint URL", func(s *Statement) { s.Redress.ComplaintURL = "javascript:alert(1)" }, []string{"redress.complaint_url"}, false},
		{"no internal complaint (Art 19 exemption)", func(s *Statement) { s.Redress = Redress{} }, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := counterfeit(t)
			tt.mutate(&s)
			err := s.Validate()
			var got []string
			if err != nil {
				got = problemFields(t, err)
			}
			if !cmp.Equal(got, tt.want) {
				t.Errorf("got problems on %v, want %v\n%v", got, tt.want, err)
			}
			if _, perr := TDBPayload(s); (perr == nil) != (tt.want == nil) {
				t.Errorf("TDBPayload error %v, want an error: %v", perr, tt.want != nil)
			}
			if !tt.schema {
				return
			}
			serr := validateSchema(t, marshal(t, s.wire()))
			switch {
			case tt.want == nil && serr != nil:
				t.Errorf("schema rejects a statement Validate accepts: %v", serr)
			case tt.want != nil && serr == nil:
				t.Errorf("schema accepts a statement Validate rejects on %v", tt.want)
			case tt.want != nil:
				if got := schemaFields(t, serr); !cmp.Equal(got, tt.want) {
					t.Errorf("schema rejects %v, Validate rejects %v", got, tt.want)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	s := Statement{Facts: cjk(5001), PUID: "x y", TerritorialScope: []string{"US"}, Language: "en"}
	want := []string{"application_date", "automated_decision", "category", "content_date", "content_type",
		"decision_account", "decision_facts", "decision_ground", "decision_monetary", "decision_provision",
		"decision_visibility", "content_language", "listing_id", "puid", "source_type", "territorial_scope"}
	slices.Sort(want)
	if diff := cmp.Diff(want, problemFields(t, s.Validate())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Statement)
		want   []string
	}{
		{"baseline", func(s *Statement) {}, nil},
		{"keyword outside the category", func(s *Statement) { s.Keywords = append(s.Keywords, KeywordUnsafeProducts) },
			[]string{"category_specification"}},
		{"keyword under category_addition", func(s *Statement) {
			s.Keywords = append(s.Keywords, KeywordUnsafeProducts)
			s.CategoryAddition = []string{CategoryUnsafeProducts}
		}, nil},
		{"KEYWORD_STALKING is under no category", func(s *Statement) { s.Keywords = append(s.Keywords, "KEYWORD_STALKING") },
			[]string{"category_specification"}},
		{"right without its keyword", func(s *Statement) { s.Right.Type = "copyright" }, []string{"category_specification"}},
		{"EAN check digit", func(s *Statement) { s.EAN = "4006381333932" }, []string{"content_id.EAN-13"}},
		{"e-mail in the explanation", func(s *Statement) { s.GroundExplanation += " Contact: legal@acme.example" },
			[]string{"illegal_content_explanation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := counterfeit(t)
			tt.mutate(&s)
			var got []string
			for _, w := range s.Warnings() {
				got = append(got, w.Field)
			}
			if !cmp.Equal(got, tt.want) {
				t.Errorf("got warnings on %v, want %v: %v", got, tt.want, s.Warnings())
			}
			if err := s.Validate(); err != nil {
				t.Errorf("a warning must not fail Validate: %v", err)
			}
		})
	}
}
