package notice

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
	"github.com/google/go-cmp/cmp"
)

func TestChinaECL(t *testing.T) {
	cn := scopeSpec{"cn-ecl", []string{"CN"}}
	delivered := day(2)

	t.Run("declaration restores after 15 days", func(t *testing.T) {
		env, cal := testEnv(t)
		c, effs := mustNew(t, intake("counterfeit", cn), env)
		if len(effs) != 0 {
			t.Fatalf("New effects = %v, want none (no acknowledgement under cn-ecl)", effs)
		}
		runScenario(t, env, c, []stepSpec{
			{name: "qualified notice is actioned at once", ev: ev(Validated{}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					want := []MeasureApplied{{Seq: 1, Profile: "cn-ecl", Territories: []string{"CN"}, Measure: "delist",
						Kind: policy.KindVisibility, Subtype: "DECISION_VISIBILITY_CONTENT_REMOVED"}}
					if diff := cmp.Diff(want, only[MeasureApplied](effs)); diff != "" {
						t.Errorf("measures (-want +got):\n%s", diff)
					}
					if got := only[Publish](effs); len(got) != 1 || got[0].Kind != "notice" || got[0].Entry.Notifier != "Brand Co" {
						t.Errorf("publications = %+v, want one ECL 44 notice entry", got)
					}
					if got := only[StrikeProvisional](effs); len(got) != 1 || got[0].Profile != "cn-ecl" {
						t.Errorf("strikes = %+v, want one provisional cn-ecl strike", got)
					}
					if got := only[StatementOfReasons](effs); len(got) != 0 {
						t.Errorf("statements of reasons = %+v, want none outside the EU", got)
					}
					if got := only[Notify](effs); !slices.ContainsFunc(got, func(n Notify) bool {
						return n.Party == PartySeller && n.Template == "notice.forwarded" && n.RuleRef == "ECL 42(2)"
					}) {
						t.Errorf("notifications = %+v, want the notice forwarded to the seller under ECL 42(2)", got)
					}
					if got := only[EnforcementAction](effs); len(got) != 1 || got[0].Type != ActionRemoveListing {
						t.Errorf("enforcement = %+v, want one remove_listing", got)
					}
				}},
			{name: "declaration received", day: 1, ev: ev(cnCounter()), want: StateCounterReceived},
			{name: "declaration forwarded with advice", day: 1, ev: ev(CounterValidated{}), want: StateCounterForwarded,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(only[TimerSet](effs)) != 0 {
						t.Errorf("timer set before delivery: %+v", only[TimerSet](effs))
					}
					if got := only[Publish](effs); len(got) != 1 || got[0].Kind != "declaration" {
						t.Errorf("publications = %+v, want the declaration", got)
					}
					if got := only[Notify](effs); len(got) != 1 || got[0].Template != "counter.forwarded" || got[0].RuleRef != "ECL 43(2)" {
						t.Errorf("notifications = %+v, want counter.forwarded under ECL 43(2)", got)
					}
				}},
			{name: "delivery starts the 15 CD clock", day: 2, ev: ev(CounterDelivered{At: delivered}), want: StateCounterForwarded,
				check: func(t *testing.T, c Case, effs []Effect) {
					ts := only[TimerSet](effs)
					if len(ts) != 1 {
						t.Fatalf("timers set = %+v, want one", ts)
					}
					got := ts[0]
					if got.Kind != TimerRestore || !got.Due.Equal(delivered.AddDate(0, 0, 15)) || got.Rule != "CC201+CC203" ||
						got.Calendar != policy.CalendarCNWD || !strings.HasPrefix(got.RuleRef, "ECL 43(2)") || got.OnExpiry != "terminate_measures" {
						t.Errorf("restore timer = %+v, want 15 CD from delivery, rule CC201+CC203, ref ECL 43(2)", got)
					}
					if !slices.Contains(cal.calls, dueCall{delivered, "15 CD@CN_WD", "CC201+CC203"}) ||
						!slices.Contains(cal.calls, dueCall{delivered, "20 WD@CN_WD", "CC201+CC203"}) {
						t.Errorf("deadline calls = %+v, want 15 CD and the 20 WD cap from delivery", cal.calls)
					}
				}},
			{name: "delivery twice is refused", day: 3, ev: ev(CounterDelivered{At: day(3)}), wantErr: ErrBadEvent},
			{name: "timer cannot fire early", day: 16.9, ev: fire(TimerRestore), wantErr: ErrTimerNotDue},
			{name: "expiry restores", day: 17, ev: fire(TimerRestore), want: StateRestored,
				check: func(t *testing.T, c Case, effs []Effect) {
					want := []MeasureLifted{{Seq: 1, Profile: "cn-ecl", Territories: []string{"CN"}, Measure: "delist"}}
					if diff := cmp.Diff(want, only[MeasureLifted](effs)); diff != "" {
						t.Errorf("lifted (-want +got):\n%s", diff)
					}
					if got := only[StrikeVoided](effs); len(got) != 1 {
						t.Errorf("voided strikes = %+v, want one", got)
					}
					if got := only[Publish](effs); len(got) != 1 || got[0].Kind != "result" {
						t.Errorf("publications = %+v, want the result", got)
					}
					if len(c.RunningTimers()) != 0 {
						t.Errorf("running timers after restore: %+v", c.RunningTimers())
					}
				}},
			{name: "restored case takes no counter-notice", day: 18, ev: ev(cnCounter()), wantErr: ErrInvalidTransition},
		})
	})

	t.Run("proof of proceedings holds the measure", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("trademark", cn), env)
		runScenario(t, env, c, []stepSpec{
			{name: "qualified", ev: ev(Validated{}), want: StateActioned},
			{name: "declaration", day: 1, ev: ev(cnCounter()), want: StateCounterReceived},
			{name: "forwarded", day: 1, ev: ev(CounterValidated{}), want: StateCounterForwarded},
			{name: "evidence outside the profile list is refused", day: 1.5,
				ev: ev(ProceedingsProof{Evidence: "court_action_seeking_restraint"}), wantErr: ErrEvidenceNotAccepted},
			{name: "delivered", day: 2, ev: ev(CounterDelivered{At: delivered}), want: StateCounterForwarded},
			{name: "lawsuit filed", day: 10, ev: ev(ProceedingsProof{Evidence: "lawsuit_filed", Ref: "(2026)沪0115民初1号"}),
				want: StateHeldPendingProceedings,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(only[TimerCancelled](effs)) != 1 || len(c.RunningTimers()) != 0 {
						t.Errorf("restore timer not cancelled: effects %+v, running %+v", effs, c.RunningTimers())
					}
					if got := activeByProfile(c); len(got["cn-ecl"]) != 1 {
						t.Errorf("active measures = %v, want the CN measure kept", got)
					}
				}},
			{name: "court finds infringement", day: 90, ev: ev(ProceedingsDecided{Infringing: true}), want: StateClosedUpheld,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := only[StrikeConfirmed](effs); len(got) != 1 || got[0].Profile != "cn-ecl" {
						t.Errorf("confirmed strikes = %+v, want one under cn-ecl", got)
					}
				}},
		})
	})

	t.Run("proof after the deadline is too late", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("trademark", cn), env)
		runScenario(t, env, c, []stepSpec{
			{name: "qualified", ev: ev(Validated{}), want: StateActioned},
			{name: "declaration", day: 1, ev: ev(cnCounter()), want: StateCounterReceived},
			{name: "forwarded", day: 1, ev: ev(CounterValidated{}), want: StateCounterForwarded},
			{name: "delivered", day: 2, ev: ev(CounterDelivered{At: delivered}), want: StateCounterForwarded},
			{name: "late proof", day: 17.5, ev: ev(ProceedingsProof{Evidence: "lawsuit_filed"}), wantErr: ErrDeadlinePassed},
			{name: "non-infringement after hold", day: 17.5, ev: fire(TimerRestore), want: StateRestored},
		})
	})

	t.Run("incomplete declaration and incomplete notice", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("trademark", cn), env)
		bad := cnCounter()
		bad.Attestations = map[string]string{"attest_truthfulness": "cn-ecl-declaration-0"}
		runScenario(t, env, c, []stepSpec{
			{name: "missing evidence", ev: ev(Validated{Missing: []string{"prima_facie_evidence"}}), want: StateIncomplete,
				check: func(t *testing.T, c Case, effs []Effect) {
					tm := timerOf(t, c, TimerCureWindow)
					if !tm.DueAt.Equal(t0.AddDate(0, 0, 5)) || tm.Calendar != policy.CalendarCNWD {
						t.Errorf("cure timer = %+v, want 5 WD on CN_WD", tm)
					}
					if len(only[MeasureApplied](effs)) != 0 {
						t.Errorf("measure taken on an incomplete notice")
					}
				}},
			{name: "completed", day: 1, ev: ev(Completed{}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(only[TimerCancelled](effs)) != 1 {
						t.Errorf("cure timer not cancelled: %+v", effs)
					}
				}},
			{name: "stale attestation version", day: 2, ev: ev(bad), want: StateCounterReceived},
			{name: "counter incomplete", day: 2, ev: ev(CounterValidated{}), want: StateCounterIncomplete,
				check: func(t *testing.T, c Case, effs []Effect) {
					if !slices.Equal(c.Counter.Missing, []string{"attest_truthfulness"}) {
						t.Errorf("missing = %v, want [attest_truthfulness]", c.Counter.Missing)
					}
				}},
			{name: "refiled", day: 3, ev: ev(cnCounter()), want: StateCounterReceived},
			{name: "reviewer finds evidence missing", day: 3, ev: ev(CounterValidated{Missing: []string{"prima_facie_non_infringement"}}), want: StateCounterIncomplete},
			{name: "closed upheld", day: 30, ev: ev(CaseClosed{Reason: "no complete declaration"}), want: StateClosedUpheld},
		})
	})

	t.Run("cure window expires", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("trademark", cn), env)
		runScenario(t, env, c, []stepSpec{
			{name: "incomplete", ev: ev(Validated{Missing: []string{"right_proof"}}), want: StateIncomplete},
			{name: "expired", day: 5, ev: ev(CureWindowExpired{}), want: StateRejected,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(c.RunningTimers()) != 0 {
						t.Errorf("running timers: %+v", c.RunningTimers())
					}
				}},
		})
	})
}

