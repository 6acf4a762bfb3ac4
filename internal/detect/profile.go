package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/pdq"
	"github.com/dajia-project/dajia/internal/textmatch"
)

// ProfileVersion is the only profile format version this package reads and
// writes.
const ProfileVersion = 1

// MaxProfileBytes is the largest profile document ParseProfile accepts.
const MaxProfileBytes = 256 << 20

// Profile is what detection knows about the brands it protects, plus the
// counterfeit slang it looks for. See the package documentation for the JSON
// format. A Profile is plain data; Compile turns it into an Engine.
type Profile struct {
	// Version is the format version, ProfileVersion.
	Version int
	// Brands are the protected brands, in file order; IDs are unique.
	Brands []Brand
	// Slang maps a language code ("zh", "en", …) to counterfeit slang terms.
	// Nil means "use DefaultSlang"; an empty non-nil map means no slang.
	Slang map[string][]string
}

// Brand is one protected brand.
type Brand struct {
	// ID identifies the brand in results and rules (e.g. "nike").
	ID string `json:"id"`
	// Names are the brand's names and aliases in every script ("Nike",
	// "耐克"). Pure Latin names of up to 6 letters are matched as whole words.
	Names []string `json:"names"`
	// ReferencePrices are typical genuine prices per category.
	ReferencePrices []ReferencePrice `json:"reference_prices,omitempty"`
	// AuthorizedSellers are marketplace seller ids allowed to sell the brand.
	AuthorizedSellers []string `json:"authorized_sellers,omitempty"`
	// ReferenceImages are official product photos and logos.
	ReferenceImages []ImageRef `json:"reference_images,omitempty"`
	// NegativeImages are known-genuine photos whose matches are ignored.
	NegativeImages []ImageRef `json:"negative_images,omitempty"`
}

// ReferencePrice is a genuine price of a brand's goods in one category. An
// empty Category applies to every category without a price of its own.
type ReferencePrice struct {
	Category string
	Price    catalog.Money
}

// ImageRef is a reference or negative image: either a PDQ hash or a path that
// Options.ResolveImage turns into one when the profile is compiled.
type ImageRef struct {
	// ID names the image in explanations; when empty, Compile names it
	// "<brand id>/ref/<n>" (reference images) or "<brand id>/neg/<n>".
	ID string `json:"id,omitempty"`
	// PDQ is the 64-hex-digit hash.
	PDQ string `json:"pdq,omitempty"`
	// Quality is the hash's PDQ quality when known; 0 means unknown and the
	// hash is used. Hashes of known quality below pdq.MinQuality are ignored.
	Quality int `json:"quality,omitempty"`
	// Path names an image file, resolved by Options.ResolveImage.
	Path string `json:"path,omitempty"`
}

