package detect

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// Most rules are plain comparisons of scalar features joined by &&, || and
// !. Running them on the expr VM costs a map environment rebuilt per
// listing, a map lookup and an interface per name read, and an interface
// per value pushed. compileDirect translates such a rule, once, into Go
// closures that read Features directly; rules with anything else (member
// access, builtins, slices, "in", "%", …) keep running on the VM.
//
// The subset is chosen so that it cannot fail at run time and so that each
// operator means exactly what the VM computes for it: int op int stays int
// for + - *, / is always float division, a comparison or arithmetic mixing
// int and float converts the int to float64, strings compare bytewise.
// TestDirectRulesMatchVM checks the two against each other.

type boolFn func(*Features) bool

// directExpr is a compiled subexpression: exactly one function is set, the
// one of its kind.
type directExpr struct {
	kind reflect.Kind // reflect.Bool, Int, Float64 or String
	b    boolFn
	i    func(*Features) int
	f    func(*Features) float64
	s    func(*Features) string
}

// asFloat returns d as a float64 function; d must be numeric.
func (d directExpr) asFloat() func(*Features) float64 {
	if d.kind == reflect.Float64 {
		return d.f
	}
	i := d.i
	return func(f *Features) float64 { return float64(i(f)) }
}

func (d directExpr) numeric() bool { return d.kind == reflect.Int || d.kind == reflect.Float64 }

// directFeatures reads the scalar features by expr name. Slices (brands,
// slang) are left to the VM. TestDirectFeaturesMatchEnv checks this table
// against fillEnv.
var directFeatures = map[string]directExpr{
	"brand":             {kind: reflect.String, s: func(f *Features) string { return f.Brand }},
	"brand_weight":      {kind: reflect.Float64, f: func(f *Features) float64 { return f.BrandWeight }},
	"brand_context":     {kind: reflect.String, s: func(f *Features) string { return f.BrandContext }},
	"brand_obfuscated":  {kind: reflect.Bool, b: func(f *Features) bool { return f.BrandObfuscated }},
	"brand_obfuscation": {kind: reflect.String, s: func(f *Features) string { return f.BrandObfuscation }},
	"brand_claimed":     {kind: reflect.Bool, b: func(f *Features) bool { return f.BrandClaimed }},
	"brand_count":       {kind: reflect.Int, i: func(f *Features) int { return f.BrandCount }},
	"slang_count":       {kind: reflect.Int, i: func(f *Features) int { return f.SlangCount }},
	"second_hand":       {kind: reflect.Bool, b: func(f *Features) bool { return f.SecondHand }},
	"price":             {kind: reflect.Float64, f: func(f *Features) float64 { return f.Price }},
	"currency":          {kind: reflect.String, s: func(f *Features) string { return f.Currency }},
	"price_known":       {kind: reflect.Bool, b: func(f *Features) bool { return f.PriceKnown }},
	"price_source":      {kind: reflect.String, s: func(f *Features) string { return f.PriceSource }},
	"price_ratio":       {kind: reflect.Float64, f: func(f *Features) float64 { return f.PriceRatio }},
	"price_z":           {kind: reflect.Float64, f: func(f *Features) float64 { return f.PriceZ }},
	"reference_price":   {kind: reflect.Float64, f: func(f *Features) float64 { return f.ReferencePrice }},
	"image_match":       {kind: reflect.Bool, b: func(f *Features) bool { return f.ImageMatch }},
	"image_brand":       {kind: reflect.String, s: func(f *Features) string { return f.ImageBrand }},
	"image_distance":    {kind: reflect.Int, i: func(f *Features) int { return f.ImageDistance }},
	"image_reference":   {kind: reflect.String, s: func(f *Features) string { return f.ImageReference }},
	"image_authorized":  {kind: reflect.Bool, b: func(f *Features) bool { return f.ImageAuthorized }},
	"negative_image":    {kind: reflect.Bool, b: func(f *Features) bool { return f.NegativeImage }},
	"authorized":        {kind: reflect.Bool, b: func(f *Features) bool { return f.Authorized }},
	"account_age_known": {kind: reflect.Bool, b: func(f *Features) bool { return f.AccountAgeKnown }},
	"account_age_days":  {kind: reflect.Int, i: func(f *Features) int { return f.AccountAgeDays }},
	"prior_strikes":     {kind: reflect.Int, i: func(f *Features) int { return f.PriorStrikes }},
	"upheld_notices":    {kind: reflect.Int, i: func(f *Features) int { return f.UpheldNotices }},
	"ship_from_region":  {kind: reflect.String, s: func(f *Features) string { return f.ShipFromRegion }},
	"category":          {kind: reflect.String, s: func(f *Features) string { return f.Category }},
}