func TestChinaTolling(t *testing.T) {
	delivered := day(2)
	base := delivered.AddDate(0, 0, 15)
	capAt := delivered.AddDate(0, 0, 20) // the double counts 20 WD as 20 days
	tests := []struct {
		name    string
		mode    string
		reqs    []TollingRequested
		want    time.Time
		wantErr error
	}{
		{"total period extends by the delay", policy.CapTotalPeriod,
			[]TollingRequested{{"NOTARIZATION", Interval{day(3), day(5)}}}, base.AddDate(0, 0, 2), nil},
		{"overlapping delays count once", policy.CapTotalPeriod,
			[]TollingRequested{{"NOTARIZATION", Interval{day(3), day(5)}}, {"AUTHENTICATION", Interval{day(4), day(6)}}}, base.AddDate(0, 0, 3), nil},
		{"total period is capped at 20 WD", policy.CapTotalPeriod,
			[]TollingRequested{{"OTHER_BEYOND_CONTROL", Interval{day(3), day(13)}}}, capAt, nil},
		{"excluded delay is capped separately", policy.CapExcludedDelay,
			[]TollingRequested{{"NOTARIZATION", Interval{day(3), day(13)}}}, base.AddDate(0, 0, 10), nil},
		{"unknown reason", policy.CapTotalPeriod,
			[]TollingRequested{{"HOLIDAY", Interval{day(3), day(5)}}}, base, ErrTollingNotAllowed},
		{"empty interval", policy.CapTotalPeriod,
			[]TollingRequested{{"NOTARIZATION", Interval{day(5), day(5)}}}, base, ErrBadEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(t, func(m profileMap) {
				rt := *m["cn-ecl"].RestorationTimer
				tl := *rt.Tolling
				tl.CapMode = tt.mode
				rt.Tolling = &tl
				m["cn-ecl"].RestorationTimer = &rt
			})
			c, _ := mustNew(t, intake("trademark", scopeSpec{"cn-ecl", []string{"CN"}}), env)
			c, _ = step(t, c, Validated{}, env)
			c, _ = step(t, c, cnCounter(), at(env, day(1)))
			c, _ = step(t, c, CounterValidated{}, at(env, day(1)))
			c, _ = step(t, c, CounterDelivered{At: delivered}, at(env, day(2)))
			var err error
			for _, r := range tt.reqs {
				var n Case
				n, _, err = Apply(c, r, at(env, day(7)))
				if err != nil {
					break
				}
				c = n
			}
			if tt.wantErr != nil {
				if !errorsIs(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("tolling: %v", err)
			}
			tm := timerOf(t, c, TimerRestore)
			if !tm.DueAt.Equal(tt.want) {
				t.Errorf("restore due = %v, want %v", tm.DueAt, tt.want)
			}
			if !tm.BaseDueAt.Equal(base) {
				t.Errorf("base due = %v, want %v", tm.BaseDueAt, base)
			}
		})
	}
}

