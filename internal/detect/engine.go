package detect

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"unicode"

	"github.com/expr-lang/expr/vm"

	"github.com/dajia-project/dajia/internal/pdq"
	"github.com/dajia-project/dajia/internal/textmatch"
)

// Default thresholds of the verdict (see Options).
const (
	DefaultThreshold       = 60
	DefaultReviewThreshold = 35
)

// Options configure Compile. The zero value uses the defaults.
type Options struct {
	// Rules are the rules to run; nil means DefaultRules().
	Rules []Rule
	// Threshold is the score from which the verdict is
	// counterfeit_suspected (DefaultThreshold when 0).
	Threshold int
	// ReviewThreshold is the score from which the verdict is review
	// (DefaultReviewThreshold when 0; set it equal to Threshold to have
	// only clean and counterfeit_suspected).
	ReviewThreshold int
	// Rates, when set, allow comparing prices across currencies.
	Rates Rates
	// Baseline gives peers' prices where the profile has no reference.
	Baseline *Baseline
	// ImageRadius is the largest Hamming distance of an image match
	// (pdq.MatchRadius when 0).
	ImageRadius int
	// SecondHand overrides the built-in second-hand words.
	SecondHand []string
	// ResolveImage turns a profile image's path into its PDQ hash and
	// quality. Compile fails on a path entry when it is nil.
	ResolveImage func(path string) (pdq.Hash, int, error)
	// Flood, when set, quarantines reference images that match far too
	// many listings (see FloodGuard).
	Flood *FloodGuard
}

// Engine scores listings against a compiled profile and rule set. It is
// immutable and safe for concurrent use.
type Engine struct {
	matcher  *textmatch.Matcher
	pats     []patMeta
	brands   []brandInfo
	brandIdx map[string]int
	slang    []string
	names    []nameForm // per brand pattern, by patMeta.name
	refIdx   *pdq.Index
	refImgs  []imageInfo
	negIdx   *pdq.Index
	negImgs  []imageInfo
	rules    *RuleSet
	thr, rev int
	radius   int
	rates    Rates
	baseline *Baseline
	scratch  *sync.Pool
	flood    *FloodGuard
}

type patKind uint8

const (
	patBrand patKind = iota
	patSlang
	patSecondHand
)

type patMeta struct {
	kind patKind
	idx  int32 // brand index or slang index
	name int32 // brand patterns: index in Engine.names
}

type brandInfo struct {
	id         string
	prices     []ReferencePrice
	authorized map[string]bool
}

type imageInfo struct {
	id    string
	brand int
}

// Compile builds an Engine from a profile. It resolves image paths, drops
// reference and negative hashes of known quality below pdq.MinQuality,
// compiles one matcher over every brand name, slang term and second-hand
// word, and compiles the rules. Errors name the profile entry or rule.
func Compile(p *Profile, opts Options) (*Engine, error) {
	e := &Engine{
		thr: opts.Threshold, rev: opts.ReviewThreshold, radius: opts.ImageRadius, flood: opts.Flood,
		rates: opts.Rates, baseline: opts.Baseline,
		refIdx: pdq.NewIndex(), negIdx: pdq.NewIndex(), brandIdx: map[string]int{},
	}
	if e.thr == 0 {
		e.thr = DefaultThreshold
	}
	if e.rev == 0 {
		e.rev = DefaultReviewThreshold
	}
	if e.rev > e.thr || e.thr < 0 || e.thr > 100 {
		return nil, fmt.Errorf("compile detection: thresholds review %d, suspected %d: want 0 < review <= suspected <= 100", e.rev, e.thr)
	}
	if e.radius == 0 {
		e.radius = pdq.MatchRadius
	}
	rulesIn := opts.Rules
	if rulesIn == nil {
		rulesIn = DefaultRules()
	}
	rs, err := CompileRules(rulesIn)
	if err != nil {
		return nil, err // already "compile rules: …"
	}
	e.rules = rs

	var pats []textmatch.Pattern
	add := func(text string, m patMeta) {
		pats = append(pats, textmatch.Pattern{ID: uint32(len(e.pats)), Text: text, WholeWord: wholeWord(text, m.kind != patBrand)})
		e.pats = append(e.pats, m)
	}
	var errs []error
	for bi, b := range p.Brands {
		info := brandInfo{id: b.ID, prices: b.ReferencePrices, authorized: map[string]bool{}}
		for _, s := range b.AuthorizedSellers {
			info.authorized[s] = true
		}
		e.brands = append(e.brands, info)
		e.brandIdx[b.ID] = bi
		for _, n := range b.Names {
			add(n, patMeta{kind: patBrand, idx: int32(bi), name: int32(len(e.names))})
			e.names = append(e.names, newNameForm(n))
		}
		path := "brands[" + strconv.Itoa(bi) + "]"
		errs = e.addImages(errs, e.refIdx, &e.refImgs, bi, b.ID+"/ref/", path+".reference_images", b.ReferenceImages, opts.ResolveImage)
		errs = e.addImages(errs, e.negIdx, &e.negImgs, bi, b.ID+"/neg/", path+".negative_images", b.NegativeImages, opts.ResolveImage)
	}
	slang := p.Slang
	if slang == nil {
		slang = DefaultSlang()
	}
	langs := make([]string, 0, len(slang))
	for l := range slang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		for _, t := range slang[l] {
			add(t, patMeta{kind: patSlang, idx: int32(len(e.slang))})
			e.slang = append(e.slang, t)
		}
	}
	second := opts.SecondHand
	if second == nil {
		for _, t := range SecondHandTerms() {
			second = append(second, t.Text)
		}
	}
	for _, t := range second {
		add(t, patMeta{kind: patSecondHand})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("compile detection: %w", errors.Join(errs...))
	}
	e.matcher, err = textmatch.Compile(pats)
	if err != nil {
		return nil, fmt.Errorf("compile detection: %w", err)
	}
	e.refIdx.Build()
	e.negIdx.Build()
	e.scratch = &sync.Pool{New: func() any { return new(scratch) }}
	return e, nil
}