// compileDirect returns the rule program as a Go function, or nil when it
// uses anything outside the subset.
func compileDirect(prog *vm.Program) boolFn {
	d, ok := direct(prog.Node())
	if !ok || d.kind != reflect.Bool {
		return nil
	}
	return d.b
}

// direct compiles one checked (and optimised) expr node.
func direct(node ast.Node) (directExpr, bool) {
	switch n := node.(type) {
	case *ast.IdentifierNode:
		d, ok := directFeatures[n.Value]
		return d, ok && n.Type().Kind() == d.kind
	case *ast.BoolNode:
		return constant(n.Value)
	case *ast.StringNode:
		return constant(n.Value)
	case *ast.FloatNode:
		return constant(n.Value)
	case *ast.IntegerNode:
		switch n.Type().Kind() { // the checker may type an integer literal as float
		case reflect.Int:
			return constant(n.Value)
		case reflect.Float64:
			return constant(float64(n.Value))
		}
	case *ast.ConstantNode:
		return constant(n.Value)
	case *ast.UnaryNode:
		return directUnary(n)
	case *ast.BinaryNode:
		return directBinary(n)
	case *ast.ConditionalNode:
		c, ok1 := direct(n.Cond)
		a, ok2 := direct(n.Exp1)
		b, ok3 := direct(n.Exp2)
		if !ok1 || !ok2 || !ok3 || c.kind != reflect.Bool || a.kind != b.kind {
			return directExpr{}, false
		}
		cond := c.b
		switch a.kind {
		case reflect.Bool:
			x, y := a.b, b.b
			return directExpr{kind: a.kind, b: func(f *Features) bool {
				if cond(f) {
					return x(f)
				}
				return y(f)
			}}, true
		case reflect.Int:
			x, y := a.i, b.i
			return directExpr{kind: a.kind, i: func(f *Features) int {
				if cond(f) {
					return x(f)
				}
				return y(f)
			}}, true
		case reflect.Float64:
			x, y := a.f, b.f
			return directExpr{kind: a.kind, f: func(f *Features) float64 {
				if cond(f) {
					return x(f)
				}
				return y(f)
			}}, true
		case reflect.String:
			x, y := a.s, b.s
			return directExpr{kind: a.kind, s: func(f *Features) string {
				if cond(f) {
					return x(f)
				}
				return y(f)
			}}, true
		}
	}
	return directExpr{}, false
}

func constant(v any) (directExpr, bool) {
	switch v := v.(type) {
	case bool:
		return directExpr{kind: reflect.Bool, b: func(*Features) bool { return v }}, true
	case int:
		return directExpr{kind: reflect.Int, i: func(*Features) int { return v }}, true
	case float64:
		return directExpr{kind: reflect.Float64, f: func(*Features) float64 { return v }}, true
	case string:
		return directExpr{kind: reflect.String, s: func(*Features) string { return v }}, true
	}
	return directExpr{}, false
}

func directUnary(n *ast.UnaryNode) (directExpr, bool) {
	x, ok := direct(n.Node)
	if !ok {
		return directExpr{}, false
	}
	switch {
	case (n.Operator == "!" || n.Operator == "not") && x.kind == reflect.Bool:
		b := x.b
		return directExpr{kind: reflect.Bool, b: func(f *Features) bool { return !b(f) }}, true
	case n.Operator == "+" && x.numeric():
		return x, true
	case n.Operator == "-" && x.kind == reflect.Int:
		i := x.i
		return directExpr{kind: reflect.Int, i: func(f *Features) int { return -i(f) }}, true
	case n.Operator == "-" && x.kind == reflect.Float64:
		v := x.f
		return directExpr{kind: reflect.Float64, f: func(f *Features) float64 { return -v(f) }}, true
	}
	return directExpr{}, false
}

