package detect

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed data/*.txt
var dataFS embed.FS

// Term is one entry of an embedded word list: the term and what it means.
type Term struct {
	Text    string
	Meaning string
}

// readTerms parses an embedded list: term<TAB>meaning per line, # comments.
// The files are part of the build, so a malformed one is a programming error
// reported as an error by the functions that use it and caught by tests.
func readTerms(name string) ([]Term, error) {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var out []Term
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		text, meaning, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("%s:%d: want term<TAB>meaning", name, i+1)
		}
		out = append(out, Term{Text: text, Meaning: meaning})
	}
	return out, nil
}

// SlangTerms returns the built-in counterfeit slang of a language ("zh" or
// "en") with the meaning of each term, as listed in data/slang_<lang>.txt.
// Unknown languages have no terms.
func SlangTerms(lang string) []Term {
	if lang != "zh" && lang != "en" {
		return nil
	}
	t, err := readTerms("slang_" + lang + ".txt")
	if err != nil {
		return nil // unreachable: TestEmbeddedLists parses every list
	}
	return t
}

// DefaultSlang returns the built-in slang lists (data/slang_zh.txt and
// data/slang_en.txt) in the shape of Profile.Slang. Each call returns a new
// map the caller may edit.
func DefaultSlang() map[string][]string {
	out := map[string][]string{}
	for _, lang := range []string{"en", "zh"} {
		for _, t := range SlangTerms(lang) {
			out[lang] = append(out[lang], t.Text)
		}
	}
	return out
}

// SecondHandTerms returns the built-in words that mark a listing as selling
// second-hand goods (data/secondhand.txt); Options.SecondHand overrides them.
func SecondHandTerms() []Term {
	t, err := readTerms("secondhand.txt")
	if err != nil {
		return nil // unreachable: TestEmbeddedLists parses every list
	}
	return t
}
