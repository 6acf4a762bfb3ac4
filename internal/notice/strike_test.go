package notice

import (
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
	"github.com/google/go-cmp/cmp"
)

func TestEscalate(t *testing.T) {
	env, _ := testEnv(t)
	dsa, _ := env.Profiles.Profile("eu-dsa")       // 1 warn, 3 suspend 30 CD, 5 suspend 90 CD, 7 terminate; prior warning
	dmca, _ := env.Profiles.Profile("us-dmca-512") // 1 warn, 3 terminate; no prior warning required
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	strikes := func(profile string, status StrikeStatus, days ...int) []Strike {
		var out []Strike
		for i, d := range days {
			out = append(out, Strike{CaseID: "C" + string(rune('a'+i)), Profile: profile, Status: status, CreatedAt: ago(d)})
		}
		return out
	}
	warned := []Sanction{{Profile: "eu-dsa", Action: policy.ActionWarn, Level: 1, At: ago(100)}}
	thirty := policy.Period{Value: 30, Unit: policy.UnitCalendarDays, Calendar: policy.CalendarCD}
	tests := []struct {
		name      string
		p         *policy.Profile
		strikes   []Strike
		sanctions []Sanction
		want      Escalation
	}{
		{"no strikes", dsa, nil, nil, Escalation{}},
		{"first strike warns", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 10), nil,
			Escalation{Action: policy.ActionWarn, Enforcement: ActionWarnSeller, Level: 1, Counted: 1}},
		{"warning already given", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 10), warned,
			Escalation{Level: 1, Counted: 1, AlreadyTaken: true}},
		{"third strike suspends after the warning", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 10, 50, 200), warned,
			Escalation{Action: policy.ActionSuspend, Duration: thirty, Enforcement: ActionSuspendSeller, Level: 3, Counted: 3}},
		{"third strike without a prior warning warns first", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 10, 50, 200), nil,
			Escalation{Action: policy.ActionWarn, Enforcement: ActionWarnSeller, Level: 3, Counted: 3, WarningFirst: true}},
		{"expired strikes are ignored", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 10, 400, 500), warned,
			Escalation{Level: 1, Counted: 1, Expired: 2, AlreadyTaken: true}},
		{"provisional and voided strikes do not count", dsa,
			append(strikes("eu-dsa", StrikeStatusProvisional, 1, 2), strikes("eu-dsa", StrikeStatusVoided, 3)...), nil,
			Escalation{Ignored: 3}},
		{"other profiles' strikes do not count", dsa, strikes("cn-ecl", StrikeStatusConfirmed, 1, 2, 3), nil,
			Escalation{Ignored: 3}},
		{"seven strikes terminate", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 1, 2, 3, 4, 5, 6, 7),
			append(warned, Sanction{Profile: "eu-dsa", Action: policy.ActionSuspend, Level: 5, At: ago(3)}),
			Escalation{Action: policy.ActionTerminate, Enforcement: ActionTerminateSeller, Level: 7, Counted: 7}},
		{"DMCA: three strikes in 12 months terminate without a warning", dmca, strikes("us-dmca-512", StrikeStatusConfirmed, 1, 100, 300), nil,
			Escalation{Action: policy.ActionTerminate, Enforcement: ActionTerminateSeller, Level: 3, Counted: 3}},
		{"DMCA: a strike past 12 months drops below termination", dmca, strikes("us-dmca-512", StrikeStatusConfirmed, 1, 100, 366), nil,
			Escalation{Action: policy.ActionWarn, Enforcement: ActionWarnSeller, Level: 1, Counted: 2, Expired: 1}},
		{"an expired sanction is taken again", dsa, strikes("eu-dsa", StrikeStatusConfirmed, 10),
			[]Sanction{{Profile: "eu-dsa", Action: policy.ActionWarn, Level: 1, At: ago(400)}},
			Escalation{Action: policy.ActionWarn, Enforcement: ActionWarnSeller, Level: 1, Counted: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Escalate(tt.strikes, tt.sanctions, tt.p, now, env.Deadlines)
			if err != nil {
				t.Fatalf("Escalate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Escalate mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("provisional strikes count when the profile says so", func(t *testing.T) {
		p := *dmca
		p.RepeatInfringer.Count = "provisional_and_confirmed"
		got, err := Escalate(strikes("us-dmca-512", StrikeStatusProvisional, 1, 2, 3), nil, &p, now, env.Deadlines)
		if err != nil {
			t.Fatalf("Escalate: %v", err)
		}
		if got.Action != policy.ActionTerminate || got.Counted != 3 {
			t.Errorf("got %+v, want terminate on 3 counted strikes", got)
		}
	})
}

func TestAssess(t *testing.T) {
	env, _ := testEnv(t)
	cn, _ := env.Profiles.Profile("cn-ecl") // 90% / 5%, min 20; unfounded ≥10 and ≥50%; warn, revoke, suspend 30 CD
	tests := []struct {
		name       string
		o          NotifierOutcomes
		wasTrusted bool
		steps      int
		want       Accuracy
	}{
		{"too few notices for a verdict", NotifierOutcomes{Accepted: 5}, false, 0,
			Accuracy{Decided: 5, Successful: 5, TakedownSuccessRate: 1, Lane: LaneInsufficient}},
		{"accurate notifier joins the trusted lane", NotifierOutcomes{Accepted: 95, Rejected: 5, RestoredAfterCounter: 2}, false, 0,
			Accuracy{Decided: 100, Successful: 93, TakedownSuccessRate: 0.93, CounterSuccessRate: 2.0 / 95, Lane: LaneTrusted}},
		{"too many successful counter-notices loses the lane", NotifierOutcomes{Accepted: 95, Rejected: 0, RestoredAfterCounter: 3, ReversedOnAppeal: 3}, true, 0,
			Accuracy{Decided: 95, Successful: 89, TakedownSuccessRate: 89.0 / 95, CounterSuccessRate: 6.0 / 95, Lane: LaneStandard, RevokeTrustedLane: true}},
		{"low takedown success rate", NotifierOutcomes{Accepted: 80, Rejected: 20}, false, 0,
			Accuracy{Decided: 100, Successful: 80, TakedownSuccessRate: 0.8, Lane: LaneStandard}},
		{"manifestly unfounded notices: warning first", NotifierOutcomes{Accepted: 10, Rejected: 30, ManifestlyUnfounded: 25}, false, 0,
			Accuracy{Decided: 40, Successful: 10, TakedownSuccessRate: 0.25, UnfoundedRate: 0.625, Lane: LaneStandard, Misuse: true, Action: policy.MisuseWarn}},
		{"after the warning and revocation: suspension", NotifierOutcomes{Accepted: 10, Rejected: 30, ManifestlyUnfounded: 25}, false, 5,
			Accuracy{Decided: 40, Successful: 10, TakedownSuccessRate: 0.25, UnfoundedRate: 0.625, Lane: LaneStandard, Misuse: true,
				Action: policy.MisuseSuspendProcessing, Duration: policy.Period{Value: 30, Unit: policy.UnitCalendarDays, Calendar: policy.CalendarCD}}},
		{"many unfounded but a small share is no misuse", NotifierOutcomes{Accepted: 100, Rejected: 20, ManifestlyUnfounded: 12}, false, 0,
			Accuracy{Decided: 120, Successful: 100, TakedownSuccessRate: 100.0 / 120, UnfoundedRate: 0.1, Lane: LaneStandard}},
		{"a high share but few is no misuse", NotifierOutcomes{Rejected: 4, ManifestlyUnfounded: 4}, false, 0,
			Accuracy{Decided: 4, UnfoundedRate: 1, Lane: LaneInsufficient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Assess(tt.o, cn, tt.wasTrusted, tt.steps)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Assess mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
