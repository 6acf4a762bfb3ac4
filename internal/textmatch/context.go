package textmatch

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// ContextKind classifies the words just before a match.
type ContextKind uint8

const (
	// ContextNone means no accessory or negation phrase precedes the match.
	ContextNone ContextKind = iota
	// ContextAccessory means the mention names what a product is for
	// ("case for iPhone", "适用于苹果"): the brand is likely not the product.
	ContextAccessory
	// ContextNegation means the mention is negated ("not Nike", "非耐克").
	ContextNegation
)

// String returns "none", "accessory" or "negation".
func (k ContextKind) String() string {
	switch k {
	case ContextAccessory:
		return "accessory"
	case ContextNegation:
		return "negation"
	default:
		return "none"
	}
}

const (
	// ContextWindow is how many normalised bytes before a match are searched
	// for an accessory phrase: 8 CJK characters or 24 Latin letters.
	ContextWindow = 24
	// NegationGap is the most normalised bytes allowed between the end of a
	// negation phrase and the match ("not a Nike": 1 byte, "a").
	NegationGap = 3
)

const contextIgnore ContextKind = 255

var (
	//go:embed data/context_en.txt
	contextEN string
	//go:embed data/context_zh.txt
	contextZH string
)

type contextSet struct {
	m     *Matcher
	kinds []ContextKind // by pattern ID
}

// loadContext parses and compiles the embedded phrase lists.
var loadContext = sync.OnceValues(func() (*contextSet, error) {
	cs := &contextSet{}
	var pats []Pattern
	for _, f := range []struct{ name, data string }{{"context_en.txt", contextEN}, {"context_zh.txt", contextZH}} {
		sc := bufio.NewScanner(strings.NewReader(f.data))
		for line := 1; sc.Scan(); line++ {
			text := strings.TrimSpace(sc.Text())
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			kind, phrase, ok := strings.Cut(text, "\t")
			if !ok {
				return nil, fmt.Errorf("parse %s line %d: missing tab", f.name, line)
			}
			var k ContextKind
			switch kind {
			case "accessory":
				k = ContextAccessory
			case "negation":
				k = ContextNegation
			case "ignore":
				k = contextIgnore
			default:
				return nil, fmt.Errorf("parse %s line %d: unknown kind %q", f.name, line, kind)
			}
			pats = append(pats, Pattern{ID: uint32(len(cs.kinds)), Text: phrase, WholeWord: true})
			cs.kinds = append(cs.kinds, k)
		}
	}
	m, err := Compile(pats)
	if err != nil {
		return nil, fmt.Errorf("compile context phrases: %w", err)
	}
	cs.m = m
	return cs, nil
})

// Context reports whether the match m in n is preceded by an accessory or a
// negation phrase. Phrase lists are data/context_en.txt and
// data/context_zh.txt; they are matched as whole words on normalised text.
//
// The window rule: the window is the ContextWindow normalised bytes before
// m.Start, cut at the last clause break (",", "。", "!", "?", ";", "|",
// newline) before the match. An accessory phrase counts if it lies wholly
// in the window; a negation phrase only if it ends at most NegationGap bytes
// before m.Start. A phrase overlapped by an "ignore" phrase (非常, "very")
// does not count. Of the phrases that count, the one ending nearest to the
// match wins; on a tie negation wins. A mention is never hidden, only
// classified: the caller lowers its weight.
func Context(n *Normalized, m Match) ContextKind {
	cs, err := loadContext()
	if err != nil || m.Start <= 0 || m.Start > len(n.text) {
		return ContextNone
	}
	ws := max(0, m.Start-ContextWindow)
	for ws < m.Start && n.text[ws]&0xc0 == 0x80 {
		ws++ // start at a character boundary
	}
	for p := m.Start; p > ws; p-- {
		if testBit(n.clause, p) {
			ws = p
			break
		}
	}
	var buf [16]Match
	found := cs.m.findRange(buf[:0], n, ws, m.Start)
	best, bestEnd := ContextNone, -1
	for _, f := range found {
		k := cs.kinds[f.ID]
		if k == contextIgnore || k == ContextNegation && m.Start-f.End > NegationGap {
			continue
		}
		if overlapsIgnore(found, cs.kinds, f) {
			continue
		}
		if f.End > bestEnd || f.End == bestEnd && k == ContextNegation {
			best, bestEnd = k, f.End
		}
	}
	return best
}

func overlapsIgnore(found []Match, kinds []ContextKind, f Match) bool {
	for _, g := range found {
		if kinds[g.ID] == contextIgnore && g.Start < f.End && f.Start < g.End {
			return true
		}
	}
	return false
}
