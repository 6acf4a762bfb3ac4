// Package registry is the domain of who is who and who owns what: tenant
// organisations and their qualification review (资质审核), agents'
// authorisations, and the IP rights kept on file (权属备案) with their
// verification. It is pure: validation and state transitions, no I/O, the
// time is passed in.
package registry

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
)

// OrgKind is the kind of a tenant organisation.
type OrgKind string

// Organisation kinds.
const (
	KindPlatform     OrgKind = "platform"      // the marketplace operator
	KindRightsHolder OrgKind = "rights_holder" // a brand or other IP owner
	KindAgent        OrgKind = "agent"         // a law firm or brand-protection company
	KindSeller       OrgKind = "seller"        // synced from the marketplace
	KindAgency       OrgKind = "agency"        // police or a market regulator
)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	switch k {
	case KindPlatform, KindRightsHolder, KindAgent, KindSeller, KindAgency:
		return true
	}
	return false
}

// SelfRegistered reports whether organisations of this kind register
// themselves and go through qualification review.
func (k OrgKind) SelfRegistered() bool { return k == KindRightsHolder || k == KindAgent }

// OrgState is the qualification-review state of an organisation.
type OrgState string

// Organisation states: draft → submitted → verified | rejected (fix and
// resubmit) ; verified ⇄ suspended.
const (
	OrgDraft     OrgState = "draft"
	OrgSubmitted OrgState = "submitted"
	OrgVerified  OrgState = "verified"
	OrgRejected  OrgState = "rejected"
	OrgSuspended OrgState = "suspended"
)

// DocRole says what a document attached to an organisation or right proves.
type DocRole string

// Document roles.
const (
	DocBusinessLicence     DocRole = "business_licence"
	DocRepresentativeID    DocRole = "representative_id"
	DocCertificate         DocRole = "certificate"
	DocMarkImage           DocRole = "mark_image"
	DocSample              DocRole = "sample"
	DocAuthorizationLetter DocRole = "authorization_letter"
	DocOther               DocRole = "other"
)

// DocRef attaches an evidence document, with the content hash recorded at the
// time of attachment so the file can be proven unchanged.
type DocRef struct {
	Role       DocRole `json:"role"`
	DocumentID string  `json:"document_id"`
	SHA256     string  `json:"sha256"`
}

// Contact is the person an organisation names for IP matters.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

