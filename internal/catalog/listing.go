// Package catalog is the marketplace's catalogue as dajia sees it: listings
// and sellers exactly as the marketplace sends them (DESIGN.md, "Contracts
// with the outside"), validated with field-named errors, prices as exact
// decimals, and a listing's history kept as versions — what a listing said
// when it was reported is evidence.
//
// A listing's content is its canonical JSON document: the fields the
// contract names, normalised where that is lossless (currency and country
// codes upper-cased, the amount printed canonically, updated_at in UTC),
// plus every field the contract does not name, kept as sent (unknown fields
// are attributes, not errors). Its content hash covers everything but
// updated_at, so an identical re-send is recognised as such whatever its
// timestamp. The package is pure: no clock, no I/O.
package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dajia-project/dajia/internal/fault"
)

// MaxListingBytes is the largest listing document accepted, alone or as one
// NDJSON line.
const MaxListingBytes = 1 << 20

// Limits on a listing's fields.
const (
	maxIDLen          = 128
	maxTitle          = 1000    // characters
	maxDescription    = 200_000 // bytes
	maxShortText      = 200     // characters: category, brand, city
	maxURL            = 2048
	maxImages         = 100
	maxAttributes     = 200
	maxAttributeName  = 100
	maxFutureSkew     = 24 * time.Hour
	maxMarkets        = 60
	hexHashLen        = 64 // SHA-256 and PDQ (256 bits) in hex
	contractFieldList = "id, seller_id, title, description, price, category, brand, images, url, ship_from, markets, updated_at"
)

// contractFields are the top-level fields the contract names (plus markets,
// dajia's extension); every other field is an attribute.
var contractFields = strings.Split(strings.ReplaceAll(contractFieldList, " ", ""), ",")

// Image is a listing's picture as the marketplace describes it.
type Image struct {
	URL    string `json:"url"`
	SHA256 string `json:"sha256,omitempty"`
	// PDQ is the image's 256-bit PDQ perceptual hash in hex, when the
	// marketplace computed it.
	PDQ string `json:"pdq,omitempty"`
}

