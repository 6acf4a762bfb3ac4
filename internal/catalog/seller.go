package catalog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

// IdentifierKind names a kind of seller identifier used to link sellers
// into networks.
type IdentifierKind string

// Identifier kinds.
const (
	Phone       IdentifierKind = "phone"
	IDNumber    IdentifierKind = "id_number"
	BankAccount IdentifierKind = "bank_account"
	Address     IdentifierKind = "address"
	Device      IdentifierKind = "device"
)

// IdentifierKinds lists every kind, in a fixed order.
var IdentifierKinds = []IdentifierKind{Phone, IDNumber, BankAccount, Address, Device}

const maxIdentifier = 500 // characters

// Identifiers are a seller's raw identifiers as the marketplace sends them.
// dajia never stores them: NewSeller keeps only keyed hashes.
type Identifiers struct {
	Phone       string `json:"phone,omitempty"`
	IDNumber    string `json:"id_number,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
	Address     string `json:"address,omitempty"`
	Device      string `json:"device,omitempty"`
}

func (ids Identifiers) get(k IdentifierKind) string {
	switch k {
	case Phone:
		return ids.Phone
	case IDNumber:
		return ids.IDNumber
	case BankAccount:
		return ids.BankAccount
	case Address:
		return ids.Address
	case Device:
		return ids.Device
	}
	return ""
}

// SellerInput is a seller as the marketplace sends it.
type SellerInput struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Country      string      `json:"country"`
	Region       string      `json:"region,omitempty"`
	RegisteredAt time.Time   `json:"registered_at,omitzero"`
	Identifiers  Identifiers `json:"identifiers,omitzero"`
}

// Seller is a marketplace seller as dajia keeps it. Its identifiers exist
// only as keyed hashes (HMAC-SHA256 with a server secret over the
// normalised value), enough to find sellers sharing a phone or a bank
// account, useless to anyone without the key. Raw values are not stored in
// this version; when a liaison's case needs them they will be requested
// from the marketplace for that case.
type Seller struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Country      string    `json:"country"`
	Region       string    `json:"region,omitempty"`
	RegisteredAt time.Time `json:"registered_at,omitzero"`
	// IdentifierHashes maps each identifier the marketplace sent to its
	// keyed hash (hex).
	IdentifierHashes map[IdentifierKind]string `json:"identifier_hashes,omitempty"`
	// OrgID is the dajia seller organisation whose users act for this
	// seller (created on first sight).
	OrgID     string    `json:"org_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NewSeller validates a seller from the marketplace and hashes its
// identifiers with key. The caller sets OrgID and the timestamps.
func NewSeller(in SellerInput, key []byte) (Seller, error) {
	if len(key) < 16 {
		return Seller{}, errors.New("identifier key is missing or shorter than 16 bytes")
	}
	v := new(fault.Invalid)
	if !ValidID(in.ID) {
		v.Add("id", "must be 1 to %d letters, digits or . _ : - (the marketplace's own id)", maxIDLen)
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxShortText {
		v.Add("name", "is required, at most %d characters", maxShortText)
	}
	country := strings.ToUpper(in.Country)
	if !registry.ValidCountry(country) {
		v.Add("country", "must be an ISO 3166-1 alpha-2 country code such as CN, US or DE")
	}
	region := strings.ToUpper(in.Region)
	if msg := checkRegion(country, region); msg != "" {
		v.Add("region", "%s", msg)
	}
	hashes := map[IdentifierKind]string{}
	for _, k := range IdentifierKinds {
		raw := in.Identifiers.get(k)
		if raw == "" {
			continue
		}
		norm, err := NormalizeIdentifier(k, raw, country)
		if err != nil {
			v.Add("identifiers."+string(k), "%s", err.Error())
			continue
		}
		hashes[k] = HashIdentifier(key, k, norm)
	}
	if err := v.Err(); err != nil {
		return Seller{}, err
	}
	if len(hashes) == 0 {
		hashes = nil
	}
	return Seller{ID: in.ID, Name: name, Country: country, Region: region, RegisteredAt: in.RegisteredAt.UTC().Truncate(time.Microsecond),
		IdentifierHashes: hashes}, nil
}

// SameContent reports whether two sellers say the same (ignoring the
// organisation link and timestamps).
func (s Seller) SameContent(o Seller) bool {
	return s.ID == o.ID && s.Name == o.Name && s.Country == o.Country && s.Region == o.Region &&
		s.RegisteredAt.Equal(o.RegisteredAt) && maps.Equal(s.IdentifierHashes, o.IdentifierHashes)
}

// HashIdentifier is the keyed hash of a normalised identifier: hex
// HMAC-SHA256(key, kind || 0x00 || value). The kind is part of the message
// so that equal strings of different kinds never collide.
func HashIdentifier(key []byte, k IdentifierKind, normalized string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(k))
	m.Write([]byte{0})
	m.Write([]byte(normalized))
	return hex.EncodeToString(m.Sum(nil))
}

// NormalizeIdentifier puts an identifier in the one form that is hashed, so
// that the same phone or address written two ways links the same sellers:
//   - phone: the digits with the country calling code (E.164 without "+");
//     a number without "+" or "00" is read in the seller's country, dropping
//     a national trunk "0" (except in Italy);
//   - id_number, bank_account: upper-cased, spaces and hyphens removed;
//   - address: whitespace collapsed to single spaces, lower-cased;
//   - device: trimmed, lower-cased.
func NormalizeIdentifier(k IdentifierKind, raw, country string) (string, error) {
	if utf8.RuneCountInString(raw) > maxIdentifier {
		return "", errors.New("is too long")
	}
	var s string
	switch k {
	case Phone:
		return normalizePhone(raw, country)
	case IDNumber, BankAccount:
		s = strings.ToUpper(strings.Map(func(r rune) rune {
			if r == '-' || r == ' ' || r == '\t' || r == '\u3000' {
				return -1
			}
			return r
		}, raw))
	case Address:
		s = strings.ToLower(strings.Join(strings.Fields(raw), " "))
	case Device:
		s = strings.ToLower(strings.TrimSpace(raw))
	default:
		return "", errors.New("is not a kind of identifier dajia knows")
	}
	if s == "" {
		return "", errors.New("is empty once normalised")
	}
	return s, nil
}

// callingCodes are the country calling codes of the countries whose
// sellers may give phones in national form; others must give "+…".
var callingCodes = map[string]string{
	"CN": "86", "HK": "852", "MO": "853", "TW": "886", "US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33",
	"IT": "39", "ES": "34", "NL": "31", "BE": "32", "AT": "43", "CH": "41", "SE": "46", "PL": "48", "PT": "351",
	"IE": "353", "DK": "45", "FI": "358", "NO": "47", "CZ": "420", "GR": "30", "HU": "36", "RO": "40", "BG": "359",
	"JP": "81", "KR": "82", "SG": "65", "MY": "60", "TH": "66", "VN": "84", "ID": "62", "PH": "63", "IN": "91",
	"PK": "92", "BD": "880", "AU": "61", "NZ": "64", "RU": "7", "UA": "380", "TR": "90", "AE": "971", "SA": "966",
	"IL": "972", "EG": "20", "ZA": "27", "NG": "234", "KE": "254", "BR": "55", "MX": "52", "AR": "54", "CL": "56",
	"CO": "57", "PE": "51",
}

func normalizePhone(raw, country string) (string, error) {
	s := strings.TrimSpace(raw)
	intl := strings.HasPrefix(s, "+")
	var digits strings.Builder
	for _, r := range strings.TrimPrefix(s, "+") {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		default:
			return "", errors.New("must be a phone number: digits, optionally with + and separators")
		}
	}
	d := digits.String()
	if !intl && strings.HasPrefix(d, "00") {
		intl, d = true, d[2:]
	}
	// Chinese data often carries the 86 prefix without "+".
	if !intl && country == "CN" && len(d) == 13 && strings.HasPrefix(d, "861") {
		intl = true
	}
	if !intl {
		cc, ok := callingCodes[country]
		if !ok {
			return "", errors.New("give the number with its country code, such as +44 20 7946 0000")
		}
		if country != "IT" {
			d = strings.TrimPrefix(d, "0")
		}
		d = cc + d
	}
	if len(d) < 7 || len(d) > 15 {
		return "", errors.New("must have 7 to 15 digits including the country code")
	}
	return d, nil
}