func TestUSDMCA(t *testing.T) {
	us := scopeSpec{"us-dmca-512", []string{"US"}}
	received := day(3)

	t.Run("counter-notice restores between 10 and 14 business days", func(t *testing.T) {
		env, cal := testEnv(t)
		c, _ := mustNew(t, intake("copyright", us), env)
		runScenario(t, env, c, []stepSpec{
			{name: "incomplete: contact the complainant", ev: ev(Validated{Missing: []string{"attest_accuracy_perjury"}}), want: StateIncomplete,
				check: func(t *testing.T, c Case, effs []Effect) {
					n := only[Notify](effs)
					if len(n) != 1 || n[0].RuleRef != "17 U.S.C. 512(c)(3)(B)(ii)" || n[0].Party != PartyNotifier {
						t.Errorf("notifications = %+v, want a 512(c)(3)(B)(ii) contact", n)
					}
				}},
			{name: "completed and removed expeditiously", day: 1, ev: ev(Completed{}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := activeByProfile(c); !slices.Equal(got["us-dmca-512"], []string{"US"}) {
						t.Errorf("active = %v, want the US measure", got)
					}
					if !slices.ContainsFunc(only[Notify](effs), func(n Notify) bool { return n.RuleRef == "17 U.S.C. 512(g)(2)(A)" }) {
						t.Errorf("subscriber not notified under 512(g)(2)(A): %+v", only[Notify](effs))
					}
					if len(only[Publish](effs))+len(only[StatementOfReasons](effs)) != 0 {
						t.Errorf("publication or SoR under the DMCA: %+v", effs)
					}
				}},
			{name: "counter-notice", day: 3, ev: ev(dmcaCounter()), want: StateCounterReceived},
			{name: "forwarded with the restore date", day: 4, ev: ev(CounterValidated{}), want: StateCounterForwarded,
				check: func(t *testing.T, c Case, effs []Effect) {
					ts := only[TimerSet](effs)
					if len(ts) != 1 {
						t.Fatalf("timers = %+v, want one", ts)
					}
					got := ts[0]
					if !got.Due.Equal(received.AddDate(0, 0, 10)) || !got.Latest.Equal(received.AddDate(0, 0, 14)) ||
						got.Calendar != policy.CalendarUSFedBD || got.RuleRef != "17 U.S.C. 512(g)(2)(C)" {
						t.Errorf("restore timer = %+v, want 10..14 BD from receipt on US_FED_BD", got)
					}
					if !slices.Contains(cal.calls, dueCall{received, "10 BD@US_FED_BD", RuleWindowOpens}) || !slices.Contains(cal.calls, dueCall{received, "14 BD@US_FED_BD", RuleWindowCloses}) {
						t.Errorf("deadline calls = %+v, want 10 BD from receipt", cal.calls)
					}
					n := only[Notify](effs)
					if len(n) != 1 || !n[0].Due.Equal(got.Due) || n[0].RuleRef != "17 U.S.C. 512(g)(2)(B)" {
						t.Errorf("forwarding = %+v, want the restore date under 512(g)(2)(B)", n)
					}
				}},
			{name: "a DMCA case takes no tolling", day: 5, ev: ev(TollingRequested{"NOTARIZATION", Interval{day(4), day(5)}}), wantErr: ErrTollingNotAllowed},
			{name: "authority complaint does not block a DMCA restore", day: 5, ev: ev(ProceedingsProof{Evidence: "authority_complaint_filed"}), wantErr: ErrEvidenceNotAccepted},
			{name: "restored at 10 BD", day: 13, ev: fire(TimerRestore), want: StateRestored,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := only[StrikeVoided](effs); len(got) != 1 || got[0].Profile != "us-dmca-512" {
						t.Errorf("voided = %+v, want the DMCA strike", got)
					}
				}},
		})
	})

	t.Run("court action blocks restoration", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("copyright", us), env)
		runScenario(t, env, c, []stepSpec{
			{name: "actioned", ev: ev(Validated{}), want: StateActioned},
			{name: "counter", day: 3, ev: ev(dmcaCounter()), want: StateCounterReceived},
			{name: "forwarded", day: 3, ev: ev(CounterValidated{}), want: StateCounterForwarded},
			{name: "court action", day: 9, ev: ev(ProceedingsProof{Evidence: "court_action_seeking_restraint", Ref: "1:26-cv-00001"}), want: StateHeldPendingProceedings},
			{name: "no infringement found", day: 200, ev: ev(ProceedingsDecided{Infringing: false}), want: StateRestored},
		})
	})

	t.Run("no counter-notice: closed upheld", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("copyright", us), env)
		runScenario(t, env, c, []stepSpec{
			{name: "actioned", ev: ev(Validated{}), want: StateActioned},
			{name: "closed", day: 60, ev: ev(CaseClosed{Reason: "no counter-notice"}), want: StateClosedUpheld,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := only[StrikeConfirmed](effs); len(got) != 1 {
						t.Errorf("confirmed = %+v, want one", got)
					}
				}},
			{name: "retraction after closure is invalid", day: 61, ev: ev(Retracted{}), wantErr: ErrInvalidTransition},
		})
	})

	t.Run("rejected notice", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("copyright", us), env)
		runScenario(t, env, c, []stepSpec{
			{name: "not an IP claim", ev: ev(Validated{RejectReason: "not an IP claim"}), want: StateRejected},
		})
	})
}

