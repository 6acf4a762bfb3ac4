// Package policy holds dajia's jurisdiction policy profiles as data: which
// notice fields and exact attestation texts a jurisdiction requires, when
// measures are taken, how counter-notices and restoration timers work, and
// the thresholds for repeat infringers and notifier misuse
// (legal-workflows.md §4.3). Profiles are JSON files; the shipped ones are
// embedded and operators may override them with a directory of their own.
//
// The package is pure: it reads only the fs.FS it is given and never the clock.
package policy

// Profile is one jurisdiction's (or one platform policy's) rules for the
// notice-and-action workflow. JSON keys follow §4.3 of the legal spec; the
// README next to the embedded profiles explains each key.
type Profile struct {
	ID                  string              `json:"profile_id"`
	LegalRefs           []string            `json:"legal_refs"`
	AppliesWhen         AppliesWhen         `json:"applies_when"`
	Notice              NoticeRules         `json:"notice"`
	Acknowledgement     Acknowledgement     `json:"acknowledgement"`
	Decision            Decision            `json:"decision"`
	SellerNotification  SellerNotification  `json:"seller_notification"`
	CounterNotice       CounterNotice       `json:"counter_notice"`
	RestorationTimer    *RestorationTimer   `json:"restoration_timer"`
	Complaints          Complaints          `json:"complaints"`
	ODS                 ODS                 `json:"ods"`
	TrustedFlaggers     TrustedFlaggers     `json:"trusted_flaggers"`
	RepeatInfringer     RepeatInfringer     `json:"repeat_infringer"`
	NotifierMisuse      NotifierMisuse      `json:"notifier_misuse"`
	Publication         Publication         `json:"publication"`
	Retention           Retention           `json:"retention"`
	ConsumerInformation ConsumerInformation `json:"consumer_information"`
}

// AppliesWhen says for which platforms, rights and territories a profile applies.
type AppliesWhen struct {
	PlatformRole []string   `json:"platform_role"` // hosting | online_platform | marketplace | vlop
	RightTypes   []string   `json:"right_types"`   // trademark | copyright | patent | utility_model | design | GI | trade_secret
	Territories  []string   `json:"territories"`   // ISO 3166-1 alpha-2, or "*"
	Exemptions   Exemptions `json:"exemptions"`
}

// Exemptions are the DSA size switches (Art 15(2), 19, 29).
type Exemptions struct {
	// MicroSmallEnterprise exempts the platform from DSA Section 3 (complaints,
	// SoR database) except Art 24(3). Needs legal sign-off (§7 item 11).
	MicroSmallEnterprise bool `json:"micro_small_enterprise"`
}

// NoticeRules are the requirements on a rights holder's notice.
type NoticeRules struct {
	RequiredFields   []string               `json:"required_fields"`
	AttestationTexts map[string]Attestation `json:"attestation_texts"`
	Signature        string                 `json:"signature"` // required | optional | none
	Identity         IdentityRules          `json:"identity"`
	AnonymousAllowed bool                   `json:"anonymous_allowed"`
	MultiItem        bool                   `json:"multi_item"`
	CureProcess      CureProcess            `json:"cure_process"`
	WarningsShown    []string               `json:"warnings_shown"`
}

// Attestation is the exact text a party confirms, in Chinese and English,
// with a version stored alongside every notice that confirms it.
type Attestation struct {
	Version string `json:"version"`
	ZH      string `json:"zh"`
	EN      string `json:"en"`
	// Authoritative names the language whose text is the legal statement
	// ("zh" or "en"); the other is a translation.
	Authoritative string `json:"authoritative"`
}

// Text returns the attestation in lang ("zh" or "en"), falling back to the
// authoritative text.
func (a Attestation) Text(lang string) string {
	switch lang {
	case "zh":
		return a.ZH
	case "en":
		return a.EN
	}
	if a.Authoritative == "zh" {
		return a.ZH
	}
	return a.EN
}

// IdentityRules are the identity requirements on a notifier.
type IdentityRules struct {
	RealIdentity string `json:"real_identity"` // required | optional | none
	AgentPOA     string `json:"agent_poa"`     // required | required_if_agent | optional
}

// CureProcess says what happens to a notice with missing fields.
type CureProcess struct {
	OnMissing  []string `json:"on_missing"` // request_completion | reject
	CureWindow Period   `json:"cure_window"`
	// DMCA512c3BiiContact: when (ii)–(iv) are present, contact the complainant
	// to complete the notice (17 U.S.C. §512(c)(3)(B)(ii)).
	DMCA512c3BiiContact bool `json:"dmca_512c3Bii_contact"`
}

