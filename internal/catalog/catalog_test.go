package catalog_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/fault"
)

var now = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

const sample = `{"id":"L1","seller_id":"S1","title":"Nike Air Max 90 男鞋","description":"正品保证",
	"price":{"amount":"199","currency":"cny"},"category":"shoes","brand":"Nike",
	"images":[{"url":"https://img.example.com/1.jpg","sha256":"` + hex64 + `","pdq":"` + hex64 + `","width":800}],
	"url":"https://shop.example.com/item/1","ship_from":{"country":"cn","region":"440300","city":"深圳"},
	"updated_at":"2026-11-26T16:00:00+08:00","stock":12,"tags":["sale","hot"],"weight":1.50}`

const hex64 = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

func parse(t *testing.T, s string) catalog.Listing {
	t.Helper()
	l, err := catalog.ParseListing([]byte(s), now)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return l
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want catalog.Amount
		err  bool
	}{
		{"199", 1990000, false},
		{"199.00", 1990000, false},
		{"0.99", 9900, false},
		{"0.0001", 1, false},
		{"007.5", 75000, false},
		{"1000000000", catalog.MaxAmount, false},
		{"1000000000.0001", 0, true},
		{"99999999999999999999", 0, true},
		{"-1", 0, true},
		{"+1", 0, true},
		{"1e3", 0, true},
		{"1,000", 0, true},
		{" 1", 0, true},
		{"1.", 0, true},
		{".5", 0, true},
		{"1.23456", 0, true},
		{"", 0, true},
		{"NaN", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := catalog.ParseAmount(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ParseAmount(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestMoneyFormatting(t *testing.T) {
	for _, tc := range []struct {
		m            catalog.Money
		str, display string
	}{
		{catalog.Money{Amount: 1990000, Currency: "CNY"}, "199.00", "CNY 199.00"},
		{catalog.Money{Amount: 19990000000, Currency: "CNY"}, "1999000.00", "CNY 1,999,000.00"},
		{catalog.Money{Amount: 19990000, Currency: "JPY"}, "1999", "JPY 1,999"},
		{catalog.Money{Amount: 125000, Currency: "KWD"}, "12.500", "KWD 12.500"},
		{catalog.Money{Amount: 12345, Currency: "USD"}, "1.2345", "USD 1.2345"},
		{catalog.Money{Amount: 5, Currency: "JPY"}, "0.0005", "JPY 0.0005"},
		{catalog.Money{Amount: 0, Currency: "EUR"}, "0.00", "EUR 0.00"},
	} {
		if got := tc.m.String(); got != tc.str {
			t.Errorf("%+v.String() = %q, want %q", tc.m, got, tc.str)
		}
		if got := tc.m.Format(); got != tc.display {
			t.Errorf("%+v.Format() = %q, want %q", tc.m, got, tc.display)
		}
	}
}

func TestParseListingFields(t *testing.T) {
	l := parse(t, sample)
	want := catalog.Listing{
		ID: "L1", SellerID: "S1", Title: "Nike Air Max 90 男鞋", Description: "正品保证",
		Price: catalog.Money{Amount: 1990000, Currency: "CNY"}, Category: "shoes", Brand: "Nike",
		Images:   []catalog.Image{{URL: "https://img.example.com/1.jpg", SHA256: strings.ToLower(hex64), PDQ: strings.ToLower(hex64)}},
		URL:      "https://shop.example.com/item/1",
		ShipFrom: catalog.Place{Country: "CN", Region: "440300", City: "深圳"},
		Markets:  []string{"CN"}, UpdatedAt: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC),
		Attributes: map[string]any{"stock": json.Number("12"), "tags": []any{"sale", "hot"}, "weight": json.Number("1.50")},
	}
	if diff := cmp.Diff(want, l, cmpListing); diff != "" {
		t.Errorf("parsed listing (-want +got):\n%s", diff)
	}
	// The document is canonical: sorted keys, normalised codes and amount,
	// UTC time, exact numbers, nested unknown fields kept.
	doc := string(l.Doc())
	for _, s := range []string{`"amount":"199.00","currency":"CNY"`, `"country":"CN"`, `"updated_at":"2026-11-26T08:00:00Z"`,
		`"weight":1.50`, `"width":800`, `"stock":12`, `"description":"正品保证"`} {
		if !strings.Contains(doc, s) {
			t.Errorf("document lacks %s:\n%s", s, doc)
		}
	}
	if !strings.HasPrefix(doc, `{"brand":"Nike","category":"shoes"`) {
		t.Errorf("document keys are not sorted: %s", doc)
	}
	js, _ := json.Marshal(l)
	if string(js) != doc {
		t.Errorf("MarshalJSON = %s, want the document", js)
	}
	back, err := catalog.LoadListing(l.Doc())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, back, cmp.AllowUnexported(catalog.Listing{})); diff != "" {
		t.Errorf("LoadListing(Doc()) differs (-parsed +loaded):\n%s", diff)
	}
}

var cmpListing = cmp.Options{cmp.AllowUnexported(catalog.Listing{}), cmp.FilterPath(func(p cmp.Path) bool {
	s := p.Last().String()
	return s == ".doc" || s == ".hash"
}, cmp.Ignore())}

func TestContentHash(t *testing.T) {
	base := parse(t, sample)
	same := map[string]string{
		"reordered and spaced": `{ "updated_at":"2026-11-26T16:00:00+08:00", "weight":1.50, "tags":["sale","hot"], "stock":12,
			"ship_from":{"city":"深圳","region":"440300","country":"CN"}, "url":"https://shop.example.com/item/1",
			"images":[{"width":800,"pdq":"` + hex64 + `","sha256":"` + hex64 + `","url":"https://img.example.com/1.jpg"}],
			"brand":"Nike","category":"shoes","price":{"currency":"CNY","amount":"199.00"},"description":"正品保证",
			"title":"Nike Air Max 90 男鞋","seller_id":"S1","id":"L1"}`,
		"amount as a number": strings.Replace(sample, `"amount":"199"`, `"amount":199.0`, 1),
		"newer updated_at":   strings.Replace(sample, "2026-11-26T16:00:00+08:00", "2026-11-27T00:00:00Z", 1),
	}
	for name, s := range same {
		if got := parse(t, s).ContentHash(); got != base.ContentHash() {
			t.Errorf("%s: content hash changed", name)
		}
	}
	differ := map[string]string{
		"title":          strings.Replace(sample, "男鞋", "女鞋", 1),
		"price":          strings.Replace(sample, `"199"`, `"199.01"`, 1),
		"attribute":      strings.Replace(sample, `"stock":12`, `"stock":13`, 1),
		"nested unknown": strings.Replace(sample, `"width":800`, `"width":801`, 1),
		"number text":    strings.Replace(sample, `1.50`, `1.5`, 1),
		"new attribute":  strings.Replace(sample, `"stock":12`, `"stock":12,"color":"red"`, 1),
	}
	for name, s := range differ {
		if got := parse(t, s).ContentHash(); got == base.ContentHash() {
			t.Errorf("%s: content hash did not change", name)
		}
	}
}

func TestMarkets(t *testing.T) {
	noShipFrom := strings.Replace(sample, `"ship_from":{"country":"cn","region":"440300","city":"深圳"},`, "", 1)
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"ship-from country", sample, []string{"CN"}},
		{"explicit markets win", strings.Replace(sample, `"id":"L1",`, `"id":"L1","markets":["us","DE","EU","us"],`, 1), []string{"DE", "EU", "US"}},
		{"none", noShipFrom, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, parse(t, tc.in).Markets); diff != "" {
				t.Errorf("markets (-want +got):\n%s", diff)
			}
		})
	}
}

