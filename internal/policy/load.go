package policy

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed profiles/*.json
var embedded embed.FS

// ErrUnknownProfile is returned for a profile ID that is not in the Set.
var ErrUnknownProfile = errors.New("unknown profile")

// LoadError is a problem with one profile file, naming the file and the
// dotted key path (e.g. "restoration_timer.tolling.hard_cap").
type LoadError struct {
	File string
	Key  string
	Err  error
}

func (e *LoadError) Error() string {
	if e.Key == "" {
		return e.File + ": " + e.Err.Error()
	}
	return e.File + ": " + e.Key + ": " + e.Err.Error()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Set is a validated collection of profiles keyed by profile_id.
type Set struct {
	byID map[string]*Profile
}

// Default loads the profiles embedded in the binary (internal/policy/profiles).
func Default() (*Set, error) {
	sub, err := fs.Sub(embedded, "profiles")
	if err != nil {
		return nil, fmt.Errorf("open embedded profiles: %w", err)
	}
	return Load(sub)
}

// Load reads every *.json file at the root of fsys as one profile, rejects
// unknown keys, validates every profile and returns them as a Set. The file
// name must be the profile_id plus ".json". All problems are reported
// together, each as a *LoadError.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("load profiles: no *.json files")
	}
	set := &Set{byID: make(map[string]*Profile, len(names))}
	var errs []error
	for _, name := range names {
		p, err := loadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		set.byID[p.ID] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return set, nil
}

func loadFile(fsys fs.FS, name string) (*Profile, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &LoadError{File: name, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		le := &LoadError{File: name, Err: err}
		var pe *periodError
		if errors.As(err, &pe) {
			le.Key = locate(raw, pe.text)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			le.Key = te.Field
		}
		return nil, le
	}
	if dec.More() {
		return nil, &LoadError{File: name, Err: errors.New("trailing data after the profile object")}
	}
	v := validator{file: name}
	v.profile(&p)
	if want := strings.TrimSuffix(path.Base(name), ".json"); p.ID != "" && p.ID != want {
		v.fail("profile_id", "%q does not match the file name (want %q)", p.ID, want)
	}
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	return &p, nil
}

// locate finds the dotted key path of the first string value equal to text.
func locate(raw []byte, text string) string {
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return ""
	}
	var walk func(v any, at string) (string, bool)
	walk = func(v any, at string) (string, bool) {
		switch v := v.(type) {
		case string:
			return at, v == text
		case []any:
			for i, e := range v {
				if k, ok := walk(e, at+"["+strconv.Itoa(i)+"]"); ok {
					return k, true
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				next := k
				if at != "" {
					next = at + "." + k
				}
				if found, ok := walk(v[k], next); ok {
					return found, true
				}
			}
		}
		return "", false
	}
	k, _ := walk(tree, "")
	return k
}

// Profile returns the profile with the given ID.
func (s *Set) Profile(id string) (*Profile, error) {
	p, ok := s.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownProfile, id)
	}
	return p, nil
}

// IDs returns the profile IDs in the Set, sorted.
func (s *Set) IDs() []string {
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// validator collects every problem of one profile.
type validator struct {
	file string
	errs []error
}

func (v *validator) fail(key, format string, args ...any) {
	v.errs = append(v.errs, &LoadError{File: v.file, Key: key, Err: fmt.Errorf(format, args...)})
}

func (v *validator) oneOf(key, got string, allowed []string) {
	if !slices.Contains(allowed, got) {
		v.fail(key, "unknown value %q (want one of %s)", got, strings.Join(allowed, ", "))
	}
}

func (v *validator) allOf(key string, got, allowed []string) {
	for i, g := range got {
		v.oneOf(key+"["+strconv.Itoa(i)+"]", g, allowed)
	}
}

func (v *validator) required(key string, p Period) {
	if p.IsZero() {
		v.fail(key, "period required")
	}
}

func (v *validator) rate(key string, r float64) {
	if r < 0 || r > 1 {
		v.fail(key, "rate %v outside [0,1]", r)
	}
}

func (v *validator) profile(p *Profile) {
	if p.ID == "" {
		v.fail("profile_id", "required")
	}
	if len(p.LegalRefs) == 0 {
		v.fail("legal_refs", "at least one reference required")
	}
	a := p.AppliesWhen
	if len(a.PlatformRole) == 0 {
		v.fail("applies_when.platform_role", "at least one role required")
	}
	v.allOf("applies_when.platform_role", a.PlatformRole, platformRoles)
	if len(a.RightTypes) == 0 {
		v.fail("applies_when.right_types", "at least one right type required")
	}
	v.allOf("applies_when.right_types", a.RightTypes, rightTypes)
	if len(a.Territories) == 0 {
		v.fail("applies_when.territories", "at least one territory required")
	}
	for i, t := range a.Territories {
		if !isTerritory(t) {
			v.fail("applies_when.territories["+strconv.Itoa(i)+"]", "%q is not an ISO 3166-1 alpha-2 code or \"*\"", t)
		}
	}

	n := p.Notice
	v.fields("notice.required_fields", "notice.attestation_texts", n.RequiredFields, n.AttestationTexts)
	v.oneOf("notice.signature", n.Signature, requirements)
	v.oneOf("notice.identity.real_identity", n.Identity.RealIdentity, requirements)
	v.oneOf("notice.identity.agent_poa", n.Identity.AgentPOA, poaRequirements)
	v.allOf("notice.cure_process.on_missing", n.CureProcess.OnMissing, cureActions)
	if slices.Contains(n.CureProcess.OnMissing, "request_completion") {
		v.required("notice.cure_process.cure_window", n.CureProcess.CureWindow)
	}

	if p.Acknowledgement.Required {
		v.required("acknowledgement.sla", p.Acknowledgement.SLA)
	}

	d := p.Decision
	v.oneOf("decision.measure_timing", d.MeasureTiming, timings)
	if d.MeasureTimingTrusted != "" {
		v.oneOf("decision.measure_timing_trusted", d.MeasureTimingTrusted, timings)
	}
	if d.MeasureTiming == TimingAfterResponseWindow || d.MeasureTimingTrusted == TimingAfterResponseWindow {
		v.required("decision.response_window", d.ResponseWindow)
	}
	if _, ok := d.ReviewSLA["default"]; !ok {
		v.fail("decision.review_sla", "a \"default\" class is required")
	}
	for class, sla := range d.ReviewSLA {
		key := "decision.review_sla." + class
		if class != "default" && class != "trusted_flagger" && class != "counterfeit" && !slices.Contains(rightTypes, class) {
			v.fail(key, "unknown class %q (want default, trusted_flagger, counterfeit or a right type)", class)
		}
		v.required(key, sla)
	}
	if len(d.AllowedMeasures) == 0 {
		v.fail("decision.allowed_measures", "at least one measure required")
	}
	for i, m := range d.AllowedMeasures {
		if _, _, ok := MeasureSpec(m); !ok {
			v.fail("decision.allowed_measures["+strconv.Itoa(i)+"]", "unknown measure %q", m)
		}
	}
	v.oneOf("decision.proportionality_rules.terminate_transactions_only_if", d.ProportionalityRules.TerminateTransactionsOnlyIf, proportionality)

	v.allOf("seller_notification.redact", p.SellerNotification.Redact, redactions)

	c := p.CounterNotice
	v.oneOf("counter_notice.type", c.Type, counterTypes)
	if c.Type != CounterNone {
		v.fields("counter_notice.required_fields", "counter_notice.attestations", c.RequiredFields, c.Attestations)
	} else if len(c.RequiredFields) > 0 || len(c.Attestations) > 0 {
		v.fail("counter_notice", "type none takes no required_fields or attestations")
	}
	if c.MaxAttempts < 0 {
		v.fail("counter_notice.max_attempts", "must not be negative")
	}
	if (c.Type == CounterCNDeclaration || c.Type == CounterUS512g3) && p.RestorationTimer == nil {
		v.fail("restoration_timer", "required for counter_notice.type %s", c.Type)
	}
	if c.Type == CounterCNDeclaration || c.Type == CounterUS512g3 {
		if c.ForwardToNotifier == nil {
			v.fail("counter_notice.forward_to_notifier", "required for counter_notice.type %s", c.Type)
		}
	}
	if t := p.RestorationTimer; t != nil {
		v.restoration(t)
	}

	cp := p.Complaints
	if cp.Enabled {
		v.required("complaints.window", cp.Window)
		v.oneOf("complaints.window_from", cp.WindowFrom, complaintFrom)
		if len(cp.Eligible) == 0 {
			v.fail("complaints.eligible", "at least one party required")
		}
		v.required("complaints.decision_sla", cp.DecisionSLA)
		if len(cp.Outcomes) == 0 {
			v.fail("complaints.outcomes", "at least one outcome required")
		}
	}
	v.allOf("complaints.eligible", cp.Eligible, parties)
	v.allOf("complaints.outcomes", cp.Outcomes, complaintOutcomes)

	r := p.RepeatInfringer
	v.oneOf("repeat_infringer.count", r.Count, strikeCounts)
	v.required("repeat_infringer.window", r.Window)
	if len(r.Thresholds) == 0 {
		v.fail("repeat_infringer.thresholds", "at least one threshold required")
	}
	for i, t := range r.Thresholds {
		key := "repeat_infringer.thresholds[" + strconv.Itoa(i) + "]"
		v.oneOf(key+".action", t.Action, escalations)
		if t.Strikes <= 0 {
			v.fail(key+".strikes", "must be positive")
		}
		if i > 0 {
			prev := r.Thresholds[i-1]
			if t.Strikes <= prev.Strikes {
				v.fail(key+".strikes", "thresholds must ascend: %d after %d", t.Strikes, prev.Strikes)
			}
			if Severity(t.Action) < Severity(prev.Action) {
				v.fail(key+".action", "%s is milder than the previous %s", t.Action, prev.Action)
			}
		}
	}
	if r.PriorWarningRequired && len(r.Thresholds) > 0 && r.Thresholds[0].Action != ActionWarn {
		v.fail("repeat_infringer.thresholds[0].action", "prior_warning_required needs a first threshold of warn")
	}

	m := p.NotifierMisuse
	v.required("notifier_misuse.metrics.window", m.Metrics.Window)
	v.rate("notifier_misuse.metrics.takedown_success_rate_min", m.Metrics.TakedownSuccessRateMin)
	v.rate("notifier_misuse.metrics.counter_success_rate_max", m.Metrics.CounterSuccessRateMax)
	if m.Metrics.MinNotices < 0 {
		v.fail("notifier_misuse.metrics.min_notices", "must not be negative")
	}
	v.rate("notifier_misuse.manifestly_unfounded_threshold.ratio", m.ManifestlyUnfoundedThreshold.Ratio)
	if m.ManifestlyUnfoundedThreshold.Absolute < 0 {
		v.fail("notifier_misuse.manifestly_unfounded_threshold.absolute", "must not be negative")
	}
	v.required("notifier_misuse.manifestly_unfounded_threshold.window", m.ManifestlyUnfoundedThreshold.Window)
	for i, a := range m.Actions {
		v.oneOf("notifier_misuse.actions["+strconv.Itoa(i)+"].action", a.Action, misuseActions)
	}

	v.required("retention.case_records", p.Retention.CaseRecords)
	v.oneOf("retention.from", p.Retention.From, retentionFrom)
	if p.ConsumerInformation.Enabled {
		v.required("consumer_information.look_back", p.ConsumerInformation.LookBack)
	}
}

// fields checks a form's required fields and their attestation texts: every
// field is known, every attestation field has a complete text, and every
// text belongs to a required attestation field.
func (v *validator) fields(fieldsKey, textsKey string, fields []string, texts map[string]Attestation) {
	if len(fields) == 0 {
		v.fail(fieldsKey, "at least one field required")
	}
	for i, f := range fields {
		switch fieldKind(f) {
		case 0:
			v.fail(fieldsKey+"["+strconv.Itoa(i)+"]", "unknown field %q", f)
		case fieldAttestation:
			if _, ok := texts[f]; !ok {
				v.fail(textsKey, "missing attestation text for required field %q", f)
			}
		}
	}
	for k, a := range texts {
		key := textsKey + "." + k
		if !IsAttestation(k) {
			v.fail(key, "%q is not an attestation field", k)
		} else if !slices.Contains(fields, k) {
			v.fail(key, "attestation %q is not among the required fields", k)
		}
		if strings.TrimSpace(a.Version) == "" {
			v.fail(key+".version", "required")
		}
		if strings.TrimSpace(a.ZH) == "" {
			v.fail(key+".zh", "required")
		}
		if strings.TrimSpace(a.EN) == "" {
			v.fail(key+".en", "required")
		}
		v.oneOf(key+".authoritative", a.Authoritative, []string{"zh", "en"})
	}
}

func (v *validator) restoration(t *RestorationTimer) {
	const k = "restoration_timer"
	v.oneOf(k+".start_event", t.StartEvent, startEvents)
	v.oneOf(k+".start_offset", t.StartOffset, startOffsets)
	v.required(k+".duration.min", t.Duration.Min)
	v.required(k+".duration.max", t.Duration.Max)
	if !t.Duration.Min.IsZero() && !t.Duration.Max.IsZero() {
		if t.Duration.Min.Unit != t.Duration.Max.Unit || t.Duration.Min.Calendar != t.Duration.Max.Calendar {
			v.fail(k+".duration", "min and max must use the same unit and calendar")
		} else if t.Duration.Min.Value > t.Duration.Max.Value {
			v.fail(k+".duration", "min %s exceeds max %s", t.Duration.Min, t.Duration.Max)
		}
	}
	v.oneOf(k+".end_rule", t.EndRule, endRules)
	if len(t.BlockingEvidence) == 0 {
		v.fail(k+".blocking_evidence", "at least one kind of evidence required")
	}
	v.allOf(k+".blocking_evidence", t.BlockingEvidence, blockingEvidences)
	v.oneOf(k+".on_expiry", t.OnExpiry, onExpiries)
	if tl := t.Tolling; tl != nil {
		if len(tl.AllowedReasons) == 0 {
			v.fail(k+".tolling.allowed_reasons", "at least one reason required")
		}
		v.allOf(k+".tolling.allowed_reasons", tl.AllowedReasons, tollingReasons)
		v.oneOf(k+".tolling.cap_mode", tl.CapMode, capModes)
		v.required(k+".tolling.hard_cap", tl.HardCap)
	}
}
