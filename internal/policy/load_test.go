package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultProfiles(t *testing.T) {
	set := mustDefault(t)
	want := []string{"cn-ecl", "eu-dsa", "us-dmca-512", "us-tm-marketplace"}
	if got := set.IDs(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("IDs() = %v, want %v", got, want)
	}
	cn, _ := set.Profile("cn-ecl")
	dmca, _ := set.Profile("us-dmca-512")
	tm, _ := set.Profile("us-tm-marketplace")
	dsa, _ := set.Profile("eu-dsa")
	checks := []struct {
		name      string
		got, want any
	}{
		{"cn timing", cn.Decision.MeasureTiming, TimingImmediate},
		{"cn restore window", cn.RestorationTimer.Duration.Min.String(), "15 CD@CN_WD"},
		{"cn restore rule", cn.RestorationTimer.Rule(), "CC201+CC203"},
		{"cn tolling cap", cn.RestorationTimer.Tolling.HardCap.String(), "20 WD@CN_WD"},
		{"cn publication", cn.Publication.PublicRegister, true},
		{"cn attestation is Chinese-authoritative", cn.Notice.AttestationTexts["attest_truthfulness"].Authoritative, "zh"},
		{"dmca counter type", dmca.CounterNotice.Type, CounterUS512g3},
		{"dmca restore min", dmca.RestorationTimer.Duration.Min.String(), "10 BD@US_FED_BD"},
		{"dmca restore max", dmca.RestorationTimer.Duration.Max.String(), "14 BD@US_FED_BD"},
		{"dmca restore rule", dmca.RestorationTimer.Rule(), ""},
		{"dmca 512(c)(3)(B)(ii) contact", dmca.Notice.CureProcess.DMCA512c3BiiContact, true},
		{"dmca (v) text", dmca.Notice.AttestationTexts["attest_good_faith"].EN,
			"I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law."},
		{"tm counter type", tm.CounterNotice.Type, CounterPlatformAppeal},
		{"tm trusted lane immediate", tm.Decision.Timing(true), TimingImmediate},
		{"tm untrusted reviewed", tm.Decision.Timing(false), TimingAfterReview},
		{"tm has no timer", tm.RestorationTimer == nil, true},
		{"dsa timing", dsa.Decision.MeasureTiming, TimingAfterReview},
		{"dsa ack", dsa.Acknowledgement.Required, true},
		{"dsa complaints", dsa.ComplaintsAvailable(), true},
		{"dsa complaint window", dsa.Complaints.Window.String(), "6 months"},
		{"dsa sor", dsa.SellerNotification.IncludeSoR173 && dsa.SubmitsSoRToDatabase(), true},
		{"dsa trusted-flagger sla", dsa.Decision.ReviewDeadline("trusted_flagger").String(), "48 h"},
		{"dsa default sla", dsa.Decision.ReviewDeadline("patent").String(), "5 CD"},
		{"dsa counter none", dsa.CounterNotice.Type, CounterNone},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

// mutated returns an fs holding every embedded profile, with name changed by edit.
func mutated(t *testing.T, name string, edit func(m map[string]any)) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := embedded.ReadDir("profiles")
	if err != nil {
		t.Fatalf("read embedded: %v", err)
	}
	for _, e := range entries {
		raw, err := embedded.ReadFile("profiles/" + e.Name())
		if err != nil {
			t.Fatalf("read %s: %v", e.Name(), err)
		}
		if e.Name() == name {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("decode %s: %v", name, err)
			}
			edit(m)
			if raw, err = json.Marshal(m); err != nil {
				t.Fatalf("encode %s: %v", name, err)
			}
		}
		fsys[e.Name()] = &fstest.MapFile{Data: raw}
	}
	return fsys
}

