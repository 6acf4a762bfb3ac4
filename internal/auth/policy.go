package auth

import (
	"slices"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

// Action is something a caller asks to do.
type Action string

// Actions, named object.verb.
const (
	OrgCreate   Action = "organization.create" // platform-created kinds (seller, agency, platform)
	OrgRead     Action = "organization.read"
	OrgList     Action = "organization.list"
	OrgUpdate   Action = "organization.update"
	OrgSubmit   Action = "organization.submit"
	OrgReview   Action = "organization.review"
	OrgSuspend  Action = "organization.suspend"
	UserCreate  Action = "user.create"
	UserRead    Action = "user.read"
	UserDisable Action = "user.disable"
	KeyCreate   Action = "api_key.create"
	KeyRevoke   Action = "api_key.revoke"
	DocUpload   Action = "document.upload"
	DocRead     Action = "document.read"
	RightCreate Action = "right.create"
	RightRead   Action = "right.read"
	RightList   Action = "right.list"
	RightUpdate Action = "right.update"
	RightReview Action = "right.review"
	RightRevoke Action = "right.revoke"
	AuthzCreate Action = "authorization.create"
	AuthzRead   Action = "authorization.read"
	AuthzList   Action = "authorization.list"
	AuthzReview Action = "authorization.review"
	AuthzRevoke Action = "authorization.revoke"
	// WebhookManage covers webhook endpoints, their deliveries and dead letters.
	WebhookManage Action = "webhook.manage"
	// ActionsRead is the marketplace's pull feed of enforcement actions.
	ActionsRead  Action = "actions.read"
	ListingWrite Action = "listing.write"
	ListingRead  Action = "listing.read"
	SellerWrite  Action = "seller.write"
	SellerRead   Action = "seller.read"
	NoticeCreate Action = "notice.create"
	NoticeRead   Action = "notice.read"
	ItemRead     Action = "item.read"
	ItemList     Action = "item.list"
	// ItemReview covers claiming, deciding, requesting information and
	// deciding complaints (platform reviewers).
	ItemReview Action = "item.review"
	// ItemAct is a party's step on an item: the seller's counter-notice or
	// complaint, the notifier's proceedings, tolling or retraction. Resource.Acting
	// names the organisations entitled to the step.
	ItemAct     Action = "item.act"
	AuditRead   Action = "audit.read"
	AuditVerify Action = "audit.verify"
	// LeadRead reads a detection lead; LeadList lists them (staff: the
	// triage queue; a rights holder: the leads sent to it).
	LeadRead Action = "lead.read"
	LeadList Action = "lead.list"
	// LeadTriage confirms or dismisses a lead, or sends it to the brand
	// (platform investigators).
	LeadTriage Action = "lead.triage"
	// LeadBrandAnswer is the rights holder's confirmation or rejection of a
	// lead sent to it; Resource.Acting names the organisation asked.
	LeadBrandAnswer Action = "lead.brand_answer"
	// ProfileRead reads the protection profile detection scores against;
	// ProfileWrite imports brand data into it (platform detection staff).
	ProfileRead  Action = "detect_profile.read"
	ProfileWrite Action = "detect_profile.write"
)

// Kind of a resource, for visibility rules.
type Kind string

// Resource kinds.
const (
	KindOrg           Kind = "organization"
	KindUser          Kind = "user"
	KindKey           Kind = "api_key"
	KindDocument      Kind = "document"
	KindRight         Kind = "right"
	KindAuthorization Kind = "authorization"
	KindAudit         Kind = "audit"
	KindListing       Kind = "listing"
	KindSeller        Kind = "seller"
	KindNotice        Kind = "notice"
	KindItem          Kind = "item"
	KindLead          Kind = "lead"
)

// Resource is what an action is done to. OrgID owns it; Parties are other
// organisations it is addressed to or shared with (an agent with a verified
// authorisation over a right; the principal named by an authorisation).
// A zero OrgID means the action is on the collection (create, list).
type Resource struct {
	Kind    Kind
	OrgID   string
	Parties []string
	// TargetRole is the role of a user or key being created or changed.
	TargetRole Role
	// Acting lists the organisations entitled to take the step (ItemAct).
	Acting []string
}

// Check is the authorization policy: nil if p may do a to r; fault.ErrNotFound
// if p may not even know r exists; fault.ErrForbidden if p sees r but may not
// do a. Every service calls it after loading the resource.
func Check(p Principal, a Action, r Resource) error {
	if !sees(p, r) {
		return fault.ErrNotFound
	}
	if !may(p, a, r) {
		return fault.New(fault.ErrForbidden, "your role (%s) may not do %s", p.Role, a)
	}
	if writes(a) && p.OrgState == registry.OrgSuspended {
		return fault.New(fault.ErrForbidden, "your organisation is suspended; it can read but not change anything")
	}
	return nil
}

// staffSees says which platform roles see every organisation's objects of a kind.
var staffSees = map[Kind][]Role{
	KindOrg:           {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison},
	KindUser:          {RoleAdmin},
	KindKey:           {RoleAdmin},
	KindDocument:      {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison},
	KindRight:         {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison},
	KindAuthorization: {RoleAdmin, RoleReviewer, RoleInvestigator},
	KindAudit:         {RoleAdmin},
	KindListing:       {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison, RoleIntegration},
	KindSeller:        {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison, RoleIntegration},
	KindNotice:        {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison},
	KindItem:          {RoleAdmin, RoleReviewer, RoleInvestigator, RoleLiaison},
	KindLead:          {RoleAdmin, RoleReviewer, RoleInvestigator},
}

func sees(p Principal, r Resource) bool {
	if p.Platform() && slices.Contains(staffSees[r.Kind], p.Role) {
		return true
	}
	if r.Kind == KindAudit {
		return false
	}
	if r.OrgID == "" { // a collection: everyone may address it; may() decides
		return true
	}
	if r.OrgID == p.OrgID {
		// Platform-only roles see their own organisation's objects only as
		// listed in staffSees; an integration key sees no users, say.
		return !p.Platform() || p.Is(RoleAdmin) || r.Kind == KindOrg || r.Kind == KindDocument
	}
	return slices.Contains(r.Parties, p.OrgID)
}

func may(p Principal, a Action, r Resource) bool {
	own := r.OrgID == "" || r.OrgID == p.OrgID
	switch a {
	case OrgRead, RightRead, AuthzRead, DocRead:
		return true // seeing is reading
	case RightList:
		return !p.Platform() || slices.Contains(staffSees[KindRight], p.Role)
	case AuthzList:
		return !p.Platform() || slices.Contains(staffSees[KindAuthorization], p.Role)
	case OrgList:
		return p.Platform() && slices.Contains(staffSees[KindOrg], p.Role)
	case OrgCreate, OrgSuspend:
		return p.Platform() && p.Is(RoleAdmin)
	case OrgUpdate, OrgSubmit:
		return own && p.Is(RoleOwner) || p.Platform() && p.Is(RoleAdmin)
	case OrgReview, RightReview, AuthzReview:
		return p.Platform() && p.Is(RoleAdmin, RoleReviewer)
	case UserCreate, UserDisable, KeyCreate, KeyRevoke:
		if p.Platform() && p.Is(RoleAdmin) {
			return true
		}
		// Owners manage their own organisation's people and keys, never
		// granting a platform role.
		return own && p.Is(RoleOwner) && !r.TargetRole.PlatformOnly()
	case UserRead:
		return p.Platform() && p.Is(RoleAdmin) || own && p.Is(RoleOwner)
	case DocUpload:
		return !p.Is(RoleIntegration)
	case RightCreate, RightUpdate, RightRevoke:
		if p.Platform() {
			return a == RightRevoke && p.Is(RoleAdmin, RoleReviewer)
		}
		return own && p.OrgKind == registry.KindRightsHolder && p.Is(RoleOwner, RoleMember)
	case AuthzCreate:
		return own && p.OrgKind == registry.KindAgent && p.Is(RoleOwner)
	case AuthzRevoke:
		// The principal may withdraw a mandate it gave; the platform may end it.
		return p.Platform() && p.Is(RoleAdmin, RoleReviewer) || !own && p.Is(RoleOwner) && p.OrgKind == registry.KindRightsHolder
	case AuditRead, AuditVerify:
		return p.Platform() && p.Is(RoleAdmin)
	case WebhookManage:
		return p.Platform() && p.Is(RoleAdmin)
	case ActionsRead:
		return p.Platform() && p.Is(RoleAdmin, RoleIntegration)
	case ListingRead, SellerRead:
		return true // seeing is reading
	case ListingWrite, SellerWrite:
		return p.Platform() && p.Is(RoleAdmin, RoleIntegration)
	case NoticeCreate:
		return !p.Platform() && (p.OrgKind == registry.KindRightsHolder || p.OrgKind == registry.KindAgent) && p.Is(RoleOwner, RoleMember)
	case NoticeRead, ItemRead:
		return true
	case ItemList:
		return !p.Platform() || slices.Contains(staffSees[KindItem], p.Role)
	case ItemReview:
		return p.Platform() && p.Is(RoleAdmin, RoleReviewer)
	case ItemAct:
		return !p.Platform() && p.Is(RoleOwner, RoleMember) && slices.Contains(r.Acting, p.OrgID)
	case LeadRead:
		return true
	case LeadList:
		return p.Platform() && slices.Contains(staffSees[KindLead], p.Role) || p.OrgKind == registry.KindRightsHolder
	case LeadTriage:
		return p.Platform() && p.Is(RoleAdmin, RoleInvestigator)
	case ProfileRead:
		return p.Platform() && p.Is(RoleAdmin, RoleInvestigator, RoleReviewer)
	case ProfileWrite:
		return p.Platform() && p.Is(RoleAdmin, RoleInvestigator)
	case LeadBrandAnswer:
		return !p.Platform() && p.OrgKind == registry.KindRightsHolder && p.Is(RoleOwner, RoleMember) && slices.Contains(r.Acting, p.OrgID)
	}
	return false
}

func writes(a Action) bool {
	switch a {
	case ActionsRead, ListingRead, SellerRead, NoticeRead, ItemRead, ItemList, OrgRead, OrgList, RightList, AuthzList, UserRead, DocRead, RightRead, AuthzRead, AuditRead, AuditVerify,
		LeadRead, LeadList, ProfileRead:
		return false
	}
	return true
}
