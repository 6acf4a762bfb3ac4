package registry

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
)

// AuthState is the verification state of an agent's authorisation.
type AuthState string

// Authorisation states: submitted → verified | rejected; verified → revoked.
const (
	AuthSubmitted AuthState = "submitted"
	AuthVerified  AuthState = "verified"
	AuthRejected  AuthState = "rejected"
	AuthRevoked   AuthState = "revoked"
)

// Authorization is an agent's mandate to act for a rights holder (the
// principal), for some or all of its rights, between two dates, evidenced by
// an authorisation letter and verified by a reviewer.
type Authorization struct {
	ID             string    `json:"id"`
	AgentOrgID     string    `json:"agent_org_id"`
	PrincipalOrgID string    `json:"principal_org_id"`
	AllRights      bool      `json:"all_rights"`
	RightIDs       []string  `json:"right_ids"`
	ValidFrom      Date      `json:"valid_from"`
	ValidUntil     Date      `json:"valid_until"`
	Letter         DocRef    `json:"letter"`
	State          AuthState `json:"state"`
	Reason         string    `json:"reason,omitempty"`
	ReviewedBy     string    `json:"reviewed_by,omitempty"`
	ReviewedAt     time.Time `json:"reviewed_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// AuthorizationInput is what an agent files.
type AuthorizationInput struct {
	PrincipalOrgID string
	AllRights      bool
	RightIDs       []string
	ValidFrom      Date
	ValidUntil     Date
	Letter         *DocRef
}

// NewAuthorization files an authorisation for review. The caller has checked
// that the principal exists and that the listed rights are the principal's.
func NewAuthorization(id string, agent Organisation, in AuthorizationInput, now time.Time) (Authorization, error) {
	v := new(fault.Invalid)
	if agent.Kind != KindAgent {
		v.Add("agent_org_id", "only an agent organisation can hold an authorisation")
	}
	if in.PrincipalOrgID == "" {
		v.Add("principal_org_id", "is required")
	}
	if in.PrincipalOrgID == agent.ID {
		v.Add("principal_org_id", "an organisation cannot authorise itself")
	}
	if in.AllRights == (len(in.RightIDs) > 0) {
		v.Add("right_ids", "list the rights covered, or set all_rights (not both)")
	}
	checkDates(v, "valid_from", in.ValidFrom, "valid_until", in.ValidUntil)
	if in.Letter == nil {
		v.Add("letter", "attach the authorisation letter signed by the principal")
	}
	if err := v.Err(); err != nil {
		return Authorization{}, err
	}
	ids := slices.Clone(in.RightIDs)
	slices.Sort(ids)
	a := Authorization{ID: id, AgentOrgID: agent.ID, PrincipalOrgID: in.PrincipalOrgID, AllRights: in.AllRights,
		RightIDs: slices.Compact(ids), ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Letter: *in.Letter,
		State: AuthSubmitted, CreatedAt: now, UpdatedAt: now}
	a.Letter.Role = DocAuthorizationLetter
	if a.RightIDs == nil {
		a.RightIDs = []string{}
	}
	return a, nil
}

// Review records a reviewer's decision.
func (a Authorization) Review(d Decision, reason, reviewerID string, now time.Time) (Authorization, error) {
	if err := checkDecision(d, reason); err != nil {
		return a, err
	}
	if a.State != AuthSubmitted {
		return a, fault.New(fault.ErrState, "authorisation is %s; only a submitted one can be reviewed", a.State)
	}
	a.State = AuthVerified
	if d == Reject {
		a.State = AuthRejected
	}
	a.Reason, a.ReviewedBy, a.ReviewedAt, a.UpdatedAt = strings.TrimSpace(reason), reviewerID, now, now
	return a, nil
}

// Revoke ends a verified authorisation early.
func (a Authorization) Revoke(reason string, now time.Time) (Authorization, error) {
	if a.State != AuthVerified {
		return a, fault.New(fault.ErrState, "authorisation is %s; only a verified one can be revoked", a.State)
	}
	a.State, a.Reason, a.UpdatedAt = AuthRevoked, reason, now
	return a, nil
}

// InForce reports whether the authorisation is verified and within its dates at t.
func (a Authorization) InForce(t time.Time) bool {
	if a.State != AuthVerified {
		return false
	}
	start := a.ValidFrom.t.Add(-14 * time.Hour) // the first day has begun somewhere
	return !t.Before(start) && t.Before(a.ValidUntil.EndOfDayAnywhere())
}

// Covers reports whether the authorisation lets its agent act on right r at t.
func (a Authorization) Covers(r Right, t time.Time) bool {
	if !a.InForce(t) || r.OwnerOrgID != a.PrincipalOrgID {
		return false
	}
	return a.AllRights || slices.Contains(a.RightIDs, r.ID)
}

// String describes the authorisation for logs.
func (a Authorization) String() string {
	return fmt.Sprintf("authorization %s: %s for %s (%s..%s, %s)", a.ID, a.AgentOrgID, a.PrincipalOrgID, a.ValidFrom, a.ValidUntil, a.State)
}