func TestUSTrademarkMarketplace(t *testing.T) {
	us := scopeSpec{"us-tm-marketplace", []string{"US"}}
	appeal := CounterNoticeFiled{Fields: []string{"contact", "item_locators", "authenticity_evidence", "explanation"}}

	t.Run("reviewed takedown and human appeal", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("counterfeit", us), env)
		runScenario(t, env, c, []stepSpec{
			{name: "standard notifier waits for review", ev: ev(Validated{}), want: StateUnderReview,
				check: func(t *testing.T, c Case, effs []Effect) {
					if tm := timerOf(t, c, TimerReviewSLA); !tm.DueAt.Equal(t0.Add(24 * time.Hour)) {
						t.Errorf("review SLA due %v, want 24 h", tm.DueAt)
					}
					if len(only[MeasureApplied](effs)) != 0 {
						t.Errorf("measure before review")
					}
				}},
			{name: "claimed", day: 0.5, ev: ev(ReviewClaimed{ReviewerID: "rev-1"}), want: StateUnderReview},
			{name: "measure outside the profile", day: 0.5, ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-1", Measures: []string{"demote"}}), wantErr: ErrMeasureNotAllowed},
			{name: "decided", day: 0.5, ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-1", Reason: "counterfeit", Measures: []string{"delist", "payout_hold"}}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := len(only[MeasureApplied](effs)); got != 2 {
						t.Errorf("measures applied = %d, want 2", got)
					}
					if got := only[EnforcementAction](effs); len(got) != 2 || got[1].Type != ActionRestrictSeller {
						t.Errorf("enforcement = %+v, want remove_listing and restrict_seller", got)
					}
					if len(only[TimerCancelled](effs)) != 1 {
						t.Errorf("review SLA not cancelled")
					}
				}},
			{name: "appeal with invoice", day: 2, ev: ev(appeal), want: StateCounterReceived},
			{name: "appeal goes to human review", day: 2, ev: ev(CounterValidated{}), want: StateComplaintOpen,
				check: func(t *testing.T, c Case, effs []Effect) {
					if cp := c.Complaints[len(c.Complaints)-1]; !cp.Appeal || cp.By != PartySeller {
						t.Errorf("complaint = %+v, want a seller appeal", cp)
					}
				}},
			{name: "no automated appeal decision", day: 3, ev: ev(ComplaintDecided{Outcome: "reversed", Automated: true}), wantErr: ErrHumanReviewRequired},
			{name: "not by the original reviewer", day: 3, ev: ev(ComplaintDecided{Outcome: "reversed", ReviewerID: "rev-1"}), wantErr: ErrSameReviewer},
			{name: "reversed by another reviewer", day: 3, ev: ev(ComplaintDecided{Outcome: "reversed", ReviewerID: "rev-2"}), want: StateRestored,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := len(only[MeasureLifted](effs)); got != 2 {
						t.Errorf("lifted = %d, want 2", got)
					}
					if got := only[StrikeVoided](effs); len(got) != 1 {
						t.Errorf("voided = %+v, want one", got)
					}
				}},
		})
	})

	t.Run("trusted notifier gets immediate takedown; retraction restores", func(t *testing.T) {
		env, _ := testEnv(t)
		in := intake("counterfeit", us)
		in.TrustedNotifier = true
		c, _ := mustNew(t, in, env)
		runScenario(t, env, c, []stepSpec{
			{name: "immediate", ev: ev(Validated{}), want: StateActioned},
			{name: "retracted", day: 4, ev: ev(Retracted{}), want: StateRetracted,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(c.ActiveMeasures("")) != 0 || len(only[StrikeVoided](effs)) != 1 {
						t.Errorf("retraction left measures %+v or strikes unvoided %+v", c.ActiveMeasures(""), effs)
					}
				}},
		})
	})

	t.Run("decided no action", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("patent", us), env)
		runScenario(t, env, c, []stepSpec{
			{name: "review", ev: ev(Validated{}), want: StateUnderReview},
			{name: "anonymous human decision", day: 1, ev: ev(Decided{Outcome: OutcomeNoAction}), wantErr: ErrBadEvent},
			{name: "no action", day: 1, ev: ev(Decided{Outcome: OutcomeNoAction, ReviewerID: "rev-1"}), want: StateNoAction,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(c.RunningTimers()) != 0 {
						t.Errorf("timers after no action without complaints: %+v", c.RunningTimers())
					}
				}},
			{name: "no complaints under this profile", day: 2, ev: ev(ComplaintFiled{By: PartyNotifier}), wantErr: ErrBadEvent},
		})
	})
}

