package app

import (
	"strings"
	"testing"
)

// TestTemplatesRender renders every template in both languages: no
// placeholder is unknown or left unfilled, and nothing is empty.
func TestTemplatesRender(t *testing.T) {
	d := messageData{ItemID: "itm_1", ListingID: "L-1", ListingTitle: "shoes", Right: "trademark X", Notifier: "Brand Ltd.", Profile: "cn-ecl",
		Measures: "delist (CN)", Reason: "because", DueEN: "8 October 2026 24:00", DueZH: "2026年10月8日 24:00", Extra: "CN"}
	for name := range templates {
		m, err := render(name, d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range []string{m.SubjectEN, m.SubjectZH, m.BodyEN, m.BodyZH} {
			if s == "" || strings.Contains(s, "{{") {
				t.Errorf("%s: got %q", name, s)
			}
		}
	}
	if _, err := render("no.such.template", d); err == nil {
		t.Error("an unknown template rendered")
	}
	if _, err := fill("x", "{{.Nope}}", d); err == nil {
		t.Error("an unknown placeholder rendered")
	}
}

// TestEveryTemplateTheMachineSendsExists scans the state machine's source
// for the templates it names.
func TestEveryTemplateTheMachineSendsExists(t *testing.T) {
	for _, name := range machineTemplates(t) {
		if _, ok := templates[name]; !ok {
			t.Errorf("the state machine sends %q, which has no message template", name)
		}
	}
}
