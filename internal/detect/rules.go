package detect

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// RuleState says whether a rule takes effect.
type RuleState string

// Rule states.
const (
	// Draft rules are validated but not evaluated.
	Draft RuleState = "draft"
	// Shadow rules are evaluated and recorded in Result.Rules, but add no
	// score and no outcome.
	Shadow RuleState = "shadow"
	// Live rules add their score and outcome.
	Live RuleState = "live"
)

// Outcome is what a firing rule asks for besides its score.
type Outcome string

// Outcomes, weakest first; Result.Outcome is the strongest of the live rules
// that fired.
const (
	NoOutcome Outcome = ""
	// Flag marks the listing in results without routing it anywhere.
	Flag Outcome = "flag"
	// Queue puts a lead in the investigators' triage queue.
	Queue Outcome = "queue"
	// AskBrand sends the lead to the rights holder to confirm.
	AskBrand Outcome = "ask_brand"
	// TakedownPendingConfirmation proposes a platform-initiated takedown
	// that a person must confirm.
	TakedownPendingConfirmation Outcome = "takedown_pending_confirmation"
)

func (o Outcome) rank() int {
	switch o {
	case Flag:
		return 1
	case Queue:
		return 2
	case AskBrand:
		return 3
	case TakedownPendingConfirmation:
		return 4
	}
	return 0
}

// MaxRuleScore bounds a rule's score contribution in both directions.
const MaxRuleScore = 100

// Rule is an investigator's rule: a boolean expression over Features (expr
// language, https://expr-lang.org) that adds Score (which may be negative,
// for guards) and asks for Outcome when it fires.
type Rule struct {
	ID          string    `json:"id"`
	Version     int       `json:"version"`
	Description string    `json:"description,omitempty"`
	Expr        string    `json:"expr"`
	Score       int       `json:"score,omitempty"`
	Outcome     Outcome   `json:"outcome,omitempty"`
	State       RuleState `json:"state"`
}

// RuleError reports a rule that does not compile. Line and Column (1-based;
// 0 when the problem is not in the expression) locate the error in Expr.
type RuleError struct {
	RuleID  string
	Line    int
	Column  int
	Message string
}