func TestEUDSA(t *testing.T) {
	eu := scopeSpec{"eu-dsa", []string{"DE", "FR"}}

	t.Run("review, statement of reasons, complaint", func(t *testing.T) {
		env, _ := testEnv(t)
		c, effs := mustNew(t, intake("trademark", eu), env)
		if n := only[Notify](effs); len(n) != 1 || n[0].Template != "notice.acknowledged" || n[0].RuleRef != "DSA 16(4)" {
			t.Fatalf("New notifications = %+v, want a DSA 16(4) acknowledgement", n)
		}
		runScenario(t, env, c, []stepSpec{
			{name: "qualified and under review", ev: ev(Validated{}), want: StateUnderReview,
				check: func(t *testing.T, c Case, effs []Effect) {
					if tm := timerOf(t, c, TimerReviewSLA); !tm.DueAt.Equal(t0.AddDate(0, 0, 5)) {
						t.Errorf("review SLA = %v, want 5 CD", tm.DueAt)
					}
				}},
			{name: "decided", day: 1, ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-1", Reason: "Regulation (EU) 2017/1001 Art. 9(2)(a)", Measures: []string{"geo_block"}}),
				want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					sors := only[StatementOfReasons](effs)
					if len(sors) != 1 {
						t.Fatalf("statements = %+v, want one", sors)
					}
					s := sors[0]
					if !slices.Equal(s.TerritorialScope, []string{"DE", "FR"}) || s.SourceType != "SOURCE_ARTICLE_16" ||
						s.SourceIdentity != "Brand Co" || s.AutomatedDecision != "AUTOMATED_DECISION_NOT_AUTOMATED" ||
						!s.SubmitToDatabase || s.LegalGround != "Regulation (EU) 2017/1001 Art. 9(2)(a)" ||
						!s.Redress.InternalComplaint || !s.Redress.ODS || !s.Redress.ComplaintDeadline.Equal(day(1).AddDate(0, 6, 0)) ||
						s.Restrictions[0].Subtype != "DECISION_VISIBILITY_CONTENT_DISABLED" {
						t.Errorf("statement of reasons = %+v", s)
					}
					if len(only[Publish](effs)) != 0 {
						t.Errorf("ECL 44 publication under the DSA: %+v", only[Publish](effs))
					}
					timerOf(t, c, TimerComplaintWindow)
				}},
			{name: "no counter-notice under the DSA", day: 2, ev: ev(CounterNoticeFiled{Profile: "eu-dsa"}), wantErr: ErrBadEvent},
			{name: "seller complains", day: 30, ev: ev(ComplaintFiled{By: PartySeller}), want: StateComplaintOpen,
				check: func(t *testing.T, c Case, effs []Effect) {
					if tm := timerOf(t, c, TimerComplaintSLA); !tm.DueAt.Equal(day(30).AddDate(0, 0, 14)) {
						t.Errorf("complaint SLA = %v, want 14 CD", tm.DueAt)
					}
				}},
			{name: "same reviewer refused", day: 31, ev: ev(ComplaintDecided{Outcome: "upheld", ReviewerID: "rev-1"}), wantErr: ErrSameReviewer},
			{name: "automated refused", day: 31, ev: ev(ComplaintDecided{Outcome: "upheld", Automated: true}), wantErr: ErrHumanReviewRequired},
			{name: "unknown outcome", day: 31, ev: ev(ComplaintDecided{Outcome: "maybe", ReviewerID: "rev-2"}), wantErr: ErrBadEvent},
			{name: "partially reversed to demotion", day: 31, ev: ev(ComplaintDecided{Outcome: "partially_reversed", ReviewerID: "rev-2", Measures: []string{"demote"}}),
				want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(only[MeasureLifted](effs)) != 1 || len(only[MeasureApplied](effs)) != 1 {
						t.Errorf("effects = %+v, want the block lifted and a demotion applied", effs)
					}
					if s := only[StatementOfReasons](effs); len(s) != 1 || s[0].Restrictions[0].Subtype != "DECISION_VISIBILITY_CONTENT_DEMOTED" {
						t.Errorf("statements = %+v, want a new SoR for the demotion", s)
					}
					if len(only[StrikeProvisional](effs)) != 0 {
						t.Errorf("second strike for the same case")
					}
					if got := only[Notify](effs); !slices.ContainsFunc(got, func(n Notify) bool { return n.Template == "complaint.ods_information" }) {
						t.Errorf("notifications = %+v, want ODS information", got)
					}
				}},
			{name: "complaint window closes", day: 400, ev: fire(TimerComplaintWindow), want: StateActioned},
			{name: "complaint too late", day: 401, ev: ev(ComplaintFiled{By: PartySeller}), wantErr: ErrWindowClosed},
			{name: "ODS dispute", day: 402, ev: ev(DisputeOpened{BodyID: "ods-1", By: PartySeller}), want: StateDisputeOpen},
			{name: "ODS reverses and the platform implements", day: 480, ev: ev(DisputeDecided{Outcome: "reversed", Implemented: true}), want: StateRestored,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(c.ActiveMeasures("")) != 0 {
						t.Errorf("active after ODS reversal: %+v", c.ActiveMeasures(""))
					}
				}},
		})
	})

	t.Run("no action, notifier complaint reversed", func(t *testing.T) {
		env, _ := testEnv(t)
		in := intake("trademark", eu)
		in.TrustedFlagger = true
		c, _ := mustNew(t, in, env)
		runScenario(t, env, c, []stepSpec{
			{name: "trusted flagger review SLA", ev: ev(Validated{}), want: StateUnderReview,
				check: func(t *testing.T, c Case, effs []Effect) {
					if tm := timerOf(t, c, TimerReviewSLA); !tm.DueAt.Equal(t0.Add(48 * time.Hour)) {
						t.Errorf("review SLA = %v, want 48 h", tm.DueAt)
					}
				}},
			{name: "review overdue escalates", day: 2, ev: fire(TimerReviewSLA), want: StateUnderReview,
				check: func(t *testing.T, c Case, effs []Effect) {
					if n := only[Notify](effs); len(n) != 1 || n[0].Party != PartyPlatform {
						t.Errorf("notifications = %+v, want a platform escalation", n)
					}
				}},
			{name: "no action", day: 3, ev: ev(Decided{Outcome: OutcomeNoAction, ReviewerID: "rev-1"}), want: StateNoAction},
			{name: "seller cannot complain about no action", day: 4, ev: ev(ComplaintFiled{By: PartySeller}), wantErr: ErrInvalidTransition},
			{name: "notifier complains", day: 4, ev: ev(ComplaintFiled{By: PartyNotifier}), want: StateComplaintOpen},
			{name: "reversed", day: 5, ev: ev(ComplaintDecided{Outcome: "reversed", ReviewerID: "rev-2", Measures: []string{"delist"}}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					s := only[StatementOfReasons](effs)
					if len(s) != 1 || s[0].SourceType != "SOURCE_TRUSTED_FLAGGER" {
						t.Errorf("statements = %+v, want one from a trusted flagger", s)
					}
					if len(only[StrikeProvisional](effs)) != 1 {
						t.Errorf("want a provisional strike")
					}
				}},
		})
	})

	t.Run("own initiative", func(t *testing.T) {
		env, _ := testEnv(t)
		in := intake("counterfeit", eu)
		in.AutomatedDetection = true
		c, effs, err := NewOwnInitiative(in, env)
		if err != nil {
			t.Fatalf("NewOwnInitiative: %v", err)
		}
		if c.Source != SourceOwnInitiative || c.NotifierOrg != "" || len(only[TimerSet](effs)) != 1 {
			t.Fatalf("own-initiative case = %+v, effects %+v", c, effs)
		}
		runScenario(t, env, c, []stepSpec{
			{name: "no retraction without a notifier", ev: ev(Retracted{}), wantErr: ErrInvalidTransition},
			{name: "decided by rule", ev: ev(Decided{Outcome: OutcomeAction, Automated: true, Reason: "TC 4.2 counterfeit goods"}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					s := only[StatementOfReasons](effs)
					if len(s) != 1 || s[0].SourceType != "SOURCE_VOLUNTARY" || s[0].SourceIdentity != "" ||
						!s[0].AutomatedDetection || s[0].AutomatedDecision != "AUTOMATED_DECISION_FULLY" {
						t.Errorf("statement = %+v, want voluntary, automated", s)
					}
					for _, n := range only[Notify](effs) {
						if n.Party == PartyNotifier {
							t.Errorf("notifier notified on an own-initiative case: %+v", n)
						}
					}
				}},
		})
	})
}

