package synth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/textmatch"
)

// parsed is a generated world read back from its files.
type parsed struct {
	profile struct {
		Version int
		Brands  []struct {
			ID                string
			Names             []string
			ReferencePrices   []profilePrice `json:"reference_prices"`
			AuthorizedSellers []string       `json:"authorized_sellers"`
			ReferenceImages   []profileImage `json:"reference_images"`
			NegativeImages    []profileImage `json:"negative_images"`
		}
		Slang map[string][]string
	}
	listings []listingDoc
	raw      [][]byte // listing lines
	labels   []struct {
		ListingID   string `json:"listing_id"`
		Counterfeit bool   `json:"counterfeit"`
	}
	notes   []Annotation
	sellers []catalog.SellerInput
	roles   []SellerAnnotation
}

func readWorld(t testing.TB, out *MemSink) *parsed {
	t.Helper()
	p := new(parsed)
	b, ok := out.File(ProfileFile)
	if !ok {
		t.Fatalf("no %s", ProfileFile)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.profile); err != nil {
		t.Fatalf("decode profile: %v", err)
	}
	p.raw = readLines(t, out, ListingsFile, &p.listings)
	readLines(t, out, LabelsFile, &p.labels)
	readLines(t, out, AnnotationsFile, &p.notes)
	readLines(t, out, SellersFile, &p.sellers)
	readLines(t, out, SellerAnnotationsFile, &p.roles)
	return p
}

// readLines decodes every line of an NDJSON file into *dst, strictly.
func readLines[T any](t testing.TB, out *MemSink, name string, dst *[]T) [][]byte {
	t.Helper()
	b, ok := out.File(name)
	if !ok {
		t.Fatalf("no %s", name)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var v T
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s:%d: %v", name, n, err)
		}
		*dst = append(*dst, v)
		lines = append(lines, slices.Clone(sc.Bytes()))
	}
	return lines
}

func TestWorldMatchesOptions(t *testing.T) {
	opts := Options{Listings: 2000, Seed: 42}
	out, sum := generate(t, opts)
	w := readWorld(t, out)
	if got := len(w.listings); got != opts.Listings {
		t.Fatalf("got %d listings, want %d", got, opts.Listings)
	}
	if len(w.labels) != len(w.listings) || len(w.notes) != len(w.listings) {
		t.Fatalf("got %d labels and %d annotations for %d listings", len(w.labels), len(w.notes), len(w.listings))
	}
	kinds := map[Kind]int{}
	for i, a := range w.notes {
		l, lab := w.listings[i], w.labels[i]
		if a.ListingID != l.ID || lab.ListingID != l.ID {
			t.Fatalf("line %d: listing %s, label %s, annotation %s", i+1, l.ID, lab.ListingID, a.ListingID)
		}
		if lab.Counterfeit != a.Kind.Counterfeit() || a.Counterfeit != lab.Counterfeit {
			t.Errorf("%s: kind %s labelled counterfeit=%v", l.ID, a.Kind, lab.Counterfeit)
		}
		kinds[a.Kind]++
	}
	n := float64(opts.Listings)
	for _, k := range Kinds {
		want := KindShare(opts, k) * n
		sigma := math.Sqrt(want * (1 - want/n))
		if got := float64(kinds[k]); math.Abs(got-want) > 4*sigma || got == 0 {
			t.Errorf("kind %s: got %v listings, want %.0f ± %.0f", k, got, want, 4*sigma)
		}
		if sum.Kinds[k] != kinds[k] {
			t.Errorf("summary counts %d %s, files %d", sum.Kinds[k], k, kinds[k])
		}
	}
	for _, ev := range append(slices.Clone(NameEvasions), EvasionCodeWord, EvasionLowPrice, EvasionImage) {
		if sum.Evasions[ev] < 10 {
			t.Errorf("evasion %s: got %d counterfeits using it, want at least 10", ev, sum.Evasions[ev])
		}
	}
	variants := map[string]int{}
	for _, a := range w.notes {
		variants[a.Variant]++
	}
	for _, v := range []string{sharedWord, sharedSubstring, sharedChar} {
		if variants[v] < 10 {
			t.Errorf("unrelated variant %s: got %d, want at least 10", v, variants[v])
		}
	}
	roles := map[string]int{}
	for _, s := range w.roles {
		roles[s.Role]++
	}
	for _, r := range []string{RoleAuthorised, RoleRegular, RoleNew, RoleInfringer} {
		if roles[r] == 0 {
			t.Errorf("no seller with role %s", r)
		}
	}
}

