package sor

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidExamplesRoundTrip(t *testing.T) {
	for _, name := range []string{"valid-counterfeit-listing.json", "valid-own-initiative-tc.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/examples/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateSchema(t, raw); err != nil {
				t.Fatalf("the example itself fails the schema: %v", err)
			}
			s, err := ParsePayload(raw)
			if err != nil {
				t.Fatalf("ParsePayload: %v", err)
			}
			s.ListingID = "L998877" // dajia's own data, not in the payload
			if err := s.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			p, err := TDBPayload(s)
			if err != nil {
				t.Fatalf("TDBPayload: %v", err)
			}
			out := marshal(t, p)
			if err := validateSchema(t, out); err != nil {
				t.Errorf("payload fails the schema: %v\n%s", err, out)
			}
			if diff := cmp.Diff(asMap(t, raw), asMap(t, out)); diff != "" {
				t.Errorf("payload differs from the example (-example +payload):\n%s", diff)
			}
		})
	}
}

func TestCounterfeitStatementMatchesExample(t *testing.T) {
	p, err := TDBPayload(counterfeit(t))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/examples/valid-counterfeit-listing.json")
	if err != nil {
		t.Fatal(err)
	}
	want := asMap(t, raw)
	want["puid"] = "C2025000123-L998877-1"
	if diff := cmp.Diff(want, asMap(t, marshal(t, p))); diff != "" {
		t.Errorf("payload of the counterfeit statement (-want +got):\n%s", diff)
	}
}

