package chart

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// decode parses the SVG as XML and returns the elements by name with their
// attributes and the character data of every <title> and <text>.
func decode(t *testing.T, svg string) (map[string][]map[string]string, []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	els := map[string][]map[string]string{}
	var texts []string
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not valid XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Name.Local] = a.Value
			}
			els[tok.Name.Local] = append(els[tok.Name.Local], attrs)
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if n := len(stack); n > 0 && (stack[n-1] == "title" || stack[n-1] == "text" || stack[n-1] == "desc") {
				texts = append(texts, string(tok))
			}
		}
	}
	return els, texts
}

func weekly() Chart {
	return Chart{ID: "w", Title: "Notices per week", Desc: "Received and decided notices, last 4 weeks", YLabel: "notices",
		Labels: []string{"W1", "W2", "W3", "W4"}, NoData: "No data",
		Series: []Series{{Name: "received", Values: []float64{3, 7, 0, 12}}, {Name: "decided", Values: []float64{1, 5, 2, 9}}}}
}

func TestValidXMLWithTitleDescLegendAndPointTitles(t *testing.T) {
	for name, render := range map[string]func(Chart) string{"bar": func(c Chart) string { return string(Bar(c)) }, "line": func(c Chart) string { return string(Line(c)) }} {
		t.Run(name, func(t *testing.T) {
			svg := render(weekly())
			els, texts := decode(t, svg)
			root := els["svg"][0]
			if root["role"] != "img" || root["aria-labelledby"] != "w-title w-desc" {
				t.Errorf("svg attributes: %v", root)
			}
			if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
				t.Errorf("the chart uses style attributes or scripts (CSP)")
			}
			joined := strings.Join(texts, "|")
			for _, want := range []string{"Notices per week", "Received and decided notices, last 4 weeks", "W1", "W4", "received", "decided",
				"W4 — received: 12", "W2 — decided: 5", "notices"} {
				if !strings.Contains(joined, want) {
					t.Errorf("%s: no %q in the texts %q", name, want, joined)
				}
			}
		})
	}
}

func TestAxisScaleIncludesMax(t *testing.T) {
	for _, max := range []float64{0.3, 1, 4, 7, 12, 99, 100, 101, 1234, 0.07} {
		top, step := Scale(max)
		if top < max || step <= 0 || top/step > nTicks+1e-9 || top-step >= max {
			t.Errorf("Scale(%v) = %v, %v: the axis must reach the maximum with at most %d round steps", max, top, step, nTicks)
		}
	}
	if top, step := Scale(0); top != nTicks || step != 1 {
		t.Errorf("Scale(0) = %v, %v", top, step)
	}
	// The highest tick label of the chart is at least the largest value.
	_, texts := decode(t, string(Bar(weekly())))
	highest := 0.0
	for _, s := range texts {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v > highest {
			highest = v
		}
	}
	if highest < 12 {
		t.Errorf("highest tick %v is below the maximum 12", highest)
	}
}

func TestEmptyRendersNoData(t *testing.T) {
	for _, c := range []Chart{
		{ID: "e", Title: "Empty", NoData: "No notices yet"},
		{ID: "e", Title: "Empty", NoData: "No notices yet", Labels: []string{"W1"}},
		{ID: "e", Title: "Empty", NoData: "No notices yet", Labels: []string{"W1", "W2"}, Series: []Series{{Name: "a", Values: []float64{math.NaN(), math.NaN()}}}},
	} {
		for _, svg := range []string{string(Bar(c)), string(Line(c))} {
			els, texts := decode(t, svg)
			if !strings.Contains(strings.Join(texts, "|"), "No notices yet") || len(els["rect"]) != 1 || len(els["path"]) != 0 {
				t.Errorf("empty chart: %s", svg)
			}
		}
	}
}

func TestValuesAreEscaped(t *testing.T) {
	c := Chart{ID: `x"><script>`, Title: `<b>&"title'`, Desc: "a < b", Labels: []string{"<W1>", "W&2"}, NoData: "<none>",
		Series: []Series{{Name: `"><script>alert(1)</script>`, Values: []float64{1, 2}}, {Name: "b&c", Values: []float64{2, 1}}}}
	for _, svg := range []string{string(Bar(c)), string(Line(c)), string(Bar(Chart{Title: "<t>", NoData: "<none>"}))} {
		if strings.Contains(svg, "<script") || strings.Contains(svg, "<b>") || strings.Contains(svg, "<W1>") || strings.Contains(svg, "<none>") {
			t.Errorf("unescaped text: %s", svg)
		}
		_, texts := decode(t, svg)
		joined := strings.Join(texts, "|")
		if !strings.Contains(joined, "<") {
			t.Errorf("escaped text does not decode back: %q", joined)
		}
	}
}

func TestLineGapsAndSeriesStyles(t *testing.T) {
	c := weekly()
	c.Series[0].Values[2] = math.NaN()
	els, _ := decode(t, string(Line(c)))
	var lines []string
	for _, p := range els["path"] {
		if p["fill"] == "none" {
			lines = append(lines, p["d"])
		}
	}
	if len(lines) != 2 || strings.Count(lines[0], "M") != 2 {
		t.Fatalf("lines: %q, want the first series broken in two at the missing value", lines)
	}
	dashed := 0
	for _, p := range els["path"] {
		if p["stroke-dasharray"] != "" {
			dashed++
		}
	}
	if dashed == 0 {
		t.Errorf("the second series is not dashed: series must differ without colour")
	}
	// Bars: each series has its own pattern.
	bels, _ := decode(t, string(Bar(weekly())))
	if len(bels["pattern"]) != 2 || bels["pattern"][0]["id"] == bels["pattern"][1]["id"] {
		t.Errorf("patterns: %v", bels["pattern"])
	}
	if got := len(bels["rect"]); got < 8 {
		t.Errorf("bars: %d rects, want at least 8", got)
	}
}
