package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

//go:embed locales/*.json
var locales embed.FS

// Languages are the languages of the interface; the first is the default.
var Languages = []string{"zh", "en"}

// catalogs loads the message catalogues (a broken catalogue is a build
// defect caught by the tests).
var catalogs = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range Languages {
		b, err := locales.ReadFile("locales/" + l + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale %s: %v", l, err))
		}
		out[l] = m
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