// Acknowledgement is the confirmation of receipt to the notifier (DSA 16(4)).
type Acknowledgement struct {
	Required bool   `json:"required"`
	SLA      Period `json:"sla"`
}

// Decision configures when and how the platform decides.
type Decision struct {
	MeasureTiming string `json:"measure_timing"` // immediate_on_qualified | after_review | after_response_window
	// MeasureTimingTrusted, when set, replaces MeasureTiming for notices from a
	// notifier in the trusted lane (§1.9: one switch per notifier trust tier).
	MeasureTimingTrusted string `json:"measure_timing_trusted"`
	// ResponseWindow is the pre-takedown seller response window
	// (after_response_window only).
	ResponseWindow Period `json:"response_window"`
	// ReviewSLA is the review deadline per class: "default" (required),
	// "trusted_flagger", "counterfeit" or a right type.
	ReviewSLA               map[string]Period    `json:"review_sla"`
	AllowedMeasures         []string             `json:"allowed_measures"`
	ProportionalityRules    ProportionalityRules `json:"proportionality_rules"`
	PatentInvalidationDefer bool                 `json:"patent_invalidation_defer"`
	HumanReviewRequired     HumanReview          `json:"human_review_required"`
}

// Timing returns the measure timing for a notice, trusted or not.
func (d Decision) Timing(trusted bool) string {
	if trusted && d.MeasureTimingTrusted != "" {
		return d.MeasureTimingTrusted
	}
	return d.MeasureTiming
}

// ReviewDeadline returns the review SLA for a class, or the default.
func (d Decision) ReviewDeadline(class string) Period {
	if p, ok := d.ReviewSLA[class]; ok {
		return p
	}
	return d.ReviewSLA["default"]
}

// ProportionalityRules restrict the heavier measures.
type ProportionalityRules struct {
	// TerminateTransactionsOnlyIf: "repeat_and_intentional" (GO 3) or empty.
	TerminateTransactionsOnlyIf string `json:"terminate_transactions_only_if"`
}

// HumanReview says which decisions must not be fully automated.
type HumanReview struct {
	Complaints bool `json:"complaints"`
	Decisions  bool `json:"decisions"`
}

// SellerNotification configures what the affected seller receives.
type SellerNotification struct {
	ForwardNoticeCopy bool     `json:"forward_notice_copy"`
	IncludeSoR173     bool     `json:"include_sor_17_3"`
	Redact            []string `json:"redact"`
}

// CounterNotice configures the seller's answer to a measure.
type CounterNotice struct {
	Type              string                 `json:"type"` // cn_ecl43_declaration | us_512g3 | platform_appeal | none
	RequiredFields    []string               `json:"required_fields"`
	Attestations      map[string]Attestation `json:"attestations"`
	SubmissionWindow  Period                 `json:"submission_window"` // zero: no window
	MaxAttempts       int                    `json:"max_attempts"`      // 0: unlimited
	ForwardToNotifier *ForwardToNotifier     `json:"forward_to_notifier"`
}

// ForwardToNotifier is what accompanies a counter-notice sent to the notifier.
type ForwardToNotifier struct {
	IncludeAdvice string `json:"include_advice"`
}

// RestorationTimer is the statutory clock that restores a listing after a
// counter-notice unless the notifier proves proceedings (ECL 43(2), §512(g)).
type RestorationTimer struct {
	StartEvent       string      `json:"start_event"`  // declaration_delivered_to_notifier | counter_notice_received
	StartOffset      string      `json:"start_offset"` // next_day (CC 201) | none
	Duration         PeriodRange `json:"duration"`
	EndRule          string      `json:"end_rule"` // cc203_holiday_rollover_24h | restore_at_min_deadline
	BlockingEvidence []string    `json:"blocking_evidence"`
	Tolling          *Tolling    `json:"tolling"`
	OnExpiry         string      `json:"on_expiry"` // terminate_measures
}

