package detect

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/catalog"
)

func loadTestProfile(t testing.TB) *Profile {
	t.Helper()
	f, err := os.Open("testdata/profile.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParseProfile(f)
	if err != nil {
		t.Fatalf("ParseProfile(testdata/profile.json): %v", err)
	}
	return p
}

func TestParseProfile(t *testing.T) {
	p := loadTestProfile(t)
	if got, want := len(p.Brands), 4; got != want {
		t.Fatalf("got %d brands, want %d", got, want)
	}
	nike := p.Brands[0]
	if got, want := nike.ReferencePrices[0], (ReferencePrice{Category: "shoes", Price: catalog.Money{Amount: 8_990_000, Currency: "CNY"}}); got != want {
		t.Errorf("got reference price %+v, want %+v", got, want)
	}
	if p.Slang != nil {
		t.Errorf("got slang %v, want nil (defaults) when the key is absent", p.Slang)
	}
}

func TestProfileRoundTrip(t *testing.T) {
	p := loadTestProfile(t)
	p.Slang = map[string][]string{"en": {"replica"}, "zh": {"高仿"}}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	q, err := ParseProfile(&buf)
	if err != nil {
		t.Fatalf("ParseProfile(WriteJSON output): %v\n%s", err, buf.String())
	}
	if diff := cmp.Diff(p, q); diff != "" {
		t.Errorf("round trip changed the profile (-want +got):\n%s", diff)
	}
}

func TestProfileWriteDefaultSlang(t *testing.T) {
	p := &Profile{Version: 1}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	q, err := ParseProfile(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultSlang(), q.Slang); diff != "" {
		t.Errorf("written slang differs from the defaults (-want +got):\n%s", diff)
	}
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		paths []string // JSON paths the error must name
		is    error
	}{
		{"unknown version", `{"version":2,"brands":[]}`, []string{"version"}, ErrUnknownVersion},
		{"missing version", `{"brands":[]}`, []string{"version"}, nil},
		{"unknown top field", `{"version":1,"brands":[],"extra":1}`, []string{"extra"}, nil},
		{"unknown brand field", `{"version":1,"brands":[{"id":"a","names":["A"],"colour":"red"}]}`, []string{"brands[0].colour"}, nil},
		{"missing names", `{"version":1,"brands":[{"id":"a"}]}`, []string{"brands[0].names"}, nil},
		{"name without letters", `{"version":1,"brands":[{"id":"a","names":["--"]}]}`, []string{"brands[0].names[0]"}, nil},
		{"duplicate id", `{"version":1,"brands":[{"id":"a","names":["A"]},{"id":"a","names":["B"]}]}`, []string{"brands[1].id"}, nil},
		{"bad amount and currency", `{"version":1,"brands":[{"id":"a","names":["A"],"reference_prices":[{"category":"x","amount":"1,000","currency":"¥"}]}]}`,
			[]string{"brands[0].reference_prices[0].amount", "brands[0].reference_prices[0].currency"}, nil},
		{"zero amount", `{"version":1,"brands":[{"id":"a","names":["A"],"reference_prices":[{"amount":0,"currency":"CNY"}]}]}`,
			[]string{"brands[0].reference_prices[0].amount"}, nil},
		{"bad pdq", `{"version":1,"brands":[{"id":"a","names":["A"],"reference_images":[{"pdq":"xyz"}]}]}`, []string{"brands[0].reference_images[0].pdq"}, nil},
		{"pdq and path", `{"version":1,"brands":[{"id":"a","names":["A"],"negative_images":[{"pdq":"` + strings.Repeat("0", 64) + `","path":"a.jpg"}]}]}`,
			[]string{"brands[0].negative_images[0]"}, nil},
		{"bad seller id", `{"version":1,"brands":[{"id":"a","names":["A"],"authorized_sellers":["a b"]}]}`, []string{"brands[0].authorized_sellers[0]"}, nil},
		{"slang not a list", `{"version":1,"brands":[],"slang":{"en":"replica"}}`, []string{"slang.en"}, nil},
		{"trailing data", `{"version":1,"brands":[]} {}`, []string{"$"}, nil},
		{"not json", `{"version":`, []string{"$"}, nil},
		{"brands not a list", `{"version":1,"brands":{}}`, []string{"brands"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatalf("got profile %+v, want an error", p)
			}
			if p != nil {
				t.Errorf("got a profile with the error, want nil (nothing half-applied)")
			}
			for _, path := range tt.paths {
				if !strings.Contains(err.Error(), path+": ") {
					t.Errorf("got error %q, want it to name %s", err, path)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want errors.Is %v", err, tt.is)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("got error %T, want a *FieldError inside", err)
			}
		})
	}
}

func TestEmbeddedLists(t *testing.T) {
	for _, name := range []string{"slang_zh.txt", "slang_en.txt", "secondhand.txt"} {
		terms, err := readTerms(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(terms) < 5 {
			t.Errorf("%s: got %d terms, want at least 5", name, len(terms))
		}
		for _, term := range terms {
			if term.Meaning == "" || !matchable(term.Text) {
				t.Errorf("%s: term %q: want text with letters and a meaning", name, term.Text)
			}
		}
	}
	want := []string{"高仿", "A货", "原单", "1:1", "复刻", "精仿", "莆田", "超A"}
	for _, w := range want {
		if !containsTerm(SlangTerms("zh"), w) {
			t.Errorf("zh slang lacks %q", w)
		}
	}
	for _, w := range []string{"replica", "mirror quality", "aaa quality", "1:1", "super fake", "inspired by", "dupe"} {
		if !containsTerm(SlangTerms("en"), w) {
			t.Errorf("en slang lacks %q", w)
		}
	}
}

func containsTerm(ts []Term, s string) bool {
	for _, t := range ts {
		if t.Text == s {
			return true
		}
	}
	return false
}