// Error implements error.
func (e *RuleError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("rule %q: %d:%d: %s", e.RuleID, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("rule %q: %s", e.RuleID, e.Message)
}

// RuleSet is a compiled, validated set of rules. It is immutable and safe for
// concurrent use.
type RuleSet struct {
	rules []compiledRule
	// active are the non-draft rules, in order.
	active []int
	// all evaluates every active rule without a direct form in one VM
	// run, returning a []any of bools in the order of active; nil when
	// there are none or they could not be combined (eval then runs them
	// one by one).
	all *vm.Program
	// vmRules counts the active rules without a direct form.
	vmRules int
}

type compiledRule struct {
	Rule
	prog *vm.Program // drafts are compiled too (to validate them) but never run
	// direct is the rule as a Go function when it is in the subset that
	// compileDirect handles; nil otherwise.
	direct boolFn
}

// exprOptions is the environment every rule is checked against. The clock
// builtins are removed: scoring is a pure function of its inputs.
func exprOptions() []expr.Option {
	return []expr.Option{
		expr.Env(envTemplate()),
		expr.AsBool(),
		expr.DisableBuiltin("now"),
		expr.DisableBuiltin("date"),
		expr.DisableBuiltin("duration"),
		expr.MaxNodes(2000),
	}
}

// CompileRules validates and compiles rules: ids unique and non-empty, a known
// state and outcome, a score within ±MaxRuleScore, and an expression that
// parses and type-checks as a boolean over Features. Every bad rule is
// reported as a *RuleError, joined into one error.
func CompileRules(rules []Rule) (*RuleSet, error) {
	rs := &RuleSet{}
	var errs []error
	seen := map[string]bool{}
	for _, r := range rules {
		bad := func(format string, args ...any) {
			errs = append(errs, &RuleError{RuleID: r.ID, Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case strings.TrimSpace(r.ID) == "":
			bad("empty id")
			continue
		case seen[r.ID]:
			bad("duplicate id")
			continue
		}
		seen[r.ID] = true
		if r.State != Draft && r.State != Shadow && r.State != Live {
			bad("unknown state %q (want draft, shadow or live)", r.State)
		}
		if r.Outcome != NoOutcome && r.Outcome.rank() == 0 {
			bad("unknown outcome %q (want flag, queue, ask_brand or takedown_pending_confirmation)", r.Outcome)
		}
		if r.Score > MaxRuleScore || r.Score < -MaxRuleScore {
			bad("score %d outside -%d..%d", r.Score, MaxRuleScore, MaxRuleScore)
		}
		if r.Score == 0 && r.Outcome == NoOutcome {
			bad("neither a score nor an outcome")
		}
		if strings.TrimSpace(r.Expr) == "" {
			bad("empty expression")
			continue
		}
		prog, err := expr.Compile(r.Expr, exprOptions()...)
		if err != nil {
			errs = append(errs, exprError(r.ID, err))
			continue
		}
		rs.rules = append(rs.rules, compiledRule{Rule: r, prog: prog, direct: compileDirect(prog)})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("compile rules: %w", errors.Join(errs...))
	}
	rs.combine()
	return rs, nil
}

// combine compiles the non-draft rules that have no direct form into one
// program "[(r1), (r2), …]": one VM run per listing instead of one per rule.
// Each rule already compiled alone as a boolean; if the combination does not
// compile (a construct that cannot be parenthesised), the rules are run one
// by one.
func (rs *RuleSet) combine() {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rs.rules {
		if r.State == Draft {
			continue
		}
		rs.active = append(rs.active, i)
		if r.direct != nil {
			continue
		}
		if rs.vmRules > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n(\n")
		b.WriteString(r.Expr)
		b.WriteString("\n)")
		rs.vmRules++
	}
	if rs.vmRules == 0 {
		return
	}
	b.WriteString("\n]")
	opts := exprOptions()
	opts[1] = expr.AsKind(reflect.Slice) // replaces AsBool
	prog, err := expr.Compile(b.String(), opts...)
	if err == nil {
		rs.all = prog
	}
}

// exprError turns an expr compile error into a RuleError with its position.
func exprError(id string, err error) *RuleError {
	var fe *file.Error
	if errors.As(err, &fe) {
		// expr counts columns from 0.
		return &RuleError{RuleID: id, Line: fe.Line, Column: fe.Column + 1, Message: fe.Message}
	}
	return &RuleError{RuleID: id, Message: err.Error()}
}

// Rules returns the rules of the set, in their order.
func (rs *RuleSet) Rules() []Rule {
	out := make([]Rule, len(rs.rules))
	for i, r := range rs.rules {
		out[i] = r.Rule
	}
	return out
}

// RuleHit is a rule that fired on a listing.
type RuleHit struct {
	ID      string    `json:"id"`
	Version int       `json:"version"`
	State   RuleState `json:"state"`
	Score   int       `json:"score,omitempty"`
	Outcome Outcome   `json:"outcome,omitempty"`
}

// eval runs every non-draft rule on f, appending the hits to hits and the
// runtime errors to errs. It returns the live score and the strongest live
// outcome. env (from envTemplate) is filled from f (see fillEnv) only when
// some rule runs on the VM.
func (rs *RuleSet) eval(machine *vm.VM, f *Features, env map[string]any, hits []RuleHit, errs []string) (int, Outcome, []RuleHit, []string) {
	score, outcome := 0, NoOutcome
	var results []any
	filled := false
	if rs.all != nil {
		fillEnv(env, f)
		filled = true
		// A run-time error in one rule fails the combined run; the rules
		// are then run one by one so that only the failing one is lost.
		out, err := machine.Run(rs.all, env)
		if err == nil {
			results, _ = out.([]any)
		}
	}
	k := 0 // index in results
	for _, i := range rs.active {
		r := &rs.rules[i]
		var fired bool
		switch {
		case r.direct != nil:
			fired = r.direct(f)
		case results != nil && len(results) == rs.vmRules:
			fired, _ = results[k].(bool)
			k++
		default:
			if !filled {
				fillEnv(env, f)
				filled = true
			}
			out, err := machine.Run(r.prog, env)
			if err != nil {
				errs = append(errs, r.ID+": "+err.Error())
				continue
			}
			fired, _ = out.(bool)
		}
		if !fired {
			continue
		}
		hits = append(hits, RuleHit{ID: r.ID, Version: r.Version, State: r.State, Score: r.Score, Outcome: r.Outcome})
		if r.State != Live {
			continue
		}
		score += r.Score
		if r.Outcome.rank() > outcome.rank() {
			outcome = r.Outcome
		}
	}
	return score, outcome, hits, errs
}

// fires evaluates one compiled rule, whatever its state.
func (r *compiledRule) fires(machine *vm.VM, env map[string]any) (bool, error) {
	out, err := machine.Run(r.prog, env)
	if err != nil {
		return false, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// DefaultRules returns the built-in rules, all live unless noted. Scores are
// tuned so that one strong signal reaches the review band and two reach the
// default threshold (see Options); a few signals that no genuine listing
// shows (counterfeit slang beside the brand, an obfuscated brand name, new
// goods far below any discount) reach the threshold alone.
//
//   - price.far_below_reference (60): a plain brand mention by an
//     unauthorised seller at under 30% of the comparison price, not
//     second-hand.
//   - price.below_reference (20): the same at 30–50%.
//   - price.second_hand_far_below (20): second-hand goods at under 10%.
//   - price.peer_outlier (25): no reference price, more than 3 robust
//     standard deviations below the peers' median.
//   - text.slang_with_brand (60): counterfeit slang, not negated ("not a
//     replica"), beside a plain brand mention by an unauthorised seller.
//   - text.brand_obfuscated (60): the brand's name written with an evasion
//     (brand_obfuscated) by an unauthorised seller.
//   - text.slang_only (15): slang without any brand.
//   - image.reference_match (50): a listing image within the radius of a
//     brand's reference image, the seller not authorised for that brand.
//   - image.match_below_reference (15): that image match, the price under
//     70% of the image brand's comparison price, not second-hand.
//   - image.match_with_mention (15): that image match plus a plain mention of
//     the same brand in the text.
//   - seller.new_account (10): a brand mention by an unauthorised account
//     younger than 30 days.
//   - seller.repeat_infringer (20): two prior strikes or three upheld
//     notices, now listing a brand it is not authorised for.
//   - outcome.ask_brand (outcome ask_brand): very cheap branded goods from an
//     unauthorised seller are sent to the brand.
//   - outcome.takedown (shadow, outcome takedown_pending_confirmation):
//     slang, brand and a close image match together.
func DefaultRules() []Rule {
	const mention = `brand_weight >= 0.5 && !authorized`
	return []Rule{
		{ID: "price.far_below_reference", Version: 2, State: Live, Score: 60,
			Description: "brand mention, unauthorised seller, new goods under 30% of the comparison price: " +
				"below any outlet or clearance discount, so enough on its own to queue",
			Expr: mention + ` && price_known && price_ratio < 0.3 && !second_hand`},
		{ID: "price.below_reference", Version: 1, State: Live, Score: 20,
			Description: "brand mention, unauthorised seller, price 30–50% of the comparison price",
			Expr:        mention + ` && price_known && price_ratio >= 0.3 && price_ratio < 0.5 && !second_hand`},
		{ID: "price.second_hand_far_below", Version: 1, State: Live, Score: 20,
			Description: "second-hand goods under 10% of the comparison price",
			Expr:        mention + ` && price_known && price_ratio < 0.1 && second_hand`},
		{ID: "price.peer_outlier", Version: 1, State: Live, Score: 25,
			Description: "far below the median price of listings claiming the same brand",
			Expr:        mention + ` && price_source == "peers" && price_z < -3 && !second_hand`},
		{ID: "text.slang_with_brand", Version: 2, State: Live, Score: 60,
			Description: "counterfeit slang (not negated) beside a brand mention: how counterfeits are advertised",
			Expr:        mention + ` && slang_count > 0`},
		{ID: "text.brand_obfuscated", Version: 1, State: Live, Score: 60,
			Description: "brand name written to slip past filters (invisible characters, look-alike letters, " +
				"split letters, full-width or traditional characters out of place) by an unauthorised seller: " +
				"genuine sellers write the name plainly",
			Expr: mention + ` && brand_obfuscated`},
		{ID: "text.slang_only", Version: 1, State: Live, Score: 15,
			Description: "counterfeit slang without a brand",
			Expr:        `slang_count > 0 && brand_count == 0`},
		{ID: "image.reference_match", Version: 1, State: Live, Score: 50,
			Description: "an image matches a brand's reference image, seller not authorised",
			Expr:        `image_match && image_distance <= 31 && !image_authorized`},
		{ID: "image.match_below_reference", Version: 1, State: Live, Score: 15,
			Description: "the brand's reference image used by an unauthorised seller at under 70% of the " +
				"comparison price: parallel imports reuse official photos but sell near the reference",
			Expr: `image_match && image_distance <= 31 && !image_authorized && image_brand == brand && ` +
				`price_known && price_ratio < 0.7 && !second_hand`},
		{ID: "image.match_with_mention", Version: 1, State: Live, Score: 15,
			Description: "image match and a plain mention of the same brand",
			Expr:        `image_match && !image_authorized && image_brand == brand && brand_weight >= 0.5`},
		{ID: "seller.new_account", Version: 1, State: Live, Score: 10,
			Description: "brand mention by an unauthorised account younger than 30 days",
			Expr:        mention + ` && account_age_known && account_age_days < 30`},
		{ID: "seller.repeat_infringer", Version: 1, State: Live, Score: 20,
			Description: "seller with prior strikes or upheld notices lists an unauthorised brand",
			Expr:        `brand != "" && !authorized && (prior_strikes >= 2 || upheld_notices >= 3)`},
		{ID: "outcome.ask_brand", Version: 1, State: Live, Outcome: AskBrand,
			Description: "very cheap branded goods: ask the brand to confirm",
			Expr:        mention + ` && price_known && price_ratio < 0.2 && !second_hand`},
		{ID: "outcome.takedown", Version: 1, State: Shadow, Outcome: TakedownPendingConfirmation,
			Description: "slang, brand and a close image match: propose a takedown",
			Expr:        mention + ` && slang_count > 0 && image_match && image_distance <= 20 && !image_authorized`},
	}
}