func TestListingsFollowContract(t *testing.T) {
	opts := Options{Listings: 1500, Seed: 3}
	out, _ := generate(t, opts)
	w := readWorld(t, out)
	key := []byte("0123456789abcdef0123456789abcdef")
	sellers := map[string]bool{}
	for i, s := range w.sellers {
		if _, err := catalog.NewSeller(s, key); err != nil {
			t.Errorf("seller %d (%s) is invalid: %v", i+1, s.ID, err)
		}
		if !strings.HasPrefix(s.ID, "syn-") || !strings.Contains(s.Identifiers.Address, "synthetic") ||
			!strings.HasPrefix(s.Identifiers.IDNumber, "SYN") || !strings.HasPrefix(s.Identifiers.Phone, "+86 100 ") {
			t.Errorf("seller %s has identifiers that do not look synthetic: %+v", s.ID, s.Identifiers)
		}
		sellers[s.ID] = true
	}
	now := opts.withDefaults().Start.Add(365 * 24 * time.Hour)
	var textBytes int
	for i, raw := range w.raw {
		l, err := catalog.ParseListing(raw, now)
		if err != nil {
			t.Fatalf("listing %d is invalid: %v\n%s", i+1, err, raw)
		}
		if len(l.Attributes) != 0 {
			t.Errorf("listing %s has fields outside the contract: %v", l.ID, l.Attributes)
		}
		if !sellers[l.SellerID] {
			t.Errorf("listing %s: seller %s is not in %s", l.ID, l.SellerID, SellersFile)
		}
		if l.Title == "" || l.Category == "" || l.URL == "" || l.ShipFrom.Region == "" || l.Price.Amount <= 0 {
			t.Errorf("listing %s lacks a contract field: %s", l.ID, raw)
		}
		textBytes += len(l.Description)
	}
	if avg := textBytes / len(w.raw); avg < 400 || avg > 520 {
		t.Errorf("got descriptions of %d bytes on average, want about 450", avg)
	}
}

func TestProfile(t *testing.T) {
	out, _ := generate(t, Options{Listings: 10, Seed: 5, Brands: 30})
	w := readWorld(t, out)
	p := w.profile
	if p.Version != 1 || len(p.Brands) != 30 {
		t.Fatalf("got version %d with %d brands, want version 1 with 30", p.Version, len(p.Brands))
	}
	if len(p.Slang["zh"]) == 0 || len(p.Slang["en"]) == 0 {
		t.Errorf("got slang %v, want zh and en lists", p.Slang)
	}
	seen := map[string]string{}
	authorised := map[string]string{}
	for _, s := range w.roles {
		if s.Role == RoleAuthorised {
			authorised[s.SellerID] = s.AuthorisedBrand
		}
	}
	for _, b := range p.Brands {
		if len(b.Names) < 4 {
			t.Errorf("brand %s: got names %q, want Latin, Chinese, pinyin and nicknames", b.ID, b.Names)
		}
		var latin, han bool
		for _, n := range b.Names {
			for _, r := range n {
				latin = latin || r < 0x80 && unicode.IsLetter(r)
				han = han || unicode.Is(unicode.Han, r)
			}
			k := strings.ToLower(n)
			if other, dup := seen[k]; dup && other != b.ID {
				t.Errorf("name %q belongs to %s and %s", n, other, b.ID)
			}
			seen[k] = b.ID
			if slices.Contains(realMarks, k) {
				t.Errorf("brand %s uses a real trademark %q", b.ID, n)
			}
		}
		if !latin || !han {
			t.Errorf("brand %s: names %q lack Latin or Chinese", b.ID, b.Names)
		}
		currencies := map[string]int{}
		for _, rp := range b.ReferencePrices {
			if _, err := catalog.ParseAmount(rp.Amount); err != nil {
				t.Errorf("brand %s: reference amount %q: %v", b.ID, rp.Amount, err)
			}
			currencies[rp.Currency]++
		}
		if currencies["CNY"] == 0 || currencies["CNY"] != currencies["USD"] {
			t.Errorf("brand %s: got reference prices %v, want CNY and USD per category", b.ID, currencies)
		}
		if len(b.AuthorizedSellers) == 0 {
			t.Errorf("brand %s has no authorised seller", b.ID)
		}
		for _, s := range b.AuthorizedSellers {
			if authorised[s] != b.ID {
				t.Errorf("brand %s: authorised seller %s is annotated for %q", b.ID, s, authorised[s])
			}
		}
		if len(b.ReferenceImages) != 0 || len(b.NegativeImages) != 0 {
			t.Errorf("brand %s lists images in a world without images", b.ID)
		}
	}
}

