package registry

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
)

// RightType is the kind of an IP right.
type RightType string

// Right types.
const (
	Trademark RightType = "trademark"
	Copyright RightType = "copyright"
	Patent    RightType = "patent"
)

// PatentKind distinguishes the three kinds of patent (CN practice; a US
// design patent is a design, a US utility patent an invention).
type PatentKind string

// Patent kinds.
const (
	PatentInvention    PatentKind = "invention"
	PatentUtilityModel PatentKind = "utility_model"
	PatentDesign       PatentKind = "design"
)

// RightState is the verification state of a right on file.
type RightState string

// Right states: submitted → verified | rejected (fix and resubmit);
// verified → revoked (invalidated, transferred, or withdrawn by its owner).
const (
	RightSubmitted RightState = "submitted"
	RightVerified  RightState = "verified"
	RightRejected  RightState = "rejected"
	RightRevoked   RightState = "revoked"
)

// Offices maps the IP offices dajia knows to the territories where a right
// they register is valid. WIPO (Madrid/Hague) and other multi-country
// registrations list their designated territories on the right itself.
var Offices = map[string][]string{
	"CNIPA": {"CN"}, "USPTO": {"US"}, "EUIPO": EUMembers, "UKIPO": {"GB"}, "JPO": {"JP"}, "KIPO": {"KR"},
	"TIPO": {"TW"}, "IPD-HK": {"HK"}, "IPOS": {"SG"}, "IPA": {"AU"}, "CIPO": {"CA"}, "INPI-FR": {"FR"},
	"DPMA": {"DE"}, "UIBM": {"IT"}, "OEPM": {"ES"}, "BOIP": {"BE", "NL", "LU"}, "WIPO": nil, "NCAC": {"CN"},
	"USCO": {"US"},
}

// Trademark details.
type TrademarkDetails struct {
	Office             string  `json:"office"`
	RegistrationNumber string  `json:"registration_number"`
	MarkText           string  `json:"mark_text,omitempty"`
	MarkImage          *DocRef `json:"mark_image,omitempty"`
	NiceClasses        []int   `json:"nice_classes"`
	Goods              string  `json:"goods,omitempty"`
	RegisteredOn       Date    `json:"registered_on"`
	ExpiresOn          Date    `json:"expires_on"`
}

// CopyrightDetails describe a work.
type CopyrightDetails struct {
	WorkTitle          string  `json:"work_title"`
	WorkType           string  `json:"work_type"` // e.g. artwork, photograph, text, software, film, music
	RegistrationNumber string  `json:"registration_number,omitempty"`
	Office             string  `json:"office,omitempty"` // e.g. NCAC (中国版权保护中心), USCO
	Sample             *DocRef `json:"sample,omitempty"`
	CreatedOn          Date    `json:"created_on,omitzero"`
}

// PatentDetails describe a patent.
type PatentDetails struct {
	Kind      PatentKind `json:"kind"`
	Office    string     `json:"office"`
	Number    string     `json:"number"`
	Title     string     `json:"title"`
	FiledOn   Date       `json:"filed_on"`
	GrantedOn Date       `json:"granted_on"`
	ExpiresOn Date       `json:"expires_on"`
}

// Right is an IP right kept on file.
type Right struct {
	ID           string            `json:"id"`
	OwnerOrgID   string            `json:"owner_org_id"`
	Type         RightType         `json:"type"`
	Trademark    *TrademarkDetails `json:"trademark,omitempty"`
	Copyright    *CopyrightDetails `json:"copyright,omitempty"`
	Patent       *PatentDetails    `json:"patent,omitempty"`
	Territories  []string          `json:"territories"`
	Certificates []DocRef          `json:"certificates"`
	State        RightState        `json:"state"`
	Reason       string            `json:"reason,omitempty"`
	ReviewedBy   string            `json:"reviewed_by,omitempty"`
	ReviewedAt   time.Time         `json:"reviewed_at,omitzero"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// RightInput is what an owner files.
type RightInput struct {
	Type         RightType
	Trademark    *TrademarkDetails
	Copyright    *CopyrightDetails
	Patent       *PatentDetails
	Territories  []string
	Certificates []DocRef
}

var regNumber = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} ./\-]{0,63}$`)