// Place is where goods ship from.
type Place struct {
	Country string `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Region  string `json:"region,omitempty"`  // GB/T 2260 in China, ISO 3166-2 elsewhere
	City    string `json:"city,omitempty"`
}

// Listing is one version of a marketplace listing. Build it with
// ParseListing (input) or LoadListing (stored documents); its JSON form is
// the canonical document.
type Listing struct {
	ID          string
	SellerID    string
	Title       string
	Description string
	Price       Money
	Category    string
	Brand       string
	Images      []Image
	URL         string
	ShipFrom    Place
	// Markets are the markets the listing targets, used to resolve the legal
	// policy profiles that apply to it: the explicit "markets" field (ISO
	// 3166-1 alpha-2 codes or "EU") when the marketplace sends one, else the
	// ship-from country; empty when neither is known.
	Markets   []string
	UpdatedAt time.Time
	// Attributes are the top-level fields the contract does not name, as
	// sent (numbers keep their exact text as json.Number).
	Attributes map[string]any

	doc  []byte // canonical JSON document
	hash string // content hash: SHA-256 of the document without updated_at
}

// Doc returns the canonical JSON document.
func (l Listing) Doc() []byte { return l.doc }

// ContentHash returns the hex SHA-256 of the canonical content (the
// document without updated_at).
func (l Listing) ContentHash() string { return l.hash }

// MarshalJSON renders the canonical document.
func (l Listing) MarshalJSON() ([]byte, error) {
	if l.doc == nil {
		return []byte("null"), nil
	}
	return l.doc, nil
}

// UnmarshalJSON reads a stored document (see LoadListing).
func (l *Listing) UnmarshalJSON(b []byte) error {
	v, err := LoadListing(b)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ParseListing decodes and validates a listing document as the marketplace
// sends it. now bounds updated_at (at most a day ahead, for clock skew: a
// far-future timestamp would make every later update look stale). Errors
// are *fault.Invalid naming every field at fault.
func ParseListing(data []byte, now time.Time) (Listing, error) {
	return parseListing(data, now, true)
}

// LoadListing decodes a stored canonical document without validating it
// again (rules may have tightened since it was accepted).
func LoadListing(doc []byte) (Listing, error) {
	return parseListing(doc, time.Time{}, false)
}

// ParseListingFile is ParseListing for a listings file scanned offline:
// an image's url may also be a path relative to the file, or a file:// URL.
func ParseListingFile(data []byte, now time.Time) (Listing, error) {
	return parseListingWith(data, now, &parser{v: new(fault.Invalid), strict: true, localImages: true})
}

func parseListing(data []byte, now time.Time, strict bool) (Listing, error) {
	return parseListingWith(data, now, &parser{v: new(fault.Invalid), strict: strict})
}

func parseListingWith(data []byte, now time.Time, p *parser) (Listing, error) {
	var l Listing
	tree, err := decodeObject(data)
	if err != nil {
		return l, fault.InvalidField("(json)", "%s", err.Error())
	}
	l.ID = p.id(tree, "id")
	l.SellerID = p.id(tree, "seller_id")
	l.Title = p.text(tree, "title", "title", maxTitle, true)
	l.Description = p.str(tree, "description", "description", false)
	if len(l.Description) > maxDescription {
		p.fail("description", "must be at most %d bytes", maxDescription)
	}
	l.Category = p.text(tree, "category", "category", maxShortText, false)
	l.Brand = p.text(tree, "brand", "brand", maxShortText, false)
	l.URL = p.url(tree, "url", "url", false)
	l.Price = p.price(tree)
	l.Images = p.images(tree)
	l.ShipFrom = p.place(tree)
	l.Markets = p.markets(tree, l.ShipFrom.Country)
	l.UpdatedAt = p.time(tree, "updated_at", now)
	for k, v := range tree {
		if slices.Contains(contractFields, k) {
			continue
		}
		if l.Attributes == nil {
			l.Attributes = map[string]any{}
		}
		l.Attributes[k] = v
	}
	if p.strict {
		if len(l.Attributes) > maxAttributes {
			p.fail("(attributes)", "has %d fields the contract does not name; at most %d are kept", len(l.Attributes), maxAttributes)
		}
		for k := range l.Attributes {
			if k == "" || utf8.RuneCountInString(k) > maxAttributeName {
				p.fail("(attributes)", "field names must be 1 to %d characters", maxAttributeName)
				break
			}
		}
	}
	if err := p.v.Err(); err != nil && p.strict {
		return Listing{}, err
	}
	updatedAt := tree["updated_at"]
	delete(tree, "updated_at")
	content, err := encodeCanonical(tree)
	if err != nil {
		return Listing{}, fmt.Errorf("encode listing: %w", err)
	}
	sum := sha256.Sum256(content)
	l.hash = hex.EncodeToString(sum[:])
	if updatedAt != nil {
		tree["updated_at"] = updatedAt
	}
	if l.doc, err = encodeCanonical(tree); err != nil {
		return Listing{}, fmt.Errorf("encode listing: %w", err)
	}
	return l, nil
}

// decodeObject decodes one JSON object, keeping numbers exact.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, fmt.Errorf("a listing is a JSON object, not %s", typ.Value)
		}
		return nil, fmt.Errorf("not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if tree == nil {
		return nil, fmt.Errorf("a listing is a JSON object, not null")
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	return tree, nil
}

// encodeCanonical encodes a decoded tree with sorted keys, exact numbers,
// and no HTML escaping.
func encodeCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// parser extracts typed fields from a decoded tree, recording problems by
// field name and writing normalised values back into the tree.
type parser struct {
	v      *fault.Invalid
	strict bool
	// localImages accepts image references that are file paths or file://
	// URLs (offline scans of a listings file), besides http(s) URLs.
	localImages bool
}

func (p *parser) fail(field, format string, args ...any) { p.v.Add(field, format, args...) }

// str reads an optional (or required) string; null counts as absent.
func (p *parser) str(m map[string]any, key, field string, required bool) string {
	raw, ok := m[key]
	if !ok || raw == nil {
		if required {
			p.fail(field, "is required")
		}
		return ""
	}
	s, ok := raw.(string)
	if !ok {
		p.fail(field, "must be a string")
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		p.fail(field, "is required")
	}
	return s
}

func (p *parser) text(m map[string]any, key, field string, maxChars int, required bool) string {
	s := p.str(m, key, field, required)
	if utf8.RuneCountInString(s) > maxChars {
		p.fail(field, "must be at most %d characters", maxChars)
	}
	return s
}

func (p *parser) id(m map[string]any, key string) string {
	s := p.str(m, key, key, true)
	if s != "" && !ValidID(s) {
		p.fail(key, "must be 1 to %d letters, digits or . _ : - (the marketplace's own id)", maxIDLen)
	}
	return s
}

// ValidID reports whether s can be a marketplace id for a listing or a
// seller: 1 to 128 ASCII letters, digits, '.', '_', ':' or '-' (ids appear
// in URL paths).
func ValidID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// imageRef reads an image reference of an offline file: an http(s) URL, a
// file:// URL or a relative or absolute path.
func (p *parser) imageRef(m map[string]any, field string) string {
	s := p.str(m, "url", field, true)
	if s == "" {
		return s
	}
	if len(s) > maxURL || strings.ContainsRune(s, 0) {
		p.fail(field, "must be a URL or a file path of at most %d bytes", maxURL)
	}
	return s
}

func (p *parser) url(m map[string]any, key, field string, required bool) string {
	s := p.str(m, key, field, required)
	if s == "" {
		return s
	}
	u, err := url.Parse(s)
	if len(s) > maxURL || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(field, "must be an http or https URL of at most %d bytes", maxURL)
	}
	return s
}

func (p *parser) object(m map[string]any, key, field string, required bool) map[string]any {
	raw, ok := m[key]
	if !ok || raw == nil {
		if required {
			p.fail(field, "is required")
		}
		return nil
	}
	o, ok := raw.(map[string]any)
	if !ok {
		p.fail(field, "must be an object")
		return nil
	}
	return o
}

func (p *parser) price(tree map[string]any) Money {
	var money Money
	o := p.object(tree, "price", "price", true)
	if o == nil {
		return money
	}
	var amount string
	switch v := o["amount"].(type) {
	case string:
		amount = v
	case json.Number: // a JSON number is taken exactly, by its text
		amount = v.String()
	case nil:
		p.fail("price.amount", "is required, as a decimal string such as \"199.00\"")
		return money
	default:
		p.fail("price.amount", "must be a decimal string such as \"199.00\"")
		return money
	}
	a, err := ParseAmount(amount)
	if err != nil {
		p.fail("price.amount", "%s", err.Error())
	}
	cur := strings.ToUpper(p.str(o, "currency", "price.currency", true))
	if cur != "" && !ValidCurrency(cur) {
		p.fail("price.currency", "must be an ISO 4217 code such as CNY, USD or EUR")
	}
	money = Money{Amount: a, Currency: cur}
	if err == nil && ValidCurrency(cur) {
		o["amount"], o["currency"] = money.String(), cur
	}
	return money
}

func (p *parser) images(tree map[string]any) []Image {
	raw, ok := tree["images"]
	if !ok || raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		p.fail("images", "must be an array of {url, sha256, pdq}")
		return nil
	}
	if len(list) > maxImages {
		p.fail("images", "has %d images; at most %d are accepted", len(list), maxImages)
		return nil
	}
	out := make([]Image, 0, len(list))
	for i, item := range list {
		f := fmt.Sprintf("images[%d]", i)
		o, ok := item.(map[string]any)
		if !ok {
			p.fail(f, "must be an object {url, sha256, pdq}")
			continue
		}
		var img Image
		if p.localImages {
			img.URL = p.imageRef(o, f+".url")
		} else {
			img.URL = p.url(o, "url", f+".url", true)
		}
		img.SHA256 = p.hexHash(o, "sha256", f+".sha256", "a SHA-256")
		img.PDQ = p.hexHash(o, "pdq", f+".pdq", "a 256-bit PDQ")
		out = append(out, img)
	}
	return out
}

func (p *parser) hexHash(o map[string]any, key, field, what string) string {
	s := strings.ToLower(p.str(o, key, field, false))
	if s == "" {
		return ""
	}
	if _, err := hex.DecodeString(s); err != nil || len(s) != hexHashLen {
		p.fail(field, "must be %s hash as %d hex digits", what, hexHashLen)
		return s
	}
	o[key] = s
	return s
}

func (p *parser) place(tree map[string]any) Place {
	var pl Place
	o := p.object(tree, "ship_from", "ship_from", false)
	if o == nil {
		return pl
	}
	pl.Country = strings.ToUpper(p.str(o, "country", "ship_from.country", false))
	if pl.Country != "" {
		if !validMarket(pl.Country) || pl.Country == "EU" {
			p.fail("ship_from.country", "must be an ISO 3166-1 alpha-2 country code such as CN, US or DE")
		} else {
			o["country"] = pl.Country
		}
	}
	pl.Region = strings.ToUpper(p.str(o, "region", "ship_from.region", false))
	if msg := checkRegion(pl.Country, pl.Region); msg != "" {
		p.fail("ship_from.region", "%s", msg)
	} else if pl.Region != "" {
		o["region"] = pl.Region
	}
	pl.City = p.text(o, "city", "ship_from.city", maxShortText, false)
	return pl
}

func (p *parser) markets(tree map[string]any, shipFrom string) []string {
	raw, ok := tree["markets"]
	if !ok || raw == nil {
		if shipFrom != "" {
			return []string{shipFrom}
		}
		return nil
	}
	list, ok := raw.([]any)
	if !ok || len(list) == 0 || len(list) > maxMarkets {
		p.fail("markets", "must be a list of 1 to %d ISO 3166-1 alpha-2 country codes or \"EU\"", maxMarkets)
		return nil
	}
	var out []string
	for i, item := range list {
		s, ok := item.(string)
		s = strings.ToUpper(s)
		if !ok || !validMarket(s) {
			p.fail(fmt.Sprintf("markets[%d]", i), "must be an ISO 3166-1 alpha-2 country code or \"EU\"")
			continue
		}
		out = append(out, s)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	norm := make([]any, len(out))
	for i, s := range out {
		norm[i] = s
	}
	tree["markets"] = norm
	return out
}

func (p *parser) time(tree map[string]any, key string, now time.Time) time.Time {
	s := p.str(tree, key, key, true)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.fail(key, "must be an RFC 3339 time such as 2026-11-26T08:00:00Z")
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Microsecond) // the precision stored
	if p.strict && !now.IsZero() && t.After(now.Add(maxFutureSkew)) {
		p.fail(key, "is more than a day in the future")
	}
	tree[key] = t.Format(time.RFC3339Nano)
	return t
}