// Organisation is a tenant.
type Organisation struct {
	ID                 string    `json:"id"`
	Kind               OrgKind   `json:"kind"`
	LegalName          string    `json:"legal_name"`
	Country            string    `json:"country"`
	RegistrationNumber string    `json:"registration_number"`
	Address            string    `json:"address"`
	Contact            Contact   `json:"contact"`
	State              OrgState  `json:"state"`
	Reason             string    `json:"reason,omitempty"` // reason of the last rejection or suspension
	Documents          []DocRef  `json:"documents"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	SubmittedAt        time.Time `json:"submitted_at,omitzero"`
	ReviewedAt         time.Time `json:"reviewed_at,omitzero"`
	ReviewedBy         string    `json:"reviewed_by,omitempty"`
}

// OrgDetails are the fields an organisation fills in and may change while in
// draft or rejected.
type OrgDetails struct {
	LegalName          string
	Country            string
	RegistrationNumber string
	Address            string
	Contact            Contact
}

// Validate checks the details; prefix names the JSON object they came in.
func (d OrgDetails) Validate(prefix string) *fault.Invalid {
	v := new(fault.Invalid)
	text(v, prefix+"legal_name", d.LegalName, 2, 200, true)
	if !ValidCountry(d.Country) {
		v.Add(prefix+"country", "must be an ISO 3166-1 alpha-2 country code such as CN, US or DE")
	}
	text(v, prefix+"registration_number", d.RegistrationNumber, 3, 64, true)
	text(v, prefix+"address", d.Address, 5, 500, true)
	text(v, prefix+"contact.name", d.Contact.Name, 1, 100, true)
	if a, err := mail.ParseAddress(d.Contact.Email); err != nil || a.Address != d.Contact.Email {
		v.Add(prefix+"contact.email", "must be an e-mail address such as ip@example.com")
	}
	text(v, prefix+"contact.phone", d.Contact.Phone, 0, 40, false)
	return v
}

// NewOrganisation starts an organisation of the given kind. Self-registered
// kinds start in draft; others (created by the platform) start verified.
func NewOrganisation(id string, kind OrgKind, d OrgDetails, now time.Time) (Organisation, error) {
	v := new(fault.Invalid)
	if !kind.Valid() {
		v.Add("kind", "must be one of platform, rights_holder, agent, seller, agency")
	}
	if kind.SelfRegistered() {
		v.Fields = append(v.Fields, d.Validate("").Fields...)
	} else {
		text(v, "legal_name", d.LegalName, 1, 200, true)
		if d.Country != "" && !ValidCountry(d.Country) {
			v.Add("country", "must be an ISO 3166-1 alpha-2 country code such as CN, US or DE")
		}
	}
	if err := v.Err(); err != nil {
		return Organisation{}, err
	}
	o := Organisation{ID: id, Kind: kind, State: OrgVerified, CreatedAt: now, UpdatedAt: now, Documents: []DocRef{}}
	o.apply(d)
	if kind.SelfRegistered() {
		o.State = OrgDraft
	}
	return o, nil
}

func (o *Organisation) apply(d OrgDetails) {
	o.LegalName = strings.TrimSpace(d.LegalName)
	o.Country = strings.ToUpper(d.Country)
	o.RegistrationNumber = strings.TrimSpace(d.RegistrationNumber)
	o.Address = strings.TrimSpace(d.Address)
	o.Contact = d.Contact
}

// Details returns the editable fields.
func (o Organisation) Details() OrgDetails {
	return OrgDetails{o.LegalName, o.Country, o.RegistrationNumber, o.Address, o.Contact}
}

// Editable reports whether the organisation's details and documents may change.
func (o Organisation) Editable() bool {
	return o.State == OrgDraft || o.State == OrgRejected || !o.Kind.SelfRegistered()
}

// Update replaces the details while the organisation is editable.
func (o Organisation) Update(d OrgDetails, now time.Time) (Organisation, error) {
	if !o.Editable() {
		return o, fault.New(fault.ErrState, "organisation is %s; details can change only in draft or after a rejection", o.State)
	}
	if err := d.Validate("").Err(); err != nil && o.Kind.SelfRegistered() {
		return o, err
	}
	o.apply(d)
	o.UpdatedAt = now
	return o, nil
}

// AttachDocuments adds documents while the organisation is editable.
func (o Organisation) AttachDocuments(refs []DocRef, now time.Time) (Organisation, error) {
	if !o.Editable() {
		return o, fault.New(fault.ErrState, "organisation is %s; documents can change only in draft or after a rejection", o.State)
	}
	v := new(fault.Invalid)
	for i, r := range refs {
		if r.Role != DocBusinessLicence && r.Role != DocRepresentativeID && r.Role != DocOther {
			v.Add(fmt.Sprintf("documents[%d].role", i), "must be business_licence, representative_id or other")
		}
	}
	if err := v.Err(); err != nil {
		return o, err
	}
	o.Documents = append(append([]DocRef{}, o.Documents...), refs...)
	o.UpdatedAt = now
	return o, nil
}

// Submit sends a draft or rejected organisation for qualification review.
// It needs complete details, a business licence and the representative's
// identity document.
func (o Organisation) Submit(now time.Time) (Organisation, error) {
	if !o.Kind.SelfRegistered() {
		return o, fault.New(fault.ErrState, "%s organisations are not reviewed", o.Kind)
	}
	if o.State != OrgDraft && o.State != OrgRejected {
		return o, fault.New(fault.ErrState, "organisation is %s; only a draft or a rejected organisation can be submitted", o.State)
	}
	v := o.Details().Validate("")
	if !o.hasDoc(DocBusinessLicence) {
		v.Add("documents", "attach the business licence (role business_licence) before submitting")
	}
	if !o.hasDoc(DocRepresentativeID) {
		v.Add("documents", "attach the identity document of the representative (role representative_id) before submitting")
	}
	if err := v.Err(); err != nil {
		return o, err
	}
	o.State, o.SubmittedAt, o.UpdatedAt, o.Reason = OrgSubmitted, now, now, ""
	return o, nil
}

func (o Organisation) hasDoc(r DocRole) bool {
	for _, d := range o.Documents {
		if d.Role == r {
			return true
		}
	}
	return false
}

// Decision is a reviewer's verdict.
type Decision string

// Review decisions.
const (
	Verify Decision = "verify"
	Reject Decision = "reject"
)

// checkDecision validates a review decision and its reason.
func checkDecision(d Decision, reason string) error {
	v := new(fault.Invalid)
	switch d {
	case Verify:
	case Reject:
		if strings.TrimSpace(reason) == "" {
			v.Add("reason", "say why it is rejected, so the applicant can fix it")
		}
	default:
		v.Add("decision", `must be "verify" or "reject"`)
	}
	if len(reason) > 2000 {
		v.Add("reason", "must be at most 2000 characters")
	}
	return v.Err()
}

// Review records a reviewer's decision on a submitted organisation.
func (o Organisation) Review(d Decision, reason, reviewerID string, now time.Time) (Organisation, error) {
	if err := checkDecision(d, reason); err != nil {
		return o, err
	}
	if o.State != OrgSubmitted {
		return o, fault.New(fault.ErrState, "organisation is %s; only a submitted organisation can be reviewed", o.State)
	}
	o.State = OrgVerified
	if d == Reject {
		o.State = OrgRejected
	}
	o.Reason, o.ReviewedBy, o.ReviewedAt, o.UpdatedAt = strings.TrimSpace(reason), reviewerID, now, now
	return o, nil
}

// Suspend takes a verified organisation out of service; Reinstate brings it back.
func (o Organisation) Suspend(reason string, now time.Time) (Organisation, error) {
	if o.State != OrgVerified {
		return o, fault.New(fault.ErrState, "organisation is %s; only a verified organisation can be suspended", o.State)
	}
	if strings.TrimSpace(reason) == "" {
		return o, fault.InvalidField("reason", "say why the organisation is suspended")
	}
	o.State, o.Reason, o.UpdatedAt = OrgSuspended, reason, now
	return o, nil
}

// Reinstate returns a suspended organisation to verified.
func (o Organisation) Reinstate(now time.Time) (Organisation, error) {
	if o.State != OrgSuspended {
		return o, fault.New(fault.ErrState, "organisation is %s; only a suspended organisation can be reinstated", o.State)
	}
	o.State, o.Reason, o.UpdatedAt = OrgVerified, "", now
	return o, nil
}

func text(v *fault.Invalid, field, s string, minLen, maxLen int, required bool) {
	n := len([]rune(strings.TrimSpace(s)))
	switch {
	case n == 0 && required:
		v.Add(field, "is required")
	case n == 0:
	case n < minLen:
		v.Add(field, "must be at least %d characters", minLen)
	case n > maxLen:
		v.Add(field, "must be at most %d characters", maxLen)
	}
}