func invalidFields(err error) []string {
	var inv *fault.Invalid
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, f := range inv.Fields {
		out = append(out, f.Field)
	}
	slices.Sort(out)
	return out
}

func TestParseListingInvalid(t *testing.T) {
	min := func(extra string) string {
		return `{"id":"L1","seller_id":"S1","title":"t","price":{"amount":"1","currency":"USD"},"updated_at":"2026-11-26T08:00:00Z"` + extra + `}`
	}
	parse(t, min("")) // the minimum is valid
	for _, tc := range []struct {
		name, in string
		fields   []string
	}{
		{"not JSON", `{"id":`, []string{"(json)"}},
		{"array", `[1,2]`, []string{"(json)"}},
		{"null", `null`, []string{"(json)"}},
		{"trailing data", min("") + `{}`, []string{"(json)"}},
		{"empty object", `{}`, []string{"id", "price", "seller_id", "title", "updated_at"}},
		{"id with slash", strings.Replace(min(""), `"L1"`, `"a/b"`, 1), []string{"id"}},
		{"id as number", strings.Replace(min(""), `"L1"`, `7`, 1), []string{"id"}},
		{"negative price", strings.Replace(min(""), `"1"`, `"-1"`, 1), []string{"price.amount"}},
		{"absurd price", strings.Replace(min(""), `"1"`, `"1000000001"`, 1), []string{"price.amount"}},
		{"float amount text", strings.Replace(min(""), `"1"`, `1e9`, 1), []string{"price.amount"}},
		{"currency", strings.Replace(min(""), `"USD"`, `"RMB1"`, 1), []string{"price.currency"}},
		{"price not object", strings.Replace(min(""), `{"amount":"1","currency":"USD"}`, `"1 USD"`, 1), []string{"price"}},
		{"bad time", strings.Replace(min(""), `2026-11-26T08:00:00Z`, `2026-11-26 08:00`, 1), []string{"updated_at"}},
		{"future time", strings.Replace(min(""), `2026-11-26T08:00:00Z`, `2026-11-28T08:00:00Z`, 1), []string{"updated_at"}},
		{"image", min(`,"images":[{"url":"ftp://x/y","sha256":"abc"},"x"]`), []string{"images[0].sha256", "images[0].url", "images[1]"}},
		{"region CN", min(`,"ship_from":{"country":"CN","region":"CN-GD"}`), []string{"ship_from.region"}},
		{"region US", min(`,"ship_from":{"country":"US","region":"DE-BY"}`), []string{"ship_from.region"}},
		{"region no country", min(`,"ship_from":{"region":"US-CA"}`), []string{"ship_from.region"}},
		{"country", min(`,"ship_from":{"country":"XX"}`), []string{"ship_from.country"}},
		{"markets", min(`,"markets":["CN","Mars"]`), []string{"markets[1]"}},
		{"markets empty", min(`,"markets":[]`), []string{"markets"}},
		{"url", min(`,"url":"javascript:alert(1)"`), []string{"url"}},
		{"title too long", strings.Replace(min(""), `"t"`, `"`+strings.Repeat("长", 1001)+`"`, 1), []string{"title"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := catalog.ParseListing([]byte(tc.in), now)
			if diff := cmp.Diff(tc.fields, invalidFields(err)); diff != "" {
				t.Errorf("invalid fields (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
	t.Run("valid regions", func(t *testing.T) {
		for _, sf := range []string{`{"country":"US","region":"us-ca"}`, `{"country":"GB","region":"GB-LND"}`, `{"country":"CN","region":"110101"}`, `{"country":"DE"}`} {
			parse(t, min(`,"ship_from":`+sf))
		}
	})
}

func TestDecide(t *testing.T) {
	v1 := parse(t, sample)
	changed := parse(t, strings.Replace(sample, "男鞋", "女鞋", 1))
	older := parse(t, strings.Replace(strings.Replace(sample, "男鞋", "童鞋", 1), "2026-11-26T16:00:00+08:00", "2026-11-25T00:00:00Z", 1))
	resentOlder := parse(t, strings.Replace(sample, "2026-11-26T16:00:00+08:00", "2026-11-25T00:00:00Z", 1))
	sameTime := parse(t, strings.Replace(sample, "男鞋", "拖鞋", 1))
	head := catalog.Head{}.Next(v1)
	if head.Version != 1 || head.ContentHash != v1.ContentHash() || !head.UpdatedAt.Equal(v1.UpdatedAt) {
		t.Fatalf("Next: got %+v", head)
	}
	for _, tc := range []struct {
		name string
		cur  catalog.Head
		l    catalog.Listing
		want catalog.Outcome
	}{
		{"new", catalog.Head{}, v1, catalog.Accepted},
		{"identical", head, v1, catalog.Unchanged},
		{"identical, older timestamp", head, resentOlder, catalog.Unchanged},
		{"changed", head, changed, catalog.Accepted},
		{"changed, older", head, older, catalog.Stale},
		{"changed, same timestamp", head, sameTime, catalog.Accepted},
	} {
		if got := catalog.Decide(tc.cur, tc.l); got != tc.want {
			t.Errorf("%s: Decide = %s, want %s", tc.name, got, tc.want)
		}
	}
}

var key = []byte("0123456789abcdef0123456789abcdef")

func TestNormalizeIdentifier(t *testing.T) {
	for _, tc := range []struct {
		kind         catalog.IdentifierKind
		raw, country string
		want         string
		err          bool
	}{
		{catalog.Phone, "138 0013 8000", "CN", "8613800138000", false},
		{catalog.Phone, "+86 138-0013-8000", "US", "8613800138000", false},
		{catalog.Phone, "0086 13800138000", "CN", "8613800138000", false},
		{catalog.Phone, "8613800138000", "CN", "8613800138000", false},
		{catalog.Phone, "0755-8888 6666", "CN", "8675588886666", false},
		{catalog.Phone, "020 7946 0000", "GB", "442079460000", false},
		{catalog.Phone, "06 1234 5678", "IT", "390612345678", false},
		{catalog.Phone, "(415) 555-0100", "US", "14155550100", false},
		{catalog.Phone, "555 0100", "ZW", "", true},
		{catalog.Phone, "call me", "CN", "", true},
		{catalog.Phone, "+1 23", "US", "", true},
		{catalog.IDNumber, " 44030119900101123x ", "CN", "44030119900101123X", false},
		{catalog.BankAccount, "de89 3704-0044 0532 0130 00", "DE", "DE89370400440532013000", false},
		{catalog.Address, "  广东省 深圳市\t南山区\u3000科技园  1号 ", "CN", "广东省 深圳市 南山区 科技园 1号", false},
		{catalog.Address, "1 Main   Street,\nSpringfield", "US", "1 main street, springfield", false},
		{catalog.Device, " IMEI-35-ABC ", "CN", "imei-35-abc", false},
		{catalog.Address, "   ", "CN", "", true},
	} {
		got, err := catalog.NormalizeIdentifier(tc.kind, tc.raw, tc.country)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("NormalizeIdentifier(%s, %q, %s) = %q, %v; want %q, error %v", tc.kind, tc.raw, tc.country, got, err, tc.want, tc.err)
		}
	}
}

func TestNewSeller(t *testing.T) {
	in := catalog.SellerInput{ID: "S1", Name: " 深圳某某贸易 ", Country: "cn", Region: "440300",
		RegisteredAt: time.Date(2020, 1, 2, 3, 4, 5, 0, time.FixedZone("CST", 8*3600)),
		Identifiers:  catalog.Identifiers{Phone: "138 0013 8000", IDNumber: "44030119900101123x", Address: "深圳市 南山区"}}
	s, err := catalog.NewSeller(in, key)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "深圳某某贸易" || s.Country != "CN" || s.RegisteredAt.Location() != time.UTC || len(s.IdentifierHashes) != 3 {
		t.Errorf("got %+v", s)
	}
	if got, want := s.IdentifierHashes[catalog.Phone], catalog.HashIdentifier(key, catalog.Phone, "8613800138000"); got != want {
		t.Errorf("phone hash %s, want %s", got, want)
	}
	js, _ := json.Marshal(s)
	for _, raw := range []string{"13800138000", "138 0013 8000", "44030119900101123", "南山区"} {
		if strings.Contains(string(js), raw) {
			t.Errorf("seller JSON holds the raw identifier %q: %s", raw, js)
		}
	}
	// The same phone written another way links; another key does not.
	in2 := in
	in2.Identifiers = catalog.Identifiers{Phone: "+86 138-0013-8000"}
	s2, _ := catalog.NewSeller(in2, key)
	if s2.IdentifierHashes[catalog.Phone] != s.IdentifierHashes[catalog.Phone] {
		t.Error("the same phone in two notations hashed differently")
	}
	s3, _ := catalog.NewSeller(in2, []byte("another key of at least 16 bytes"))
	if s3.IdentifierHashes[catalog.Phone] == s.IdentifierHashes[catalog.Phone] {
		t.Error("hashes do not depend on the key")
	}
	if catalog.HashIdentifier(key, catalog.IDNumber, "X") == catalog.HashIdentifier(key, catalog.Device, "X") {
		t.Error("equal values of different kinds collide")
	}
	if !s.SameContent(s) || s.SameContent(s2) {
		t.Error("SameContent")
	}
	_, err = catalog.NewSeller(catalog.SellerInput{ID: "a b", Country: "XX", Region: "1", Identifiers: catalog.Identifiers{Phone: "x"}}, key)
	if diff := cmp.Diff([]string{"country", "id", "identifiers.phone", "name", "region"}, invalidFields(err)); diff != "" {
		t.Errorf("invalid seller fields (-want +got):\n%s", diff)
	}
	if _, err := catalog.NewSeller(in, nil); err == nil || invalidFields(err) != nil {
		t.Errorf("no key: got %v, want an internal error", err)
	}
}

// FuzzParseListing checks that parsing never panics and that the canonical
// document is a fixed point: parsing it again gives the same document and
// content hash.
func FuzzParseListing(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"id":"L1","seller_id":"S1","title":"t","price":{"amount":1.5,"currency":"usd"},"updated_at":"2026-11-26T08:00:00Z","x":{"b":1,"a":[1e400]}}`))
	f.Add([]byte(`{"id":"L1","title":"\u0000<>&","price":{"amount":"0"},"markets":["eu"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := catalog.ParseListing(data, now)
		if err != nil {
			return
		}
		again, err := catalog.ParseListing(l.Doc(), now)
		if err != nil {
			t.Fatalf("canonical document does not parse: %v\n%s", err, l.Doc())
		}
		if string(again.Doc()) != string(l.Doc()) || again.ContentHash() != l.ContentHash() {
			t.Fatalf("canonical form is not a fixed point:\n%s\n%s", l.Doc(), again.Doc())
		}
	})
}