// Validate checks a filing.
func (in RightInput) Validate() *fault.Invalid {
	v := new(fault.Invalid)
	set := 0
	for _, p := range []bool{in.Trademark != nil, in.Copyright != nil, in.Patent != nil} {
		if p {
			set++
		}
	}
	switch in.Type {
	case Trademark:
		if in.Trademark == nil || set != 1 {
			v.Add("trademark", "a trademark right needs the trademark object and no other details")
			break
		}
		t := in.Trademark
		checkOffice(v, "trademark.office", t.Office, true)
		if !regNumber.MatchString(t.RegistrationNumber) {
			v.Add("trademark.registration_number", "is required: letters, digits, spaces, dots, dashes or slashes, up to 64")
		}
		if strings.TrimSpace(t.MarkText) == "" && t.MarkImage == nil {
			v.Add("trademark.mark_text", "give the mark text, a mark image, or both")
		}
		if len([]rune(t.MarkText)) > 200 {
			v.Add("trademark.mark_text", "must be at most 200 characters")
		}
		if len(t.NiceClasses) == 0 {
			v.Add("trademark.nice_classes", "list at least one Nice class (1 to 45)")
		}
		for i, c := range t.NiceClasses {
			if c < 1 || c > 45 {
				v.Add(fmt.Sprintf("trademark.nice_classes[%d]", i), "%d is not a Nice class; classes run from 1 to 45", c)
			}
		}
		if len(t.Goods) > 4000 {
			v.Add("trademark.goods", "must be at most 4000 characters")
		}
		checkDates(v, "trademark.registered_on", t.RegisteredOn, "trademark.expires_on", t.ExpiresOn)
	case Copyright:
		if in.Copyright == nil || set != 1 {
			v.Add("copyright", "a copyright needs the copyright object and no other details")
			break
		}
		c := in.Copyright
		text(v, "copyright.work_title", c.WorkTitle, 1, 300, true)
		text(v, "copyright.work_type", c.WorkType, 1, 50, true)
		if c.RegistrationNumber != "" && !regNumber.MatchString(c.RegistrationNumber) {
			v.Add("copyright.registration_number", "letters, digits, spaces, dots, dashes or slashes, up to 64")
		}
		checkOffice(v, "copyright.office", c.Office, false)
	case Patent:
		if in.Patent == nil || set != 1 {
			v.Add("patent", "a patent needs the patent object and no other details")
			break
		}
		p := in.Patent
		switch p.Kind {
		case PatentInvention, PatentUtilityModel, PatentDesign:
		default:
			v.Add("patent.kind", "must be invention, utility_model or design")
		}
		checkOffice(v, "patent.office", p.Office, true)
		if !regNumber.MatchString(p.Number) {
			v.Add("patent.number", "is required: letters, digits, spaces, dots, dashes or slashes, up to 64")
		}
		text(v, "patent.title", p.Title, 1, 300, true)
		checkDates(v, "patent.granted_on", p.GrantedOn, "patent.expires_on", p.ExpiresOn)
	default:
		v.Add("type", "must be trademark, copyright or patent")
	}
	for i, t := range in.Territories {
		if !ValidCountry(t) {
			v.Add(fmt.Sprintf("territories[%d]", i), "must be an ISO 3166-1 alpha-2 country code")
		}
	}
	if in.Type != Copyright && len(in.Certificates) == 0 {
		v.Add("certificates", "attach the registration certificate")
	}
	return v
}

func checkOffice(v *fault.Invalid, field, office string, required bool) {
	if office == "" && !required {
		return
	}
	if _, ok := Offices[office]; !ok {
		names := make([]string, 0, len(Offices))
		for k := range Offices {
			names = append(names, k)
		}
		slices.Sort(names)
		v.Add(field, "must be one of %s", strings.Join(names, ", "))
	}
}

func checkDates(v *fault.Invalid, fromField string, from Date, toField string, to Date) {
	if from.IsZero() {
		v.Add(fromField, "is required (YYYY-MM-DD)")
	}
	if to.IsZero() {
		v.Add(toField, "is required (YYYY-MM-DD)")
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		v.Add(toField, "must be after %s", fromField)
	}
}

// NewRight files a right for an owner organisation; it waits for review.
func NewRight(id, ownerOrgID string, in RightInput, now time.Time) (Right, error) {
	if err := in.Validate().Err(); err != nil {
		return Right{}, err
	}
	r := Right{ID: id, OwnerOrgID: ownerOrgID, Type: in.Type, Trademark: in.Trademark, Copyright: in.Copyright,
		Patent: in.Patent, Certificates: in.Certificates, State: RightSubmitted, CreatedAt: now, UpdatedAt: now}
	if r.Certificates == nil {
		r.Certificates = []DocRef{}
	}
	r.Territories = territories(in)
	return r, nil
}

