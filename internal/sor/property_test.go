package sor

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// gen makes random valid statements.
type gen struct{ r *rand.Rand }

var (
	textRunes     = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:()'\"-/§éüß假货商标侵权店铺品牌🙂👟\u3000")
	identityRunes = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,&'-éüß有限公司品牌集团")
	puidBytes     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	zones         = []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("HST", -10*3600)}
)

func (g gen) pick(vs []string) string { return vs[g.r.IntN(len(vs))] }

// subset returns 1..len(vs) of vs in random order, sometimes with a repeat.
func (g gen) subset(vs []string) []string {
	out := slices.Clone(vs)
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	out = out[:1+g.r.IntN(len(out))]
	if g.r.IntN(5) == 0 {
		out = append(out, out[0])
	}
	return out
}

// text returns a string of 1..max characters (often exactly max) that is not
// blank, sometimes padded with white space the server trims.
func (g gen) text(pool []rune, max int) string {
	n := 1 + g.r.IntN(max)
	if g.r.IntN(4) == 0 {
		n = max
	}
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = pool[g.r.IntN(len(pool))]
	}
	rs[0] = 'X'
	rs[n-1] = '假'
	s := string(rs)
	if g.r.IntN(5) == 0 {
		s = " \n" + s + "\t "
	}
	return s
}

// date returns a random date in [from, to], at a random time of day in a
// random zone (only the date in that zone counts).
func (g gen) date(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours()/24) + 1
	d := from.AddDate(0, 0, g.r.IntN(days))
	loc := zones[g.r.IntN(len(zones))]
	return time.Date(d.Year(), d.Month(), d.Day(), g.r.IntN(24), g.r.IntN(60), 0, 0, loc)
}

func (g gen) maybe() bool { return g.r.IntN(2) == 0 }