func TestInvalidExampleRejectedLikeSchema(t *testing.T) {
	raw, err := os.ReadFile("testdata/examples/invalid-multiple-errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Expected []string        `json:"_expected_errors"`
		Payload  json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// The four problems the example names, as the fields the server reports
	// them on (a missing restriction is reported on all four restriction
	// fields by required_without_all).
	want := []string{"content_language", "decision_account", "decision_monetary", "decision_provision",
		"decision_visibility", "illegal_content_explanation", "puid"}
	if len(doc.Expected) != 4 {
		t.Fatalf("example lists %d expected errors, want the 4 this test maps: %q", len(doc.Expected), doc.Expected)
	}

	schemaErr := validateSchema(t, doc.Payload)
	if schemaErr == nil {
		t.Fatal("schema accepts the invalid example")
	}
	if diff := cmp.Diff(want, schemaFields(t, schemaErr)); diff != "" {
		t.Errorf("schema error fields (-want +got):\n%s", diff)
	}

	s, err := ParsePayload(doc.Payload)
	if err != nil {
		t.Fatalf("ParsePayload: %v", err)
	}
	s.ListingID = "L998877"
	verr := s.Validate()
	if verr == nil {
		t.Fatal("Validate accepts the invalid example")
	}
	if diff := cmp.Diff(want, problemFields(t, verr)); diff != "" {
		t.Errorf("Validate error fields (-want +got):\n%s\n%v", diff, verr)
	}
	if _, err := TDBPayload(s); err == nil {
		t.Error("TDBPayload accepts the invalid example")
	}
}

func TestParsePayloadRejects(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"unknown field", `{"puid":"a","platform_name":"x"}`, "unknown field"},
		{"unknown content_id key", `{"content_id":{"ASIN":"B0001"}}`, "unknown field"},
		{"wrong type", `{"decision_visibility":"DECISION_VISIBILITY_CONTENT_REMOVED"}`, "cannot unmarshal"},
		{"trailing data", `{"puid":"a"} {}`, "data after"},
		{"bad date", `{"content_date":"2025-02-30"}`, "content_date"},
		{"bad flag", `{"automated_detection":"yes"}`, "automated_detection"},
		{"two EANs", `{"content_id":{"EAN-13":"4006381333931"},"content_id_ean":"4006381333932"}`, "content_id_ean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePayload([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got error %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestTDBPayloadNormalises(t *testing.T) {
	s := counterfeit(t)
	s.Visibility = []string{VisibilityRemoved, " " + VisibilityDisabled, VisibilityRemoved}
	s.VisibilityOther = "ignored: no OTHER visibility"
	s.ContentType = []string{ContentProduct, ContentImage, ContentProduct}
	s.ContentTypeOther = "ignored too"
	s.TerritorialScope = []string{"DE", "AT", "DE", "BE"}
	s.CategoryAddition = []string{CategoryIP, CategoryUnsafeProducts, CategoryUnsafeProducts}
	s.Keywords = []string{KeywordTrademark, KeywordUnsafeProducts, KeywordTrademark}
	s.AlsoIllegal = Yes // only for the terms-and-conditions ground
	s.Facts = "  Notice received.\n"
	p, err := TDBPayload(s)
	if err != nil {
		t.Fatal(err)
	}
	got := asMap(t, marshal(t, p))
	for key, want := range map[string]any{
		"decision_visibility":    []any{VisibilityRemoved, VisibilityDisabled},
		"content_type":           []any{ContentProduct, ContentImage},
		"territorial_scope":      []any{"AT", "BE", "DE"},
		"category_addition":      []any{CategoryUnsafeProducts},
		"category_specification": []any{KeywordTrademark, KeywordUnsafeProducts},
		"decision_facts":         "Notice received.",
	} {
		if diff := cmp.Diff(want, got[key]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}
	for _, key := range []string{"decision_visibility_other", "content_type_other", "incompatible_content_illegal",
		"incompatible_content_ground", "decision_monetary", "content_id_ean"} {
		if v, ok := got[key]; ok {
			t.Errorf("got %s = %v, want the key omitted", key, v)
		}
	}
	if err := validateSchema(t, marshal(t, p)); err != nil {
		t.Errorf("schema: %v", err)
	}
}

func TestTDBPayloadOmitsInsteadOfNull(t *testing.T) {
	s := counterfeit(t)
	s.AccountType, s.EAN = "", ""
	s.Account, s.AccountEnd = "", time.Time{}
	p, err := TDBPayload(s)
	if err != nil {
		t.Fatal(err)
	}
	out := string(marshal(t, p))
	if strings.Contains(out, "null") {
		t.Errorf("payload holds a null: %s", out)
	}
	for _, key := range []string{"account_type", "content_id", "decision_account", "category_addition",
		"incompatible_content_illegal", "source_identity\":\"\""} {
		if strings.Contains(out, `"`+key) {
			t.Errorf("payload holds %s: %s", key, out)
		}
	}
}

func TestVoluntarySourceDropsIdentity(t *testing.T) {
	s := counterfeit(t)
	s.SourceType = SourceVoluntary
	s.SourceIdentity = "ACME Brands S.A."
	p, err := TDBPayload(s)
	if err != nil {
		t.Fatal(err)
	}
	if p.SourceIdentity != "" {
		t.Errorf("got source_identity %q for SOURCE_VOLUNTARY, want it omitted", p.SourceIdentity)
	}
}

func TestRedaction(t *testing.T) {
	const (
		email  = "j.doe@acme-brands.example"
		phone  = "+49 30 1234 5678"
		mobile = "13912345678"
	)
	s := counterfeit(t)
	s.Facts = "Notice from ACME Brands S.A. (contact " + email + ", tel. " + phone + "); seller answered from " + mobile + "."
	s.GroundExplanation = "Confirmed by the brand's agent, reachable at 电话：010-8888 6666 or " + strings.ToUpper(email) + "."
	s.Visibility = append(s.Visibility, VisibilityOther)
	s.VisibilityOther = "Search hidden; questions to 139 1234 5678"
	p, err := TDBPayload(s)
	if err != nil {
		t.Fatal(err)
	}
	out := string(marshal(t, p))
	for _, leak := range []string{email, strings.ToUpper(email), "acme-brands.example", "1234 5678", mobile,
		"139 1234 5678", "8888 6666"} {
		if strings.Contains(out, leak) {
			t.Errorf("payload leaks %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, "ACME Brands S.A.") {
		t.Errorf("payload lost the organisation name: %s", out)
	}
	if err := validateSchema(t, []byte(out)); err != nil {
		t.Errorf("schema: %v", err)
	}
	if w := s.Warnings(); !slices.ContainsFunc(w, func(f FieldError) bool { return f.Field == "decision_facts" }) {
		t.Errorf("got warnings %v, want one on decision_facts", w)
	}

	t.Run("contact in source_identity is an error", func(t *testing.T) {
		s := counterfeit(t)
		s.SourceIdentity = "ACME Brands S.A. <" + email + ">"
		_, err := TDBPayload(s)
		if got := problemFields(t, err); !slices.Equal(got, []string{"source_identity"}) {
			t.Errorf("got problems on %v, want source_identity", got)
		}
	})
}

func TestRedactKeepsLegalText(t *testing.T) {
	for _, s := range []string{
		"Regulation (EU) 2017/1001 Art. 9(2)(a)",
		"EUTM No. 018123456 valid until 2031-05-04",
		"EAN 4006381333931, case C2025000123-L998877-1",
		"Seller Terms s.4.2 (counterfeit and replica goods prohibited)",
		"商标注册号 12345678，第25类",
		"price 1399.00 EUR, 12 units",
	} {
		if got := redact(s); got != s {
			t.Errorf("redact(%q) = %q, want it unchanged", s, got)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"mail legal@acme.example now", "mail *** now"},
		{"call +86 139 1234 5678.", "call ***."},
		{"手机 13912345678，电话：0755-8888 6666", "***，***"},
		{"Phone: (030) 1234-5678", "***"},
		{"a＠b.example", "***"},
	} {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBatchPayload(t *testing.T) {
	mk := func(n int) []Statement {
		var ss []Statement
		for i := range n {
			s := counterfeit(t)
			s.PUID = fmt.Sprintf("C1-L%d-1", i)
			ss = append(ss, s)
		}
		return ss
	}
	t.Run("100 statements", func(t *testing.T) {
		body, err := BatchPayload(mk(MaxBatch))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Statements []json.RawMessage `json:"statements"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Statements) != MaxBatch {
			t.Fatalf("got %d statements, want %d", len(doc.Statements), MaxBatch)
		}
		for i, s := range doc.Statements {
			if err := validateSchema(t, s); err != nil {
				t.Errorf("statement %d: %v", i, err)
			}
		}
	})
	for _, tt := range []struct {
		name  string
		stmts []Statement
	}{
		{"empty", nil},
		{"101 statements", mk(MaxBatch + 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if body, err := BatchPayload(tt.stmts); err == nil {
				t.Errorf("got body of %d bytes, want an error", len(body))
			}
		})
	}
	t.Run("all or nothing", func(t *testing.T) {
		ss := mk(5)
		ss[1].PUID = "bad puid"
		ss[3].PUID = ss[0].PUID
		body, err := BatchPayload(ss)
		if body != nil {
			t.Errorf("got a body with failing statements: %s", body)
		}
		var idx []int
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var be *BatchError
			if !errors.As(e, &be) {
				t.Fatalf("error %v is not a *BatchError", e)
			}
			idx = append(idx, be.Index)
		}
		if !slices.Equal(idx, []int{1, 3}) {
			t.Errorf("got failing indexes %v, want [1 3]", idx)
		}
		if !strings.Contains(err.Error(), "statement_1:") || !strings.Contains(err.Error(), "statement_3:") {
			t.Errorf("got %q, want statement_1 and statement_3 named", err)
		}
	})
}
