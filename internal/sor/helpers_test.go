package sor

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// day is a calendar date at midnight UTC.
func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// counterfeit is a valid statement: a counterfeit listing removed on a trade
// mark holder's Art 16 notice, with the seller's account suspended.
func counterfeit(t testing.TB) Statement {
	t.Helper()
	return Statement{
		ID:                "sor-1",
		PUID:              "C2025000123-L998877-1",
		CaseID:            "C2025000123",
		ListingID:         "L998877",
		SellerID:          "S4455",
		AccountType:       AccountTypeBusiness,
		Visibility:        []string{VisibilityRemoved},
		Account:           AccountSuspended,
		AccountEnd:        day(t, "2026-03-01"),
		TerritorialScope:  []string{"AT", "BE", "DE"},
		ApplicationDate:   day(t, "2025-12-01"),
		Facts:             "Notice under Art. 16 from the trade mark holder; test purchase confirmed counterfeit.",
		SourceType:        SourceArticle16,
		SourceIdentity:    "ACME Brands S.A.",
		Right:             Right{Type: "trademark", Name: "ACME", Registration: "018123456", Territory: "EU"},
		AutomatedDecision: DecisionNotAutomated,
		Ground:            GroundIllegal,
		GroundReference:   "Regulation (EU) 2017/1001 Art. 9(2)(a) (EU trade mark)",
		GroundExplanation: "Listing offers goods bearing a sign identical to the notifier's EU trade mark for identical goods without consent.",
		ContentType:       []string{ContentProduct},
		Category:          CategoryIP,
		Keywords:          []string{KeywordTrademark},
		ContentDate:       day(t, "2025-11-02"),
		EAN:               "4006381333931",
		IssuedAt:          day(t, "2025-12-01"),
		Redress: Redress{
			InternalComplaint: true,
			ComplaintURL:      "https://market.example/complaints/C2025000123",
			ComplaintDeadline: day(t, "2026-06-02"),
			OutOfCourt:        true,
		},
	}
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// sorSchema compiles testdata/sor.schema.json once, asserting formats.
func sorSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		f, err := os.Open("testdata/sor.schema.json")
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource("sor.schema.json", doc); err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = c.Compile("sor.schema.json")
	})
	if schemaErr != nil {
		t.Fatalf("compile schema: %v", schemaErr)
	}
	return schema
}

// validateSchema validates a JSON document against the schema.
func validateSchema(t testing.TB, doc []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("unmarshal instance: %v", err)
	}
	return sorSchema(t).Validate(inst)
}

// schemaFields names the fields a schema error is about: the instance
// location of each leaf error, or for a missing property, the property.
func schemaFields(t testing.TB, err error) []string {
	t.Helper()
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("schema error %v is not a *jsonschema.ValidationError", err)
	}
	var fields []string
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		if len(e.InstanceLocation) > 0 {
			// "/content_id/EAN-13" → "content_id.EAN-13"; array indexes are dropped.
			var parts []string
			for _, tok := range e.InstanceLocation {
				if _, err := strconv.Atoi(tok); err != nil {
					parts = append(parts, tok)
				}
			}
			fields = append(fields, strings.Join(parts, "."))
			return
		}
		if r, ok := e.ErrorKind.(*kind.Required); ok {
			fields = append(fields, r.Missing...)
			return
		}
		fields = append(fields, "(root)")
	}
	walk(ve)
	slices.Sort(fields)
	return slices.Compact(fields)
}

// marshal encodes v as JSON or fails the test.
func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// asMap decodes a JSON object, for comparing documents regardless of key order.
func asMap(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// problemFields returns the fields of a *ValidationError, or fails the test.
func problemFields(t testing.TB, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	return ve.Fields()
}