func directBinary(n *ast.BinaryNode) (directExpr, bool) {
	l, ok1 := direct(n.Left)
	r, ok2 := direct(n.Right)
	if !ok1 || !ok2 {
		return directExpr{}, false
	}
	op := n.Operator
	boolean := func(fn boolFn) (directExpr, bool) { return directExpr{kind: reflect.Bool, b: fn}, true }
	switch {
	case l.kind == reflect.Bool && r.kind == reflect.Bool:
		a, b := l.b, r.b
		switch op {
		case "&&", "and":
			return boolean(func(f *Features) bool { return a(f) && b(f) })
		case "||", "or":
			return boolean(func(f *Features) bool { return a(f) || b(f) })
		case "==":
			return boolean(func(f *Features) bool { return a(f) == b(f) })
		case "!=":
			return boolean(func(f *Features) bool { return a(f) != b(f) })
		}
	case l.kind == reflect.String && r.kind == reflect.String:
		a, b := l.s, r.s
		switch op {
		case "==":
			return boolean(func(f *Features) bool { return a(f) == b(f) })
		case "!=":
			return boolean(func(f *Features) bool { return a(f) != b(f) })
		case "<":
			return boolean(func(f *Features) bool { return a(f) < b(f) })
		case "<=":
			return boolean(func(f *Features) bool { return a(f) <= b(f) })
		case ">":
			return boolean(func(f *Features) bool { return a(f) > b(f) })
		case ">=":
			return boolean(func(f *Features) bool { return a(f) >= b(f) })
		}
	case l.kind == reflect.Int && r.kind == reflect.Int && op != "/":
		a, b := l.i, r.i
		integer := func(fn func(*Features) int) (directExpr, bool) { return directExpr{kind: reflect.Int, i: fn}, true }
		switch op {
		case "==":
			return boolean(func(f *Features) bool { return a(f) == b(f) })
		case "!=":
			return boolean(func(f *Features) bool { return a(f) != b(f) })
		case "<":
			return boolean(func(f *Features) bool { return a(f) < b(f) })
		case "<=":
			return boolean(func(f *Features) bool { return a(f) <= b(f) })
		case ">":
			return boolean(func(f *Features) bool { return a(f) > b(f) })
		case ">=":
			return boolean(func(f *Features) bool { return a(f) >= b(f) })
		case "+":
			return integer(func(f *Features) int { return a(f) + b(f) })
		case "-":
			return integer(func(f *Features) int { return a(f) - b(f) })
		case "*":
			return integer(func(f *Features) int { return a(f) * b(f) })
		}
	case l.numeric() && r.numeric():
		a, b := l.asFloat(), r.asFloat()
		number := func(fn func(*Features) float64) (directExpr, bool) {
			return directExpr{kind: reflect.Float64, f: fn}, true
		}
		switch op {
		case "==":
			return boolean(func(f *Features) bool { return a(f) == b(f) })
		case "!=":
			return boolean(func(f *Features) bool { return a(f) != b(f) })
		case "<":
			return boolean(func(f *Features) bool { return a(f) < b(f) })
		case "<=":
			return boolean(func(f *Features) bool { return a(f) <= b(f) })
		case ">":
			return boolean(func(f *Features) bool { return a(f) > b(f) })
		case ">=":
			return boolean(func(f *Features) bool { return a(f) >= b(f) })
		case "+":
			return number(func(f *Features) float64 { return a(f) + b(f) })
		case "-":
			return number(func(f *Features) float64 { return a(f) - b(f) })
		case "*":
			return number(func(f *Features) float64 { return a(f) * b(f) })
		case "/":
			return number(func(f *Features) float64 { return a(f) / b(f) })
		}
	}
	return directExpr{}, false
}
