package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/dajia-project/dajia/internal/app"
)

//go:embed locales/*.json
var locales embed.FS

// Languages are the languages of the interface; the first is the default.
var Languages = []string{"zh", "en"}

// catalogs loads the message catalogues: locales/<lang>.json for the
// core pages and locales/<area>.<lang>.json for each area. A broken
// catalogue, or a key defined twice, is a build defect caught by the tests.
var catalogs = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		panic(err)
	}
	for _, l := range Languages {
		out[l] = map[string]string{}
	}
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(path.Base(f), ".json"), ".")
		l := parts[len(parts)-1]
		m, ok := out[l]
		if !ok {
			panic(fmt.Sprintf("catalogue %s: language %q is not one of %v", f, l, Languages))
		}
		b, err := locales.ReadFile(f)
		if err != nil {
			panic(err)
		}
		var add map[string]string
		if err := json.Unmarshal(b, &add); err != nil {
			panic(fmt.Sprintf("catalogue %s: %v", f, err))
		}
		for k, v := range add {
			if _, dup := m[k]; dup {
				panic(fmt.Sprintf("catalogue %s: key %s is defined twice", f, k))
			}
			m[k] = v
		}
	}
	return out
})

// translate returns the message key in lang with {name} placeholders
// filled from pairs (name, value, name, value…). A missing key shows as
// the key itself in brackets, which the catalogue test forbids.
func translate(lang, key string, pairs ...any) string {
	msg, ok := catalogs()[lang][key]
	if !ok {
		return "[" + key + "]"
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+fmt.Sprint(pairs[i])+"}", fmt.Sprint(pairs[i+1]))
	}
	return msg
}

// translateOr translates a key built from data (a state, a deadline
// kind); an unknown value shows as fallback rather than as a missing key.
func translateOr(lang, key, fallback string) string {
	if msg, ok := catalogs()[lang][key]; ok {
		return msg
	}
	return fallback
}

// formatDate writes a date for the language.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.UTC()
	if lang == "zh" {
		return fmt.Sprintf("%d年%d月%d日 %s UTC", t.Year(), t.Month(), t.Day(), t.Format("15:04"))
	}
	return t.Format("2 Jan 2006 15:04 UTC")
}

// localDue is a deadline's instant in its legal profile's time zone, in
// the page's language ("14 December 2026 24:00 (Asia/Shanghai)",
// "2026年12月14日 24:00（Asia/Shanghai）").
func localDue(lang string, d app.Deadline) string {
	if lang == "zh" && d.LocalZH != "" {
		return d.LocalZH
	}
	return d.Local
}

// deadlineKind names a kind of deadline in the page's language.
func deadlineKind(lang, kind string) string {
	return translateOr(lang, fmt.Sprintf("seller.deadline.%s", kind), strings.ReplaceAll(kind, "_", " "))
}

// codeLabel names a code of the data (a review state, an organisation
// kind, a delivery state: group "review", "kind", "delivery") in the
// page's language; an unknown code shows as itself.
func codeLabel(lang, group string, code any) string {
	c := fmt.Sprint(code)
	return translateOr(lang, fmt.Sprintf("code.%s.%s", group, c), strings.ReplaceAll(c, "_", " "))
}