func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		edit     func(m map[string]any)
		wantKey  string
		wantText string
	}{
		{"unknown top-level key", "cn-ecl.json", func(m map[string]any) { m["colour"] = "red" }, "", `unknown field "colour"`},
		{"unknown nested key", "eu-dsa.json", func(m map[string]any) { obj(m, "decision")["measure_timming"] = "x" }, "", `unknown field "measure_timming"`},
		{"bad period", "cn-ecl.json", func(m map[string]any) { obj(m, "restoration_timer", "tolling")["hard_cap"] = "20 WD" }, "restoration_timer.tolling.hard_cap", "working-day calendar"},
		{"bad period in a list", "cn-ecl.json", func(m map[string]any) {
			obj(m, "repeat_infringer")["thresholds"].([]any)[1].(map[string]any)["duration"] = "30 fortnights"
		}, "repeat_infringer.thresholds[1].duration", "unknown unit"},
		{"missing attestation text", "us-dmca-512.json", func(m map[string]any) { delete(obj(m, "notice", "attestation_texts"), "attest_accuracy_perjury") }, "notice.attestation_texts", `"attest_accuracy_perjury"`},
		{"attestation without english", "eu-dsa.json", func(m map[string]any) { obj(m, "notice", "attestation_texts", "attest_bona_fide")["en"] = " " }, "notice.attestation_texts.attest_bona_fide.en", "required"},
		{"counter attestation missing", "us-dmca-512.json", func(m map[string]any) {
			delete(obj(m, "counter_notice", "attestations"), "attest_consent_jurisdiction")
		}, "counter_notice.attestations", `"attest_consent_jurisdiction"`},
		{"unknown field name", "cn-ecl.json", func(m map[string]any) { obj(m, "notice")["required_fields"] = []any{"identity_real", "horoscope"} }, "notice.required_fields[1]", "unknown field"},
		{"unknown enum", "cn-ecl.json", func(m map[string]any) { obj(m, "decision")["measure_timing"] = "whenever" }, "decision.measure_timing", `unknown value "whenever"`},
		{"unknown measure", "eu-dsa.json", func(m map[string]any) { obj(m, "decision")["allowed_measures"] = []any{"delist", "shame"} }, "decision.allowed_measures[1]", "unknown measure"},
		{"thresholds descending", "us-dmca-512.json", func(m map[string]any) {
			obj(m, "repeat_infringer")["thresholds"] = []any{map[string]any{"strikes": 3, "action": "warn"}, map[string]any{"strikes": 2, "action": "terminate"}}
		}, "repeat_infringer.thresholds[1].strikes", "must ascend"},
		{"thresholds milder", "us-dmca-512.json", func(m map[string]any) {
			obj(m, "repeat_infringer")["thresholds"] = []any{map[string]any{"strikes": 1, "action": "suspend"}, map[string]any{"strikes": 2, "action": "warn"}}
		}, "repeat_infringer.thresholds[1].action", "milder"},
		{"prior warning needs warn first", "eu-dsa.json", func(m map[string]any) {
			obj(m, "repeat_infringer")["thresholds"] = []any{map[string]any{"strikes": 2, "action": "suspend"}}
		}, "repeat_infringer.thresholds[0].action", "prior_warning_required"},
		{"rate out of range", "eu-dsa.json", func(m map[string]any) { obj(m, "notifier_misuse", "metrics")["takedown_success_rate_min"] = 90 }, "notifier_misuse.metrics.takedown_success_rate_min", "outside [0,1]"},
		{"wrong type", "eu-dsa.json", func(m map[string]any) { obj(m, "counter_notice")["max_attempts"] = "three" }, "counter_notice.max_attempts", "cannot unmarshal"},
		{"declaration without timer", "cn-ecl.json", func(m map[string]any) { m["restoration_timer"] = nil }, "restoration_timer", "required"},
		{"dmca window min above max", "us-dmca-512.json", func(m map[string]any) {
			obj(m, "restoration_timer")["duration"] = map[string]any{"min": "15 BD@US_FED_BD", "max": "14 BD@US_FED_BD"}
		}, "restoration_timer.duration", "exceeds"},
		{"id and file name differ", "eu-dsa.json", func(m map[string]any) { m["profile_id"] = "eu-dsa-2" }, "profile_id", "file name"},
		{"enabled complaints need a window", "eu-dsa.json", func(m map[string]any) { obj(m, "complaints")["window"] = nil }, "complaints.window", "period required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(mutated(t, tt.file, tt.edit))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			if le.File != tt.file {
				t.Errorf("error file = %q, want %q", le.File, tt.file)
			}
			if le.Key != tt.wantKey {
				t.Errorf("error key = %q, want %q (error: %v)", le.Key, tt.wantKey, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

func TestLoadOperatorOverride(t *testing.T) {
	fsys := mutated(t, "cn-ecl.json", func(m map[string]any) {
		obj(m, "decision")["measure_timing"] = TimingAfterResponseWindow
		obj(m, "decision")["response_window"] = "3 WD@CN_WD"
		obj(m, "counter_notice")["max_attempts"] = 3
	})
	fsys["README.md"] = &fstest.MapFile{Data: []byte("not a profile")}
	set, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	cn, err := set.Profile("cn-ecl")
	if err != nil {
		t.Fatalf("Profile: %v", err)
	}
	if got, want := cn.Decision.ResponseWindow.String(), "3 WD@CN_WD"; got != want {
		t.Errorf("response window = %q, want %q", got, want)
	}
	if got, want := cn.CounterNotice.MaxAttempts, 3; got != want {
		t.Errorf("max attempts = %d, want %d", got, want)
	}
	if _, err := set.Profile("cn-alibaba"); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("Profile(unknown) error = %v, want ErrUnknownProfile", err)
	}
}

func TestLoadEmpty(t *testing.T) {
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Error("Load(empty) succeeded, want an error")
	}
}
