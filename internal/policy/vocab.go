package policy

import (
	"slices"
	"strings"
)

// Measure timings (decision.measure_timing, §4.2–4.3).
const (
	TimingImmediate           = "immediate_on_qualified"
	TimingAfterReview         = "after_review"
	TimingAfterResponseWindow = "after_response_window"
)

// Counter-notice types (counter_notice.type, §4.1).
const (
	CounterCNDeclaration  = "cn_ecl43_declaration"
	CounterUS512g3        = "us_512g3"
	CounterPlatformAppeal = "platform_appeal"
	CounterNone           = "none"
)

// Restoration-timer start events (restoration_timer.start_event).
const (
	StartDeclarationDelivered = "declaration_delivered_to_notifier"
	StartCounterReceived      = "counter_notice_received"
)

// Tolling cap modes (restoration_timer.tolling.cap_mode, §1.6).
const (
	CapTotalPeriod   = "total_period"
	CapExcludedDelay = "excluded_delay"
)

// Measure kinds, as in §4.1 and the Art 17(1)(a)–(d) restriction types.
const (
	KindVisibility = "visibility"
	KindMonetary   = "monetary"
	KindProvision  = "provision"
	KindAccount    = "account"
)

// Escalation actions for repeat infringers, least to most severe.
const (
	ActionWarn      = "warn"
	ActionRestrict  = "restrict"
	ActionSuspend   = "suspend"
	ActionTerminate = "terminate"
)

// Notifier-misuse actions (notifier_misuse.actions).
const (
	MisuseWarn              = "warn"
	MisuseSuspendProcessing = "suspend_processing"
	MisuseRevokeTrustedLane = "revoke_trusted_lane"
	MisuseReportToDSC       = "report_to_dsc"
)

// Parties that may complain (complaints.eligible).
const (
	PartySeller   = "seller"
	PartyNotifier = "notifier"
)

var (
	platformRoles     = []string{"hosting", "online_platform", "marketplace", "vlop"}
	rightTypes        = []string{"trademark", "copyright", "patent", "utility_model", "design", "GI", "trade_secret"}
	timings           = []string{TimingImmediate, TimingAfterReview, TimingAfterResponseWindow}
	counterTypes      = []string{CounterCNDeclaration, CounterUS512g3, CounterPlatformAppeal, CounterNone}
	startEvents       = []string{StartDeclarationDelivered, StartCounterReceived}
	startOffsets      = []string{"next_day", "none"}
	endRules          = []string{"cc203_holiday_rollover_24h", "restore_at_min_deadline"}
	blockingEvidences = []string{"authority_complaint_filed", "lawsuit_filed", "court_action_seeking_restraint"}
	tollingReasons    = []string{"NOTARIZATION", "AUTHENTICATION", "OTHER_BEYOND_CONTROL"}
	capModes          = []string{CapTotalPeriod, CapExcludedDelay}
	onExpiries        = []string{"terminate_measures"}
	requirements      = []string{"required", "optional", "none"}
	poaRequirements   = []string{"required", "required_if_agent", "optional"}
	cureActions       = []string{"request_completion", "reject"}
	redactions        = []string{"notifier_personal_contact", "notifier_identity", "evidence_attachments"}
	parties           = []string{PartySeller, PartyNotifier}
	complaintOutcomes = []string{"upheld", "reversed", "partially_reversed", "omitted"}
	complaintFrom     = []string{"recipient_informed", "decision"}
	strikeCounts      = []string{"upheld_cases_only", "provisional_and_confirmed"}
	escalations       = []string{ActionWarn, ActionRestrict, ActionSuspend, ActionTerminate}
	misuseActions     = []string{MisuseWarn, MisuseSuspendProcessing, MisuseRevokeTrustedLane, MisuseReportToDSC}
	retentionFrom     = []string{"transaction_completed", "case_closed", "recipient_informed"}
	proportionality   = []string{"", "repeat_and_intentional"}
)

// These package-level slices are read-only vocabularies; functions that hand
// them out return copies.

// Severity orders escalation actions: warn < restrict < suspend < terminate.
// It returns -1 for an unknown action.
func Severity(action string) int { return slices.Index(escalations, action) }

// MeasureSpec maps a measure name from decision.allowed_measures to its kind
// and its statement-of-reasons subtype (§5.3 enums). ok is false for an
// unknown name.
func MeasureSpec(name string) (kind, subtype string, ok bool) {
	switch name {
	case "delist":
		return KindVisibility, "DECISION_VISIBILITY_CONTENT_REMOVED", true
	case "block", "geo_block", "disconnect_link":
		return KindVisibility, "DECISION_VISIBILITY_CONTENT_DISABLED", true
	case "demote":
		return KindVisibility, "DECISION_VISIBILITY_CONTENT_DEMOTED", true
	case "payout_hold":
		return KindMonetary, "DECISION_MONETARY_SUSPENSION", true
	case "terminate_transactions":
		return KindProvision, "DECISION_PROVISION_PARTIAL_TERMINATION", true
	case "suspend_account":
		return KindAccount, "DECISION_ACCOUNT_SUSPENDED", true
	case "terminate_account":
		return KindAccount, "DECISION_ACCOUNT_TERMINATED", true
	}
	return "", "", false
}

// field kinds for notice and counter-notice form fields.
const (
	fieldData        = 1
	fieldAttestation = 2
)

// fieldKind classifies a form field name; 0 means unknown. Attestation fields
// must carry an exact, versioned text in the profile.
func fieldKind(name string) int {
	switch name {
	case "identity_real", "contact", "signature", "right_proof", "works", "item_locators",
		"prima_facie_evidence", "requested_measure", "explanation", "notifier_name_email",
		"tm_registration", "reason_code", "agent_authority", "prima_facie_non_infringement",
		"name_address_phone", "authenticity_evidence":
		return fieldData
	case "attest_truthfulness", "attest_good_faith", "attest_accuracy_perjury", "attest_bona_fide",
		"attest_mistake_perjury", "attest_consent_jurisdiction":
		return fieldAttestation
	}
	return 0
}

// IsAttestation reports whether a form field is an attestation.
func IsAttestation(field string) bool { return fieldKind(field) == fieldAttestation }

// EEACodes returns the 30 EEA country codes accepted in a statement of
// reasons' territorial_scope (EU27 + IS, LI, NO; Greece is GR), sorted.
func EEACodes() []string {
	return []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
		"IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}
}

// EUCodes returns the 27 EU member states, sorted.
func EUCodes() []string {
	return slices.DeleteFunc(EEACodes(), func(c string) bool { return c == "IS" || c == "LI" || c == "NO" })
}

// IsEEA reports whether an ISO 3166-1 alpha-2 code is an EEA country.
func IsEEA(code string) bool {
	_, found := slices.BinarySearch(EEACodes(), code)
	return found
}

// isTerritory reports whether s is an uppercase ISO 3166-1 alpha-2 shape or "*".
func isTerritory(s string) bool {
	if s == "*" {
		return true
	}
	return len(s) == 2 && strings.ToUpper(s) == s && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