// brandIndex maps brand ids to their profile names.
func brandNames(w *parsed) map[string][]string {
	m := map[string][]string{}
	for _, b := range w.profile.Brands {
		m[b.ID] = b.Names
	}
	return m
}

func TestCounterfeitsDisguiseAndReveal(t *testing.T) {
	opts := Options{Listings: 3000, Seed: 11}
	out, _ := generate(t, opts)
	w := readWorld(t, out)
	names := brandNames(w)

	// The project's normaliser and matcher must find every disguised name.
	var pats []textmatch.Pattern
	ids := map[uint32]string{}
	for i, b := range w.profile.Brands {
		for _, n := range b.Names {
			pats = append(pats, textmatch.Pattern{ID: uint32(i), Text: n})
		}
		ids[uint32(i)] = b.ID
	}
	m, err := textmatch.Compile(pats)
	if err != nil {
		t.Fatal(err)
	}
	var slang []string
	for _, l := range w.profile.Slang {
		slang = append(slang, l...)
	}
	for i, a := range w.notes {
		if a.Kind != KindFakeText {
			continue
		}
		l := w.listings[i]
		ev := a.Evasions[0]
		lower := strings.ToLower(l.Title)
		// Except for aliases the profile lists, no name appears as written.
		if ev != EvasionNickname && ev != EvasionPinyin {
			for _, n := range names[a.Brand] {
				if strings.Contains(lower, strings.ToLower(n)) {
					t.Errorf("%s (%s): title %q shows the name %q plainly", l.ID, ev, l.Title, n)
				}
			}
		}
		if !evasionVisible(ev, l.Title) {
			t.Errorf("%s: title %q shows no sign of %s", l.ID, l.Title, ev)
		}
		norm := textmatch.Normalize(l.Title)
		found := false
		for _, mt := range m.FindAll(nil, &norm) {
			found = found || ids[mt.ID] == a.Brand
		}
		if !found {
			t.Errorf("%s (%s): textmatch does not find brand %s in %q", l.ID, ev, a.Brand, l.Title)
		}
		hasSlang := slices.ContainsFunc(slang, func(s string) bool { return strings.Contains(lower, strings.ToLower(s)) })
		if hasSlang != slices.Contains(a.Evasions, EvasionCodeWord) {
			t.Errorf("%s: title %q has slang %v, evasions %v", l.ID, l.Title, hasSlang, a.Evasions)
		}
	}
}

// splitLetters matches four letters or more separated by spaces, dots or
// hyphens.
var splitLetters = regexp.MustCompile(`(?:\pL[ .\-]+){3,}\pL`)

// evasionVisible reports whether title bears the mark of evasion ev.
func evasionVisible(ev, title string) bool {
	has := func(f func(rune) bool) bool { return strings.ContainsFunc(title, f) }
	switch ev {
	case EvasionFullWidth:
		return has(func(r rune) bool { return r >= '！' && r <= '～' })
	case EvasionHomoglyph:
		return has(func(r rune) bool { return unicode.In(r, unicode.Cyrillic, unicode.Greek) })
	case EvasionZeroWidth:
		return has(func(r rune) bool { return slices.Contains(zeroWidth, r) })
	case EvasionTraditional:
		return has(func(r rune) bool {
			return slices.ContainsFunc(firstChars, func(h hanzi) bool { return h.trad == r })
		})
	case EvasionSplitLetters:
		return splitLetters.MatchString(title)
	case EvasionSeparator:
		return has(func(r rune) bool { return strings.ContainsRune("-·_*/ ~", r) })
	case EvasionPinyin, EvasionNickname:
		return true // the alias itself; checked by the matcher
	}
	return false
}