func (g gen) statement() Statement {
	s := Statement{
		ListingID: fmt.Sprintf("L%d", g.r.IntN(1e6)),
		SellerID:  fmt.Sprintf("S%d", g.r.IntN(1e6)),
	}
	app := g.date(minApplicationDate, maxDate)
	s.ApplicationDate, s.IssuedAt = app, app
	end := func() time.Time {
		if g.maybe() {
			return time.Time{}
		}
		return g.date(civil(app), maxDate)
	}
	kinds := g.subset([]string{"visibility", "monetary", "provision", "account"})
	for _, k := range kinds {
		switch k {
		case "visibility":
			s.Visibility, s.VisibilityEnd = g.subset(Keys(EnumDecisionVisibilities)), end()
			if slices.Contains(s.Visibility, VisibilityOther) {
				s.VisibilityOther = g.text(textRunes, MaxShortText)
			}
		case "monetary":
			s.Monetary, s.MonetaryEnd = g.pick(Keys(EnumDecisionMonetaries)), end()
			if s.Monetary == MonetaryOther {
				s.MonetaryOther = g.text(textRunes, MaxShortText)
			}
		case "provision":
			s.Provision, s.ProvisionEnd = g.pick(Keys(EnumDecisionProvisions)), end()
		case "account":
			s.Account, s.AccountEnd = g.pick(Keys(EnumDecisionAccounts)), end()
		}
	}
	if g.maybe() {
		s.AccountType = g.pick(Keys(EnumAccountTypes))
	}
	s.TerritorialScope = g.subset(EEACodes())
	s.Facts = g.text(textRunes, MaxFacts)
	s.SourceType = g.pick(Keys(EnumSourceTypes))
	if g.maybe() {
		s.SourceIdentity = g.text(identityRunes, MaxShortText)
	}
	if g.maybe() {
		s.Right = Right{Type: g.pick(rightTypes), Name: "ACME", Registration: "018123456", Territory: "EU"}
	}
	s.AutomatedDetection = g.maybe()
	s.AutomatedDecision = g.pick(Keys(EnumAutomatedDecisions))
	s.Ground = g.pick(Keys(EnumDecisionGrounds))
	s.GroundReference = g.text(textRunes, MaxShortText)
	s.GroundExplanation = g.text(textRunes, MaxExplanation)
	s.AlsoIllegal = g.pick([]string{"", Yes, No})
	if g.maybe() {
		s.GroundURL = "https://example.org/terms/" + fmt.Sprint(g.r.IntN(1000)) + "#s4.2"
	}
	s.ContentType = g.subset(Keys(EnumContentTypes))
	if slices.Contains(s.ContentType, ContentOther) {
		s.ContentTypeOther = g.text(textRunes, MaxShortText)
	}
	s.Category = g.pick(Keys(EnumStatementCategories))
	if g.maybe() {
		s.CategoryAddition = g.subset(Keys(EnumStatementCategories))
	}
	if g.maybe() {
		s.Keywords = g.subset(Keys(EnumKeywords))
	}
	if g.maybe() {
		s.KeywordOther = g.text(textRunes, MaxShortText)
	}
	s.ContentDate = g.date(minContentDate, maxDate)
	if g.maybe() {
		var langs []string
		for l := range vocab().languages {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		s.Language = g.pick(langs)
	}
	if g.maybe() {
		s.EAN = fmt.Sprintf("%013d", g.r.Int64N(1e13))
	}
	n := 1 + g.r.IntN(MaxPUID)
	if g.r.IntN(4) == 0 {
		n = MaxPUID
	}
	puid := make([]byte, n)
	for i := range puid {
		puid[i] = puidBytes[g.r.IntN(len(puidBytes))]
	}
	s.PUID = string(puid)
	if g.maybe() {
		s.Redress = Redress{
			InternalComplaint: true,
			ComplaintURL:      "https://market.example/complaints",
			ComplaintDeadline: civil(app).AddDate(0, 6, g.r.IntN(30)),
			OutOfCourt:        g.maybe(),
		}
	}
	return s
}

// TestRandomStatementsMatchSchema: every random valid statement gives a
// payload the JSON schema accepts, and reading that payload back gives the
// same payload again.
func TestRandomStatementsMatchSchema(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 50
	}
	g := gen{rand.New(rand.NewPCG(2025, 7))}
	for i := range n {
		s := g.statement()
		if err := s.Validate(); err != nil {
			t.Fatalf("statement %d: Validate: %v", i, err)
		}
		p, err := TDBPayload(s)
		if err != nil {
			t.Fatalf("statement %d: TDBPayload: %v", i, err)
		}
		body := marshal(t, p)
		if err := validateSchema(t, body); err != nil {
			t.Fatalf("statement %d: schema rejects the payload: %v\n%s", i, err, body)
		}
		back, err := ParsePayload(body)
		if err != nil {
			t.Fatalf("statement %d: ParsePayload: %v", i, err)
		}
		back.ListingID = s.ListingID
		again, err := TDBPayload(back)
		if err != nil {
			t.Fatalf("statement %d: TDBPayload of the parsed payload: %v", i, err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("statement %d: payload changes on a round trip (-first +second):\n%s", i, diff)
		}
		if got, want := date(s.ApplicationDate), p.ApplicationDate; got != want {
			t.Fatalf("statement %d: application_date %s, want the date in the statement's zone %s", i, want, got)
		}
		for _, lang := range []string{LangEnglish, LangChinese} {
			if r := Render(s, lang); !strings.Contains(r, date(s.ApplicationDate)) {
				t.Fatalf("statement %d: Render(%s) without the application date", i, lang)
			}
		}
	}
}

// TestRandomOverlongTextRejected: one character too many in any limited
// field, counted in characters (CJK and emoji count one), fails both Validate
// and the schema.
func TestRandomOverlongTextRejected(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(2025, 8))}
	fields := []struct {
		name string
		max  int
		set  func(s *Statement, v string)
	}{
		{"decision_facts", MaxFacts, func(s *Statement, v string) { s.Facts = v }},
		{"source_identity", MaxShortText, func(s *Statement, v string) { s.SourceType, s.SourceIdentity = SourceArticle16, v }},
		{"illegal_content_legal_ground", MaxShortText, func(s *Statement, v string) { s.Ground, s.GroundReference = GroundIllegal, v }},
		{"incompatible_content_explanation", MaxExplanation, func(s *Statement, v string) { s.Ground, s.GroundExplanation = GroundIncompatible, v }},
		{"category_specification_other", MaxShortText, func(s *Statement, v string) { s.KeywordOther = v }},
		{"decision_visibility_other", MaxShortText, func(s *Statement, v string) {
			s.Visibility, s.VisibilityOther = []string{VisibilityOther}, v
		}},
	}
	for i := range 60 {
		f := fields[i%len(fields)]
		s := g.statement()
		rs := make([]rune, f.max+1)
		for j := range rs {
			rs[j] = textRunes[g.r.IntN(len(textRunes))]
		}
		rs[0], rs[f.max] = '假', '🙂'
		f.set(&s, string(rs))
		err := s.Validate()
		if err == nil || !slices.Contains(problemFields(t, err), f.name) {
			t.Fatalf("%s with %d characters: got %v, want a problem on %s", f.name, f.max+1, err, f.name)
		}
		if serr := validateSchema(t, marshal(t, s.wire())); serr == nil {
			t.Fatalf("%s with %d characters: schema accepts it", f.name, f.max+1)
		}
	}
}

// FuzzParsePayload: whatever the input, parsing never panics, and a payload
// that parses and validates becomes a request body the schema accepts and
// that reads back to itself.
func FuzzParsePayload(f *testing.F) {
	for _, name := range []string{"valid-counterfeit-listing.json", "valid-own-initiative-tc.json"} {
		b, err := os.ReadFile("testdata/examples/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var doc struct {
		Payload json.RawMessage `json:"payload"`
	}
	b, err := os.ReadFile("testdata/examples/invalid-multiple-errors.json")
	if err != nil {
		f.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(doc.Payload))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParsePayload(data)
		if err != nil {
			return
		}
		s.ListingID = "L1"
		if s.Validate() != nil {
			return
		}
		p, err := TDBPayload(s)
		if err != nil {
			t.Fatalf("valid statement, TDBPayload: %v", err)
		}
		body := marshal(t, p)
		if err := validateSchema(t, body); err != nil {
			t.Fatalf("schema rejects the payload: %v\n%s", err, body)
		}
		back, err := ParsePayload(body)
		if err != nil {
			t.Fatalf("ParsePayload of our own payload: %v", err)
		}
		back.ListingID = "L1"
		again, err := TDBPayload(back)
		if err != nil {
			t.Fatalf("TDBPayload of the parsed payload: %v", err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("payload changes on a round trip (-first +second):\n%s", diff)
		}
	})
}
