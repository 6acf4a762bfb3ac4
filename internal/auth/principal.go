// Package auth is who a caller is and what they may do: users' roles,
// password hashing (argon2id), session and API-key tokens, and the one
// authorization policy (Check) that every service consults. Handlers never
// decide access themselves.
package auth

import (
	"github.com/dajia-project/dajia/internal/registry"
)

// Role is what a user or API key does within its organisation.
type Role string

// Platform roles (users of the platform organisation only).
const (
	RoleAdmin        Role = "admin"
	RoleReviewer     Role = "reviewer"
	RoleInvestigator Role = "investigator"
	RoleLiaison      Role = "liaison"
	RoleVolunteer    Role = "volunteer"
	// RoleIntegration is for the marketplace's programs: it pushes listings and
	// sellers and receives enforcement actions.
	RoleIntegration Role = "integration"
)

// Roles of every organisation.
const (
	RoleOwner  Role = "owner"
	RoleMember Role = "member"
)

// AllRoles lists every role.
var AllRoles = []Role{RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison, RoleVolunteer, RoleIntegration, RoleOwner, RoleMember}

// PlatformOnly reports whether the role exists only in the platform organisation.
func (r Role) PlatformOnly() bool {
	switch r {
	case RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison, RoleVolunteer, RoleIntegration:
		return true
	}
	return false
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range AllRoles {
		if r == x {
			return true
		}
	}
	return false
}

// ValidFor reports whether a user of an organisation of kind k may hold r.
func (r Role) ValidFor(k registry.OrgKind) bool {
	if !r.Valid() {
		return false
	}
	if k == registry.KindPlatform {
		return true
	}
	return !r.PlatformOnly()
}

// Principal is an authenticated caller: a user (through a session) or a
// program (through an API key), acting in one organisation with one role.
type Principal struct {
	UserID   string            `json:"user_id,omitempty"`
	KeyID    string            `json:"key_id,omitempty"`
	OrgID    string            `json:"org_id"`
	OrgKind  registry.OrgKind  `json:"org_kind"`
	OrgState registry.OrgState `json:"org_state"`
	Role     Role              `json:"role"`
}

// ActorID is the id recorded in the audit log for this caller.
func (p Principal) ActorID() string {
	if p.KeyID != "" {
		return p.KeyID
	}
	return p.UserID
}

// Platform reports whether the caller belongs to the platform operator.
func (p Principal) Platform() bool { return p.OrgKind == registry.KindPlatform }

// Is reports whether the caller holds one of the roles.
func (p Principal) Is(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// System is the principal of dajia's own background work (scheduler, seeding).
var System = Principal{UserID: "system", OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: RoleAdmin}