func TestMultiProfile(t *testing.T) {
	scopes := []scopeSpec{{"cn-ecl", []string{"CN"}}, {"eu-dsa", []string{"DE"}}, {"us-tm-marketplace", []string{"US"}}}

	t.Run("counterfeit offered in CN, DE and US", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("counterfeit", scopes...), env)
		runScenario(t, env, c, []stepSpec{
			{name: "CN acts at once, EU and US wait for review", ev: ev(Validated{}), want: StateUnderReview,
				check: func(t *testing.T, c Case, effs []Effect) {
					if diff := cmp.Diff(map[string][]string{"cn-ecl": {"CN"}}, activeByProfile(c)); diff != "" {
						t.Errorf("active (-want +got):\n%s", diff)
					}
				}},
			{name: "review decides for the rest", day: 1, ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-1", Reason: "counterfeit"}), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					want := map[string][]string{"cn-ecl": {"CN"}, "eu-dsa": {"DE"}, "us-tm-marketplace": {"US"}}
					if diff := cmp.Diff(want, activeByProfile(c)); diff != "" {
						t.Errorf("active (-want +got):\n%s", diff)
					}
					if s := only[StatementOfReasons](effs); len(s) != 1 || !slices.Equal(s[0].TerritorialScope, []string{"DE"}) {
						t.Errorf("statements = %+v, want one for DE only", s)
					}
					if len(only[Publish](effs)) != 0 {
						t.Errorf("EU/US decision published on the ECL register: %+v", only[Publish](effs))
					}
					if got := len(only[StrikeProvisional](effs)); got != 2 {
						t.Errorf("new provisional strikes = %d, want 2 (eu-dsa, us-tm)", got)
					}
				}},
			{name: "several counter procedures need a profile", day: 2, ev: ev(CounterNoticeFiled{}), wantErr: ErrBadEvent},
			{name: "CN declaration", day: 2, ev: ev(cnCounter()), want: StateCounterReceived},
			{name: "forwarded", day: 2, ev: ev(CounterValidated{}), want: StateCounterForwarded},
			{name: "delivered", day: 3, ev: ev(CounterDelivered{At: day(3)}), want: StateCounterForwarded},
			{name: "CN restore lifts the CN measure only", day: 18, ev: fire(TimerRestore), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					want := map[string][]string{"eu-dsa": {"DE"}, "us-tm-marketplace": {"US"}}
					if diff := cmp.Diff(want, activeByProfile(c)); diff != "" {
						t.Errorf("active (-want +got):\n%s", diff)
					}
					if l := only[MeasureLifted](effs); len(l) != 1 || l[0].Profile != "cn-ecl" {
						t.Errorf("lifted = %+v, want the CN measure", l)
					}
					if v := only[StrikeVoided](effs); len(v) != 1 || v[0].Profile != "cn-ecl" {
						t.Errorf("voided = %+v, want the cn-ecl strike only", v)
					}
				}},
			{name: "retraction lifts the rest", day: 20, ev: ev(Retracted{}), want: StateRetracted,
				check: func(t *testing.T, c Case, effs []Effect) {
					if len(c.ActiveMeasures("")) != 0 || len(c.RunningTimers()) != 0 || len(only[StrikeVoided](effs)) != 2 {
						t.Errorf("after retraction: active %+v, timers %+v, effects %+v", c.ActiveMeasures(""), c.RunningTimers(), effs)
					}
				}},
		})
	})

	t.Run("DMCA restore lifts the US measure only", func(t *testing.T) {
		env, _ := testEnv(t)
		c, _ := mustNew(t, intake("copyright", scopeSpec{"cn-ecl", []string{"CN"}}, scopeSpec{"eu-dsa", []string{"DE"}}, scopeSpec{"us-dmca-512", []string{"US"}}), env)
		c = runScenario(t, env, c, []stepSpec{
			{name: "CN and US act at once", ev: ev(Validated{}), want: StateUnderReview},
			{name: "EU decided", day: 1, ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-1"}), want: StateActioned},
			{name: "DMCA counter", day: 2, ev: ev(dmcaCounter()), want: StateCounterReceived},
			{name: "forwarded", day: 2, ev: ev(CounterValidated{}), want: StateCounterForwarded},
			{name: "restored in the US", day: 12, ev: fire(TimerRestore), want: StateActioned,
				check: func(t *testing.T, c Case, effs []Effect) {
					want := map[string][]string{"cn-ecl": {"CN"}, "eu-dsa": {"DE"}}
					if diff := cmp.Diff(want, activeByProfile(c)); diff != "" {
						t.Errorf("active (-want +got):\n%s", diff)
					}
					if e := only[EnforcementAction](effs); len(e) != 1 || e[0].Type != ActionRestoreListing || !slices.Equal(e[0].Territories, []string{"US"}) {
						t.Errorf("enforcement = %+v, want a US restore", e)
					}
				}},
			{name: "closed upheld elsewhere", day: 40, ev: ev(CaseClosed{Reason: "windows passed"}), want: StateClosedUpheld,
				check: func(t *testing.T, c Case, effs []Effect) {
					if got := len(only[StrikeConfirmed](effs)); got != 2 {
						t.Errorf("confirmed = %d, want 2 (cn-ecl, eu-dsa)", got)
					}
					if len(c.RunningTimers()) != 0 {
						t.Errorf("running timers after closure: %+v", c.RunningTimers())
					}
				}},
		})
	})
}