// Rule returns the deadline-computation rule handed to the calendar adapter:
// "CC201" for a next-day start, "CC203" for the holiday roll-over to 24:00,
// joined by "+"; empty for plain counting on the period's calendar.
func (t RestorationTimer) Rule() string {
	var parts []string
	if t.StartOffset == "next_day" {
		parts = append(parts, "CC201")
	}
	if t.EndRule == "cc203_holiday_rollover_24h" {
		parts = append(parts, "CC203")
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return parts[0] + "+" + parts[1]
}

// Tolling says which delays do not count against the restoration timer
// (Reply 三) and how the total is capped (§1.6).
type Tolling struct {
	AllowedReasons []string `json:"allowed_reasons"`
	CapMode        string   `json:"cap_mode"` // total_period | excluded_delay
	HardCap        Period   `json:"hard_cap"`
}

// Complaints configures internal complaint handling (DSA Art 20).
type Complaints struct {
	Enabled          bool     `json:"enabled"`
	Window           Period   `json:"window"`
	WindowFrom       string   `json:"window_from"` // recipient_informed | decision
	Eligible         []string `json:"eligible"`    // seller | notifier
	HumanSupervision bool     `json:"human_supervision"`
	DecisionSLA      Period   `json:"decision_sla"`
	Outcomes         []string `json:"outcomes"`
	InformODS        bool     `json:"inform_ods"`
}

// ODS configures out-of-court dispute settlement (DSA Art 21).
type ODS struct {
	Enabled        bool   `json:"enabled"`
	DecisionWindow Period `json:"decision_window"`
}

// TrustedFlaggers configures DSA Art 22 handling.
type TrustedFlaggers struct {
	Enabled                 bool `json:"enabled"`
	PriorityQueue           bool `json:"priority_queue"`
	ReportToDSCOnInaccuracy bool `json:"report_to_dsc_on_inaccuracy"`
}

// RepeatInfringer is the strike policy (17 U.S.C. §512(i), DSA 23(1), GO 3).
type RepeatInfringer struct {
	Count                string      `json:"count"` // upheld_cases_only | provisional_and_confirmed
	Window               Period      `json:"window"`
	Thresholds           []Threshold `json:"thresholds"`
	PriorWarningRequired bool        `json:"prior_warning_required"`
}

// Threshold is one escalation step: at Strikes strikes in the window, Action.
type Threshold struct {
	Strikes  int    `json:"strikes"`
	Action   string `json:"action"`   // warn | restrict | suspend | terminate
	Duration Period `json:"duration"` // zero: indefinite
}

// NotifierMisuse configures notifier accuracy and misuse sanctions
// (DSA 23(2), ECL 42(3), Alibaba GTM).
type NotifierMisuse struct {
	Metrics                      MisuseMetrics      `json:"metrics"`
	ManifestlyUnfoundedThreshold UnfoundedThreshold `json:"manifestly_unfounded_threshold"`
	Actions                      []MisuseAction     `json:"actions"`
}

// MisuseMetrics are the trusted-lane accuracy bars (GTM: 90% / 5% over 3 months).
type MisuseMetrics struct {
	Window                 Period  `json:"window"`
	TakedownSuccessRateMin float64 `json:"takedown_success_rate_min"`
	CounterSuccessRateMax  float64 `json:"counter_success_rate_max"`
	// MinNotices is the sample size below which no trusted-lane verdict is
	// given (platform default; not in the spec).
	MinNotices int `json:"min_notices"`
}

// UnfoundedThreshold triggers DSA 23(2) action: at least Absolute manifestly
// unfounded notices and at least Ratio of all notices in Window.
type UnfoundedThreshold struct {
	Absolute int     `json:"absolute"`
	Ratio    float64 `json:"ratio"`
	Window   Period  `json:"window"`
}

// MisuseAction is one sanction step against a notifier, in order.
type MisuseAction struct {
	Action   string `json:"action"` // warn | suspend_processing | revoke_trusted_lane | report_to_dsc
	Duration Period `json:"duration"`
}

// Publication configures public outputs.
type Publication struct {
	PublicRegister     bool `json:"public_register"`     // ECL 44
	TransparencyReport bool `json:"transparency_report"` // DSA 15/24, IR 2024/2835
	SoRDatabase        bool `json:"sor_database"`        // DSA 24(5)
}

// Retention configures how long case records are kept.
type Retention struct {
	CaseRecords Period `json:"case_records"`
	From        string `json:"from"` // transaction_completed | case_closed | recipient_informed
}

// ConsumerInformation configures DSA Art 32 notices to buyers.
type ConsumerInformation struct {
	Enabled      bool   `json:"enabled"`
	LookBack     Period `json:"look_back"`
	NotifyWithin Period `json:"notify_within"`
}

// ComplaintsAvailable reports whether the internal complaint system is
// offered under this profile (enabled and not exempt as a micro or small
// enterprise).
func (p *Profile) ComplaintsAvailable() bool {
	return p.Complaints.Enabled && !p.AppliesWhen.Exemptions.MicroSmallEnterprise
}

// SubmitsSoRToDatabase reports whether statements of reasons go to the DSA
// Transparency Database under this profile.
func (p *Profile) SubmitsSoRToDatabase() bool {
	return p.Publication.SoRDatabase && !p.AppliesWhen.Exemptions.MicroSmallEnterprise
}

// Allows reports whether measure is in decision.allowed_measures.
func (p *Profile) Allows(measure string) bool {
	for _, m := range p.Decision.AllowedMeasures {
		if m == measure {
			return true
		}
	}
	return false
}