func TestHardNegatives(t *testing.T) {
	opts := Options{Listings: 3000, Seed: 12}
	out, _ := generate(t, opts)
	w := readWorld(t, out)
	names := brandNames(w)
	authorised := map[string]string{}
	for _, s := range w.roles {
		if s.Role == RoleAuthorised {
			authorised[s.SellerID] = s.AuthorisedBrand
		}
	}
	brandCats := map[string][]string{}
	for _, b := range w.profile.Brands {
		for _, rp := range b.ReferencePrices {
			brandCats[b.ID] = append(brandCats[b.ID], rp.Category)
		}
	}
	var everyName, slang []string
	for _, ns := range names {
		everyName = append(everyName, ns...)
	}
	for _, l := range w.profile.Slang {
		slang = append(slang, l...)
	}
	mentions := func(text string, terms []string) string {
		lower := strings.ToLower(text)
		for _, n := range terms {
			if strings.Contains(lower, strings.ToLower(n)) {
				return n
			}
		}
		return ""
	}
	for i, a := range w.notes {
		l := w.listings[i]
		text := l.Title + " " + l.Description
		if a.Kind.Counterfeit() {
			continue
		}
		if s := mentions(text, slang); s != "" {
			t.Errorf("%s (%s) uses slang %q: %s", l.ID, a.Kind, s, text)
		}
		switch a.Kind {
		case KindGenuine:
			if n := mentions(text, everyName); n != "" {
				t.Errorf("%s (genuine) names brand %q: %s", l.ID, n, l.Title)
			}
		case KindAccessory:
			if l.Category != accessoryCat || mentions(l.Title, names[a.Brand]) == "" ||
				mentions(l.Title, []string{"for", "compatible", "适用", "适配", "兼容"}) == "" {
				t.Errorf("%s: accessory %q in %s does not say what it is for", l.ID, l.Title, l.Category)
			}
		case KindUsedGenuine:
			if mentions(l.Title, []string{"二手", "used"}) == "" || a.PriceRatio < 0.28 || a.PriceRatio > 0.62 {
				t.Errorf("%s: used listing %q at ratio %v", l.ID, l.Title, a.PriceRatio)
			}
		case KindAuthorised:
			if authorised[l.SellerID] != a.Brand || a.PriceRatio < 0.82 || a.PriceRatio > 1.12 {
				t.Errorf("%s: authorised listing of %s by %s (authorised for %q) at ratio %v",
					l.ID, a.Brand, l.SellerID, authorised[l.SellerID], a.PriceRatio)
			}
		case KindUnrelated:
			if slices.Contains(brandCats[a.Brand], l.Category) {
				t.Errorf("%s: unrelated listing in %s, a category of %s", l.ID, l.Category, a.Brand)
			}
		}
	}
	for i, a := range w.notes {
		if a.Kind == KindFakePrice && a.PriceRatio > 0.25 {
			t.Errorf("%s: fake_price at ratio %v", w.listings[i].ID, a.PriceRatio)
		}
	}
}

func TestImagesOffChangesOnlyImages(t *testing.T) {
	opts := Options{Listings: 200, Seed: 9, Brands: 4}
	off, _ := generate(t, opts)
	opts.Images = true
	on, _ := generate(t, opts)
	for _, name := range []string{SellersFile, SellerAnnotationsFile, LabelsFile} {
		x, _ := off.File(name)
		y, _ := on.File(name)
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs with and without images", name)
		}
	}
	a, b := readWorld(t, off), readWorld(t, on)
	for i := range a.listings {
		x, y := a.listings[i], b.listings[i]
		if len(x.Images) != 0 || len(y.Images) != 1 {
			t.Fatalf("%s: got %d images without and %d with images, want 0 and 1", x.ID, len(x.Images), len(y.Images))
		}
		y.Images = nil
		if !equalJSON(t, x, y) {
			t.Errorf("listing %d differs beyond its images:\n%+v\n%+v", i+1, x, y)
		}
		na, nb := a.notes[i], b.notes[i]
		nb.Images = nil
		if !equalJSON(t, na, nb) {
			t.Errorf("annotation %d differs beyond its images:\n%+v\n%+v", i+1, na, nb)
		}
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}