func (e *Engine) addImages(errs []error, ix *pdq.Index, infos *[]imageInfo, brand int, prefix, path string, refs []ImageRef, resolve func(string) (pdq.Hash, int, error)) []error {
	for i, r := range refs {
		ipath := path + "[" + strconv.Itoa(i) + "]"
		var h pdq.Hash
		q := r.Quality
		switch {
		case r.PDQ != "":
			var err error
			if h, err = pdq.ParseHash(r.PDQ); err != nil {
				errs = append(errs, &FieldError{Path: ipath + ".pdq", Err: err})
				continue
			}
		case resolve == nil:
			errs = append(errs, &FieldError{Path: ipath + ".path", Err: errors.New("image paths need a resolver")})
			continue
		default:
			var err error
			if h, q, err = resolve(r.Path); err != nil {
				errs = append(errs, &FieldError{Path: ipath + ".path", Err: err})
				continue
			}
		}
		if q != 0 && q < pdq.MinQuality {
			continue // unreliable hash: would match featureless images
		}
		id := r.ID
		if id == "" {
			id = prefix + strconv.Itoa(i)
		}
		ix.Add(int64(len(*infos)), h)
		*infos = append(*infos, imageInfo{id: id, brand: brand})
	}
	return errs
}

// wholeWord reports whether a pattern must match as a whole word. Slang and
// second-hand terms with any Latin letter or digit always do ("replica" must
// not match "replicate", "1:1" not "11:15"). Brand names do when they are
// made only of Latin letters and digits (separators aside), at most 6 of
// them, where a substring match would hit unrelated words ("apple" in
// "pineapple", "coach" in "coaching"); longer Latin names also match inside
// glued words ("adidasshoes"). Chinese names never need it: every CJK
// character is a word boundary.
func wholeWord(text string, term bool) bool {
	n, latin := 0, false
	for _, r := range text {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			n++
			latin = latin || unicode.IsLetter(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !term {
				return false
			}
		}
	}
	if term {
		return n > 0
	}
	return latin && n <= 6
}

// WithBaseline returns an Engine sharing e's compiled profile and rules but
// using b for peers' prices. e is unchanged.
func (e *Engine) WithBaseline(b *Baseline) *Engine {
	c := *e
	c.baseline = b
	return &c
}

// Rules returns the engine's rules.
func (e *Engine) Rules() *RuleSet { return e.rules }

// Threshold returns the score from which the verdict is
// counterfeit_suspected.
func (e *Engine) Threshold() int { return e.thr }

// Patterns returns the number of distinct text patterns compiled.
func (e *Engine) Patterns() int { return e.matcher.Len() }

// scratch is per-call working memory, pooled.
type scratch struct {
	norm    textmatch.Normalizer
	matches []textmatch.Match
	vm      vm.VM
	text    []byte
	brands  []brandAcc
	touched []int32
	slang   []int32
	hits    []RuleHit
	env     map[string]any
}

// ruleEnv returns the pooled rule environment (see RuleSet.eval).
func (s *scratch) ruleEnv() map[string]any {
	if s.env == nil {
		s.env = envTemplate()
	}
	return s.env
}

type brandAcc struct {
	best     float64
	ctx      textmatch.ContextKind
	mentions int
	first    int // match start of the best mention
	span     [2]int
	claimed  bool
	seen     bool
	obf      string // strongest obfuscation of a mention not negated
}