func TestCounterLimits(t *testing.T) {
	env, _ := testEnv(t, func(m profileMap) {
		m["cn-ecl"].CounterNotice.MaxAttempts = 2
		m["cn-ecl"].CounterNotice.SubmissionWindow = policy.Period{Value: 3, Unit: policy.UnitWorkingDays, Calendar: policy.CalendarCNWD}
	})
	incomplete := CounterNoticeFiled{Profile: "cn-ecl"}
	c, _ := mustNew(t, intake("trademark", scopeSpec{"cn-ecl", []string{"CN"}}), env)
	runScenario(t, env, c, []stepSpec{
		{name: "actioned with a counter window", ev: ev(Validated{}), want: StateActioned,
			check: func(t *testing.T, c Case, effs []Effect) { timerOf(t, c, TimerCounterWindow) }},
		{name: "first attempt", day: 1, ev: ev(incomplete), want: StateCounterReceived},
		{name: "incomplete", day: 1, ev: ev(CounterValidated{}), want: StateCounterIncomplete},
		{name: "second attempt", day: 2, ev: ev(incomplete), want: StateCounterReceived},
		{name: "incomplete again", day: 2, ev: ev(CounterValidated{}), want: StateCounterIncomplete},
		{name: "third attempt refused", day: 2, ev: ev(cnCounter()), wantErr: ErrAttemptsExhausted},
		{name: "window closes", day: 3, ev: fire(TimerCounterWindow), want: StateCounterIncomplete},
	})

	env2, _ := testEnv(t, func(m profileMap) {
		m["cn-ecl"].CounterNotice.SubmissionWindow = policy.Period{Value: 3, Unit: policy.UnitWorkingDays, Calendar: policy.CalendarCNWD}
	})
	c2, _ := mustNew(t, intake("trademark", scopeSpec{"cn-ecl", []string{"CN"}}), env2)
	runScenario(t, env2, c2, []stepSpec{
		{name: "actioned", ev: ev(Validated{}), want: StateActioned},
		{name: "window closes", day: 3, ev: fire(TimerCounterWindow), want: StateActioned},
		{name: "late declaration", day: 4, ev: ev(cnCounter()), wantErr: ErrWindowClosed},
	})
}

