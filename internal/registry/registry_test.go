package registry

import (
	"errors"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
)

var now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func details() OrgDetails {
	return OrgDetails{LegalName: "Acme Sports Co., Ltd.", Country: "cn", RegistrationNumber: "91440300MA5EXAMPLE",
		Address: "1 Science Park Rd, Shenzhen", Contact: Contact{Name: "Li Wei", Email: "ip@acme.example"}}
}

func fields(err error) []string {
	var inv *fault.Invalid
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, f := range inv.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestOrganisationLifecycle(t *testing.T) {
	o, err := NewOrganisation("org_1", KindRightsHolder, details(), now)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != OrgDraft || o.Country != "CN" {
		t.Fatalf("got state %s country %s, want draft CN", o.State, o.Country)
	}
	if _, err := o.Submit(now); len(fields(err)) != 2 {
		t.Fatalf("submit without documents: got %v, want two missing-document errors", err)
	}
	o, err = o.AttachDocuments([]DocRef{{Role: DocBusinessLicence, DocumentID: "doc_1", SHA256: "aa"}, {Role: DocRepresentativeID, DocumentID: "doc_2", SHA256: "bb"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	o, err = o.Submit(now)
	if err != nil || o.State != OrgSubmitted {
		t.Fatalf("got %v %s, want submitted", err, o.State)
	}
	if _, err := o.Update(details(), now); !errors.Is(err, fault.ErrState) {
		t.Errorf("update while submitted: got %v, want ErrState", err)
	}
	if _, err := o.Review(Reject, " ", "usr_r", now); len(fields(err)) != 1 {
		t.Errorf("reject without reason: got %v, want a reason error", err)
	}
	r, err := o.Review(Reject, "licence unreadable", "usr_r", now)
	if err != nil || r.State != OrgRejected || r.Reason != "licence unreadable" {
		t.Fatalf("got %v %+v, want rejected with reason", err, r)
	}
	r, err = r.Submit(now) // fix and resubmit
	if err != nil || r.State != OrgSubmitted || r.Reason != "" {
		t.Fatalf("resubmit: got %v %s", err, r.State)
	}
	v, err := r.Review(Verify, "", "usr_r", now)
	if err != nil || v.State != OrgVerified {
		t.Fatalf("verify: got %v %s", err, v.State)
	}
	if _, err := v.Review(Verify, "", "usr_r", now); !errors.Is(err, fault.ErrState) {
		t.Errorf("review twice: got %v, want ErrState", err)
	}
	s, err := v.Suspend("fraudulent notices", now)
	if err != nil || s.State != OrgSuspended {
		t.Fatalf("suspend: got %v %s", err, s.State)
	}
	if back, err := s.Reinstate(now); err != nil || back.State != OrgVerified {
		t.Fatalf("reinstate: got %v %s", err, back.State)
	}
}

func TestOrganisationValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*OrgDetails)
		want   string
	}{
		{"country", func(d *OrgDetails) { d.Country = "XX" }, "country"},
		{"email", func(d *OrgDetails) { d.Contact.Email = "not-an-email" }, "contact.email"},
		{"legal name", func(d *OrgDetails) { d.LegalName = "" }, "legal_name"},
		{"registration", func(d *OrgDetails) { d.RegistrationNumber = "1" }, "registration_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := details()
			tt.mutate(&d)
			_, err := NewOrganisation("org_1", KindRightsHolder, d, now)
			if got := fields(err); len(got) != 1 || got[0] != tt.want {
				t.Errorf("got fields %v, want [%s]", got, tt.want)
			}
		})
	}
}

func trademark() RightInput {
	return RightInput{Type: Trademark, Trademark: &TrademarkDetails{Office: "USPTO", RegistrationNumber: "1234567",
		MarkText: "ACME", NiceClasses: []int{25}, RegisteredOn: NewDate(2015, 3, 1), ExpiresOn: NewDate(2027, 1, 15)},
		Certificates: []DocRef{{Role: DocCertificate, DocumentID: "doc_c", SHA256: "cc"}}}
}

func TestRightValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*RightInput)
		want   []string
	}{
		{"ok", func(*RightInput) {}, nil},
		{"bad class", func(in *RightInput) { in.Trademark.NiceClasses = []int{0, 46} }, []string{"trademark.nice_classes[0]", "trademark.nice_classes[1]"}},
		{"office", func(in *RightInput) { in.Trademark.Office = "XPTO" }, []string{"trademark.office"}},
		{"no mark", func(in *RightInput) { in.Trademark.MarkText = "" }, []string{"trademark.mark_text"}},
		{"dates reversed", func(in *RightInput) { in.Trademark.ExpiresOn = NewDate(2014, 1, 1) }, []string{"trademark.expires_on"}},
		{"no certificate", func(in *RightInput) { in.Certificates = nil }, []string{"certificates"}},
		{"details mismatch", func(in *RightInput) { in.Type = Patent }, []string{"patent"}},
		{"type", func(in *RightInput) { in.Type = "plant_variety" }, []string{"type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := trademark()
			tt.mutate(&in)
			_, err := NewRight("rt_1", "org_1", in, now)
			got := fields(err)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestUsable(t *testing.T) {
	owner := Organisation{ID: "org_1", State: OrgVerified}
	r, err := NewRight("rt_1", "org_1", trademark(), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Territories; len(got) != 1 || got[0] != "US" {
		t.Errorf("got territories %v, want [US]", got)
	}
	verified, _ := r.Review(Verify, "", "usr_r", now)
	suspended := owner
	suspended.State = OrgSuspended
	tests := []struct {
		name  string
		right Right
		owner Organisation
		at    time.Time
		want  bool
	}{
		{"submitted", r, owner, now, false},
		{"verified", verified, owner, now, true},
		{"last day", verified, owner, time.Date(2027, 1, 15, 23, 0, 0, 0, time.UTC), true},
		{"expired", verified, owner, time.Date(2027, 1, 17, 0, 0, 0, 0, time.UTC), false},
		{"owner suspended", verified, suspended, now, false},
		{"other owner", verified, Organisation{ID: "org_2", State: OrgVerified}, now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.right.Usable(tt.at, tt.owner)
			if got.Usable != tt.want {
				t.Errorf("got %+v, want usable=%v", got, tt.want)
			}
			if !got.Usable && got.Reason == "" {
				t.Error("got no reason for an unusable right")
			}
		})
	}
	if !verified.ExpiresWithin(now, ExpiryWarning) {
		t.Error("right expiring 2027-01-15 should warn at 2026-11-26")
	}
	if verified.ExpiresWithin(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), ExpiryWarning) {
		t.Error("right expiring 2027-01-15 should not warn at 2026-09-01")
	}
}

func TestAuthorizationCovers(t *testing.T) {
	agent := Organisation{ID: "org_ag", Kind: KindAgent}
	r1 := Right{ID: "rt_1", OwnerOrgID: "org_p"}
	r2 := Right{ID: "rt_2", OwnerOrgID: "org_p"}
	other := Right{ID: "rt_3", OwnerOrgID: "org_x"}
	in := AuthorizationInput{PrincipalOrgID: "org_p", RightIDs: []string{"rt_1"}, ValidFrom: NewDate(2026, 1, 1),
		ValidUntil: NewDate(2026, 12, 31), Letter: &DocRef{DocumentID: "doc_l", SHA256: "ll"}}
	a, err := NewAuthorization("au_1", agent, in, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Covers(r1, now) {
		t.Error("an unverified authorisation must not cover anything")
	}
	a, _ = a.Review(Verify, "", "usr_r", now)
	for _, tt := range []struct {
		name string
		r    Right
		at   time.Time
		want bool
	}{
		{"listed right", r1, now, true},
		{"unlisted right", r2, now, false},
		{"other owner", other, now, false},
		{"before start", r1, time.Date(2025, 12, 30, 0, 0, 0, 0, time.UTC), false},
		{"after end", r1, time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Covers(tt.r, tt.at); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	in.AllRights, in.RightIDs = true, nil
	all, _ := NewAuthorization("au_2", agent, in, now)
	all, _ = all.Review(Verify, "", "usr_r", now)
	if !all.Covers(r2, now) || all.Covers(other, now) {
		t.Error("all_rights should cover every right of the principal and only those")
	}
	if _, err := NewAuthorization("au_3", Organisation{ID: "org_rh", Kind: KindRightsHolder}, in, now); len(fields(err)) != 1 {
		t.Errorf("non-agent: got %v, want one field error", err)
	}
}