func territories(in RightInput) []string {
	var out []string
	for _, t := range in.Territories {
		out = append(out, strings.ToUpper(t))
	}
	if len(out) == 0 {
		office := ""
		switch {
		case in.Trademark != nil:
			office = in.Trademark.Office
		case in.Patent != nil:
			office = in.Patent.Office
		case in.Copyright != nil:
			// Copyright arises without registration and is protected across Berne members.
			return []string{"*"}
		}
		out = append(out, Offices[office]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RegistrationKey identifies the registration a right claims: office and
// number. Two live rights cannot claim the same registration.
func (r Right) RegistrationKey() (office, number string) {
	switch {
	case r.Trademark != nil:
		return r.Trademark.Office, normNumber(r.Trademark.RegistrationNumber)
	case r.Patent != nil:
		return r.Patent.Office, normNumber(r.Patent.Number)
	case r.Copyright != nil && r.Copyright.RegistrationNumber != "":
		return r.Copyright.Office, normNumber(r.Copyright.RegistrationNumber)
	}
	return "", ""
}

func normNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ExpiresOn is the last day of protection, or the zero Date if none is recorded.
func (r Right) ExpiresOn() Date {
	switch {
	case r.Trademark != nil:
		return r.Trademark.ExpiresOn
	case r.Patent != nil:
		return r.Patent.ExpiresOn
	}
	return Date{}
}

// Label is a short human description such as "trademark NIKE (USPTO 1234567)".
func (r Right) Label() string {
	switch {
	case r.Trademark != nil:
		return fmt.Sprintf("trademark %s (%s %s)", r.Trademark.MarkText, r.Trademark.Office, r.Trademark.RegistrationNumber)
	case r.Patent != nil:
		return fmt.Sprintf("%s patent %s (%s %s)", r.Patent.Kind, r.Patent.Title, r.Patent.Office, r.Patent.Number)
	case r.Copyright != nil:
		return fmt.Sprintf("copyright %s", r.Copyright.WorkTitle)
	}
	return string(r.Type)
}

// Expired reports whether protection has ended before the instant at (the
// expiry date itself still counts as protected, in UTC+14 terms: dajia keeps a
// right usable until the expiry day has ended everywhere).
func (r Right) Expired(at time.Time) bool {
	exp := r.ExpiresOn()
	if exp.IsZero() {
		return false
	}
	return !at.Before(exp.EndOfDayAnywhere())
}

// Usability explains whether a right can be cited in a notice.
type Usability struct {
	Usable bool   `json:"usable"`
	Reason string `json:"reason,omitempty"`
}

// Usable is the one rule for citing a right: it is verified, not expired,
// and its owner organisation is verified.
func (r Right) Usable(at time.Time, owner Organisation) Usability {
	switch {
	case owner.ID != r.OwnerOrgID:
		return Usability{Reason: "owner organisation does not match"}
	case r.State != RightVerified:
		return Usability{Reason: "right is " + string(r.State) + ", not verified"}
	case r.Expired(at):
		return Usability{Reason: "right expired on " + r.ExpiresOn().String()}
	case owner.State != OrgVerified:
		return Usability{Reason: "owner organisation is " + string(owner.State) + ", not verified"}
	}
	return Usability{Usable: true}
}

// ExpiresWithin reports whether the right is still protected at `at` but
// will expire within d (owners are warned 90 days ahead).
func (r Right) ExpiresWithin(at time.Time, d time.Duration) bool {
	exp := r.ExpiresOn()
	return !exp.IsZero() && !r.Expired(at) && exp.EndOfDayAnywhere().Before(at.Add(d))
}

// ExpiryWarning is how far ahead owners are told that a right expires.
const ExpiryWarning = 90 * 24 * time.Hour

// Review records a reviewer's decision on a submitted right.
func (r Right) Review(d Decision, reason, reviewerID string, now time.Time) (Right, error) {
	if err := checkDecision(d, reason); err != nil {
		return r, err
	}
	if r.State != RightSubmitted {
		return r, fault.New(fault.ErrState, "right is %s; only a submitted right can be reviewed", r.State)
	}
	r.State = RightVerified
	if d == Reject {
		r.State = RightRejected
	}
	r.Reason, r.ReviewedBy, r.ReviewedAt, r.UpdatedAt = strings.TrimSpace(reason), reviewerID, now, now
	return r, nil
}

// Resubmit replaces the details of a rejected right and sends it back for review.
func (r Right) Resubmit(in RightInput, now time.Time) (Right, error) {
	if r.State != RightRejected && r.State != RightSubmitted {
		return r, fault.New(fault.ErrState, "right is %s; only a submitted or rejected right can be changed", r.State)
	}
	if in.Type != r.Type {
		return r, fault.InvalidField("type", "cannot change the type of a right; file a new one")
	}
	n, err := NewRight(r.ID, r.OwnerOrgID, in, now)
	if err != nil {
		return r, err
	}
	n.CreatedAt = r.CreatedAt
	return n, nil
}

// Revoke takes a verified right off file (invalidated, transferred or withdrawn).
func (r Right) Revoke(reason string, now time.Time) (Right, error) {
	if r.State != RightVerified {
		return r, fault.New(fault.ErrState, "right is %s; only a verified right can be revoked", r.State)
	}
	if strings.TrimSpace(reason) == "" {
		return r, fault.InvalidField("reason", "say why the right is revoked")
	}
	r.State, r.Reason, r.UpdatedAt = RightRevoked, reason, now
	return r, nil
}