func TestResponseWindow(t *testing.T) {
	env, _ := testEnv(t, func(m profileMap) {
		m["cn-ecl"].Decision.MeasureTiming = policy.TimingAfterResponseWindow
		m["cn-ecl"].Decision.ResponseWindow = policy.Period{Value: 3, Unit: policy.UnitWorkingDays, Calendar: policy.CalendarCNWD}
	})
	c, _ := mustNew(t, intake("trademark", scopeSpec{"cn-ecl", []string{"CN"}}), env)
	runScenario(t, env, c, []stepSpec{
		{name: "seller asked to respond", ev: ev(Validated{}), want: StatePendingSellerResponse,
			check: func(t *testing.T, c Case, effs []Effect) {
				if n := only[Notify](effs); len(n) != 1 || n[0].Party != PartySeller || !n[0].Due.Equal(t0.AddDate(0, 0, 3)) {
					t.Errorf("notifications = %+v, want the seller asked by day 3", n)
				}
			}},
		{name: "window expires early is refused", day: 2, ev: ev(ResponseWindowExpired{}), wantErr: ErrTimerNotDue},
		{name: "no response: measure", day: 3, ev: ev(ResponseWindowExpired{}), want: StateActioned,
			check: func(t *testing.T, c Case, effs []Effect) {
				if len(only[MeasureApplied](effs)) != 1 || c.Decision == nil || !c.Decision.Automated {
					t.Errorf("effects %+v decision %+v, want an automated measure", effs, c.Decision)
				}
			}},
	})

	c2, _ := mustNew(t, intake("trademark", scopeSpec{"cn-ecl", []string{"CN"}}), env)
	runScenario(t, env, c2, []stepSpec{
		{name: "pending", ev: ev(Validated{}), want: StatePendingSellerResponse},
		{name: "seller answered, reviewer claims", day: 1, ev: ev(ReviewClaimed{ReviewerID: "rev-9"}), want: StateUnderReview,
			check: func(t *testing.T, c Case, effs []Effect) {
				if len(c.RunningTimers()) != 0 {
					t.Errorf("response timer still running: %+v", c.RunningTimers())
				}
			}},
		{name: "terminate transactions needs repeat and intent", day: 2,
			ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-9", Measures: []string{"terminate_transactions"}}), wantErr: ErrMeasureNotAllowed},
		{name: "decided", day: 2, ev: ev(Decided{Outcome: OutcomeAction, ReviewerID: "rev-9", Measures: []string{"terminate_transactions"}, RepeatAndIntentional: true}), want: StateActioned},
	})
}
