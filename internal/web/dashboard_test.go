package web

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestDashboardChartsWithTablesPerRole(t *testing.T) {
	f := newFixture(t)
	svgRe := regexp.MustCompile(`(?s)<svg.*?</svg>`)
	for who, want := range map[string]string{"admin": "Every notice on the platform", "owner": "Your organisation", "seller": "Notices against your shop"} {
		c := f.login(t, who)
		status, body, _ := c.get("/dashboard", "en")
		if status != 200 || !strings.Contains(body, want) {
			t.Fatalf("%s: %d, want %q", who, status, want)
		}
		svgs := svgRe.FindAllString(body, -1)
		if len(svgs) < 4 || strings.Count(body, "<details>") != len(svgs) {
			t.Errorf("%s: %d charts, %d tables: every chart needs its table", who, len(svgs), strings.Count(body, "<details>"))
		}
		for _, svg := range svgs {
			d := xml.NewDecoder(strings.NewReader(svg))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s: chart is not XML: %v", who, err)
				}
			}
			if !strings.Contains(svg, "<title") || !strings.Contains(svg, "<desc") || strings.Contains(svg, "style=") {
				t.Errorf("%s: chart without title/desc or with style attributes", who)
			}
		}
		if who == "owner" && !strings.Contains(body, "Your accuracy") {
			t.Errorf("owner: no accuracy section")
		}
		if who == "seller" && !strings.Contains(body, "Strikes per week") {
			t.Errorf("seller: no strikes chart")
		}
	}
	// The demo's notices were received this week: the platform counts them.
	_, body, _ := f.login(t, "admin").get("/dashboard?weeks=4", "zh-CN")
	if !strings.Contains(body, "每周收到与已决定的通知条目") || !regexp.MustCompile(`—[^<]*received: [1-9]|收到: [1-9]`).MatchString(body) {
		t.Errorf("the platform dashboard shows no received items this week")
	}
}