// FieldError is one bad entry of a profile, named by its JSON path
// ("brands[2].reference_prices[0].amount").
type FieldError struct {
	Path string
	Err  error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// ErrUnknownVersion is returned (wrapped) for a profile whose version this
// package does not read.
var ErrUnknownVersion = errors.New("unknown profile version")

// maxProfileErrors bounds how many field errors one parse reports.
const maxProfileErrors = 50

// ParseProfile reads a profile document. It rejects unknown versions, unknown
// fields, malformed entries and duplicate brand ids; every problem found (up
// to 50) is reported as a *FieldError with its JSON path, joined into one
// error. On error no Profile is returned: nothing is half-applied.
func ParseProfile(r io.Reader) (*Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	if len(data) > MaxProfileBytes {
		return nil, fmt.Errorf("parse profile: larger than %d bytes", MaxProfileBytes)
	}
	p := &profileParser{}
	prof := p.parse(data)
	if len(p.errs) > 0 {
		return nil, fmt.Errorf("parse profile: %w", errors.Join(p.errs...))
	}
	return prof, nil
}

type profileParser struct {
	errs []error
}

func (p *profileParser) fail(path string, format string, args ...any) {
	if len(p.errs) < maxProfileErrors {
		if path == "" {
			path = "$"
		}
		p.errs = append(p.errs, &FieldError{Path: path, Err: fmt.Errorf(format, args...)})
	}
}

// object decodes raw as a JSON object, reporting fields not in known (when
// known is not empty).
func (p *profileParser) object(path string, raw json.RawMessage, known ...string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := strictUnmarshal(raw, &m); err != nil || m == nil {
		p.fail(path, "want an object")
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(known) > 0 && !slices.Contains(known, k) {
			p.fail(join(path, k), "unknown field")
		}
	}
	return m
}

func (p *profileParser) array(path string, raw json.RawMessage) []json.RawMessage {
	if raw == nil {
		return nil
	}
	var a []json.RawMessage
	if err := strictUnmarshal(raw, &a); err != nil || (a == nil && string(bytes.TrimSpace(raw)) != "null") {
		p.fail(path, "want an array")
		return nil
	}
	return a
}

func (p *profileParser) str(path string, raw json.RawMessage) (string, bool) {
	var s string
	if err := strictUnmarshal(raw, &s); err != nil || string(bytes.TrimSpace(raw)) == "null" {
		p.fail(path, "want a string")
		return "", false
	}
	return s, true
}

func (p *profileParser) strings(path string, raw json.RawMessage) []string {
	var out []string
	for i, e := range p.array(path, raw) {
		if s, ok := p.str(index(path, i), e); ok {
			out = append(out, s)
		}
	}
	return out
}

func strictUnmarshal(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (p *profileParser) parse(data []byte) *Profile {
	dec := json.NewDecoder(bytes.NewReader(data))
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		p.fail("", "malformed JSON: %v", err)
		return nil
	}
	if dec.More() {
		p.fail("", "trailing data after the profile object")
		return nil
	}
	m := p.object("", top, "version", "brands", "slang")
	if m == nil {
		return nil
	}
	vraw, ok := m["version"]
	if !ok {
		p.fail("version", "missing")
		return nil
	}
	var v json.Number
	if err := strictUnmarshal(vraw, &v); err != nil {
		p.fail("version", "want a number")
		return nil
	}
	if v.String() != strconv.Itoa(ProfileVersion) {
		p.fail("version", "%w %s (this build reads version %d)", ErrUnknownVersion, v, ProfileVersion)
		return nil
	}
	prof := &Profile{Version: ProfileVersion}
	ids := map[string]int{}
	for i, raw := range p.array("brands", m["brands"]) {
		path := index("brands", i)
		b, ok := p.brand(path, raw)
		if !ok {
			continue
		}
		if j, dup := ids[b.ID]; dup {
			p.fail(join(path, "id"), "duplicate brand id %q (also brands[%d])", b.ID, j)
			continue
		}
		ids[b.ID] = i
		prof.Brands = append(prof.Brands, b)
	}
	if raw, ok := m["slang"]; ok {
		prof.Slang = map[string][]string{}
		sm := p.object("slang", raw) // any language code is a key
		langs := make([]string, 0, len(sm))
		for k := range sm {
			langs = append(langs, k)
		}
		slices.Sort(langs)
		for _, lang := range langs {
			path := join("slang", lang)
			if lang == "" {
				p.fail(path, "empty language code")
				continue
			}
			terms := p.strings(path, sm[lang])
			for j, t := range terms {
				if !matchable(t) {
					p.fail(index(path, j), "term %q has no letters or digits", t)
				}
			}
			prof.Slang[lang] = terms
		}
	}
	return prof
}

// matchable reports whether s keeps any text after normalisation.
func matchable(s string) bool {
	n := textmatch.Normalize(s)
	return n.Len() > 0
}

func (p *profileParser) brand(path string, raw json.RawMessage) (Brand, bool) {
	before := len(p.errs)
	m := p.object(path, raw, "id", "names", "reference_prices", "authorized_sellers", "reference_images", "negative_images")
	if m == nil {
		return Brand{}, false
	}
	var b Brand
	if raw, ok := m["id"]; !ok {
		p.fail(join(path, "id"), "missing")
	} else if s, ok := p.str(join(path, "id"), raw); ok {
		if strings.TrimSpace(s) == "" || len(s) > 128 {
			p.fail(join(path, "id"), "want 1 to 128 characters")
		}
		b.ID = s
	}
	b.Names = p.strings(join(path, "names"), m["names"])
	if len(b.Names) == 0 {
		p.fail(join(path, "names"), "want at least one name")
	}
	for j, n := range b.Names {
		if !matchable(n) {
			p.fail(index(join(path, "names"), j), "name %q has no letters or digits", n)
		}
	}
	for j, raw := range p.array(join(path, "reference_prices"), m["reference_prices"]) {
		if rp, ok := p.refPrice(index(join(path, "reference_prices"), j), raw); ok {
			b.ReferencePrices = append(b.ReferencePrices, rp)
		}
	}
	b.AuthorizedSellers = p.strings(join(path, "authorized_sellers"), m["authorized_sellers"])
	for j, s := range b.AuthorizedSellers {
		if !catalog.ValidID(s) {
			p.fail(index(join(path, "authorized_sellers"), j), "invalid seller id %q", s)
		}
	}
	b.ReferenceImages = p.images(join(path, "reference_images"), m["reference_images"])
	b.NegativeImages = p.images(join(path, "negative_images"), m["negative_images"])
	return b, len(p.errs) == before
}

func (p *profileParser) refPrice(path string, raw json.RawMessage) (ReferencePrice, bool) {
	before := len(p.errs)
	m := p.object(path, raw, "category", "amount", "currency")
	if m == nil {
		return ReferencePrice{}, false
	}
	var rp ReferencePrice
	if raw, ok := m["category"]; ok {
		rp.Category, _ = p.str(join(path, "category"), raw)
	}
	if raw, ok := m["amount"]; !ok {
		p.fail(join(path, "amount"), "missing")
	} else {
		// The listing contract writes amounts as strings ("199.00");
		// a JSON number is accepted too, read from its exact text.
		var text string
		var num json.Number
		if strictUnmarshal(raw, &text) != nil && strictUnmarshal(raw, &num) == nil {
			text = num.String()
		}
		if a, err := catalog.ParseAmount(text); err != nil {
			p.fail(join(path, "amount"), `want a decimal such as "199.00": %v`, err)
		} else if a == 0 {
			p.fail(join(path, "amount"), "want a positive amount")
		} else {
			rp.Price.Amount = a
		}
	}
	if raw, ok := m["currency"]; !ok {
		p.fail(join(path, "currency"), "missing")
	} else if s, ok := p.str(join(path, "currency"), raw); ok {
		if !catalog.ValidCurrency(s) {
			p.fail(join(path, "currency"), "want an ISO 4217 code such as CNY, got %q", s)
		}
		rp.Price.Currency = s
	}
	return rp, len(p.errs) == before
}

func (p *profileParser) images(path string, raw json.RawMessage) []ImageRef {
	var out []ImageRef
	for j, e := range p.array(path, raw) {
		ip := index(path, j)
		m := p.object(ip, e, "id", "pdq", "quality", "path")
		if m == nil {
			continue
		}
		var ref ImageRef
		if raw, ok := m["id"]; ok {
			ref.ID, _ = p.str(join(ip, "id"), raw)
		}
		if raw, ok := m["pdq"]; ok {
			if s, ok := p.str(join(ip, "pdq"), raw); ok {
				if _, err := pdq.ParseHash(s); err != nil {
					p.fail(join(ip, "pdq"), "want 64 hex digits")
				}
				ref.PDQ = s
			}
		}
		if raw, ok := m["quality"]; ok {
			var q int
			if err := strictUnmarshal(raw, &q); err != nil || q < 0 || q > 100 {
				p.fail(join(ip, "quality"), "want an integer 0..100")
			}
			ref.Quality = q
		}
		if raw, ok := m["path"]; ok {
			ref.Path, _ = p.str(join(ip, "path"), raw)
		}
		if (ref.PDQ == "") == (ref.Path == "") {
			p.fail(ip, "want exactly one of pdq or path")
		}
		out = append(out, ref)
	}
	return out
}

// WriteJSON writes the profile in the format ParseProfile reads, indented,
// with brands in their order and slang languages sorted. A nil Slang is
// written as the default slang lists so the file shows what detection uses.
func (p *Profile) WriteJSON(w io.Writer) error {
	type price struct {
		Category string `json:"category"`
		Amount   string `json:"amount"`
		Currency string `json:"currency"`
	}
	type brand struct {
		ID                string     `json:"id"`
		Names             []string   `json:"names"`
		ReferencePrices   []price    `json:"reference_prices,omitempty"`
		AuthorizedSellers []string   `json:"authorized_sellers,omitempty"`
		ReferenceImages   []ImageRef `json:"reference_images,omitempty"`
		NegativeImages    []ImageRef `json:"negative_images,omitempty"`
	}
	doc := struct {
		Version int                 `json:"version"`
		Brands  []brand             `json:"brands"`
		Slang   map[string][]string `json:"slang"`
	}{Version: ProfileVersion, Brands: []brand{}, Slang: p.Slang}
	if doc.Slang == nil {
		doc.Slang = DefaultSlang()
	}
	for _, b := range p.Brands {
		out := brand{ID: b.ID, Names: b.Names, AuthorizedSellers: b.AuthorizedSellers,
			ReferenceImages: b.ReferenceImages, NegativeImages: b.NegativeImages}
		for _, rp := range b.ReferencePrices {
			out.ReferencePrices = append(out.ReferencePrices, price{Category: rp.Category,
				Amount: rp.Price.String(), Currency: rp.Price.Currency})
		}
		doc.Brands = append(doc.Brands, out)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	return nil
}
