// Package chart renders small accessible SVG charts on the server, for
// pages that work without JavaScript under a strict Content-Security-Policy:
// bar charts (grouped, several series) and line charts (several series, gaps
// for missing values). The SVG is meant to be inlined in HTML: it carries a
// <title> and <desc> named by aria-labelledby, axes with ticks and labels, a
// legend, and a <title> on every bar and point with its value (shown on
// hover). It uses presentation attributes only (no style attributes), and
// series differ by lightness and by pattern (bars) or dash and marker
// (lines), so a chart stays readable when printed in greyscale.
//
// A chart shows the shape; the page should also give the numbers in a table.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one named row of values, one per label; NaN is a missing value
// (a gap in a line, no bar).
type Series struct {
	Name   string
	Values []float64
}

// Chart is what to draw.
type Chart struct {
	// ID prefixes the ids inside the SVG (title, desc, patterns); it must
	// be unique on the page. Letters, digits and '-' only.
	ID    string
	Title string
	Desc  string
	// Labels name the categories along the x axis (e.g. weeks).
	Labels []string
	Series []Series
	// YLabel names the unit of the y axis.
	YLabel string
	// NoData is the text shown when there is nothing to draw.
	NoData string
	// Format writes a value (ticks and hover titles); default: up to two
	// decimals.
	Format func(float64) string
}

// Geometry of the drawing, in SVG user units.
const (
	width   = 640
	height  = 300
	left    = 56
	right   = 16
	top     = 40
	bottom  = 56
	plotW   = width - left - right
	plotH   = height - top - bottom
	nTicks  = 5
	fontSz  = 12
	legendH = 18
)

// Fills and strokes of the series: distinct lightness, dark first.
var palette = []string{"#1b3a5c", "#6a8fb8", "#b3261e", "#c9d4e0", "#3d3d3d", "#e0a040"}

// Dash patterns of the lines, in series order.
var dashes = []string{"", "6 4", "2 3", "10 3 2 3", "1 2", "8 2"}

// Empty reports whether the chart has nothing to draw.
func (c Chart) Empty() bool {
	if len(c.Labels) == 0 {
		return true
	}
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				return false
			}
		}
	}
	return true
}

func (c Chart) format(v float64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func (c Chart) id(s string) string {
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, c.ID)
	if id == "" {
		id = "chart"
	}
	return id + "-" + s
}

// esc escapes text for XML content and attribute values.
func esc(s string) string { return template.HTMLEscapeString(s) }

// Scale returns the top of the y axis and the step between ticks: a round
// number (1, 2, 2.5 or 5 × 10ⁿ per step) not below max, at least 1 step.
func Scale(max float64) (top, step float64) {
	if !(max > 0) || math.IsInf(max, 0) {
		return nTicks, 1
	}
	raw := max / nTicks
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = m * mag
		if step*nTicks >= max {
			break
		}
	}
	top = step * math.Ceil(max/step-1e-9)
	if top < max {
		top += step
	}
	return top, step
}

func (c Chart) max() float64 {
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > m {
				m = v
			}
		}
	}
	return m
}

// open writes the svg element with its title and description.
func (c Chart) open(b *strings.Builder) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s %s" font-family="sans-serif" font-size="%d">`,
		width, height, width, height, c.id("title"), c.id("desc"), fontSz)
	fmt.Fprintf(b, `<title id="%s">%s</title><desc id="%s">%s</desc>`, c.id("title"), esc(c.Title), c.id("desc"), esc(c.Desc))
}

func (c Chart) noData() template.HTML {
	var b strings.Builder
	c.open(&b)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#9aa4ae" stroke-dasharray="4 4"/>`, left, top, plotW, plotH)
	fmt.Fprintf(&b, `<text class="nodata" x="%d" y="%d" text-anchor="middle" fill="#3d3d3d">%s</text></svg>`, left+plotW/2, top+plotH/2, esc(c.NoData))
	return template.HTML(b.String())
}

// axes writes the y axis with its ticks and grid, the x axis with one label
// per category (thinned when crowded), and the y axis label.
func (c Chart) axes(b *strings.Builder, ymax float64, step float64) {
	b.WriteString(`<g class="axis y">`)
	for v := 0.0; v <= ymax+step/2; v += step {
		y := yFor(v, ymax)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d8dde3"/>`, left, left+plotW, y, y)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#1b1f24"/>`, left-4, left, y, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="#1b1f24">%s</text>`, left-6, y, esc(c.format(v)))
	}
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#1b1f24"/>`, left, left, top, top+plotH)
	if c.YLabel != "" {
		fmt.Fprintf(b, `<text x="%d" y="%d" fill="#1b1f24">%s</text>`, 4, top-24, esc(c.YLabel))
	}
	b.WriteString(`</g><g class="axis x">`)
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#1b1f24"/>`, left, left+plotW, top+plotH, top+plotH)
	n := len(c.Labels)
	every := (n + 11) / 12 // at most 12 labels
	for i, l := range c.Labels {
		x := c.xCenter(i)
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#1b1f24"/>`, x, x, top+plotH, top+plotH+4)
		if i%every == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#1b1f24">%s</text>`, x, top+plotH+18, esc(l))
		}
	}
	b.WriteString(`</g>`)
}

func yFor(v, ymax float64) float64 { return float64(top+plotH) - v/ymax*plotH }

func (c Chart) xCenter(i int) float64 {
	band := float64(plotW) / float64(len(c.Labels))
	return float64(left) + band*(float64(i)+0.5)
}

// legend writes one entry per series under the x axis labels.
func (c Chart) legend(b *strings.Builder, swatch func(b *strings.Builder, i int, x, y float64)) {
	if len(c.Series) < 2 {
		return
	}
	b.WriteString(`<g class="legend">`)
	x := float64(left)
	y := float64(height - legendH)
	for i, s := range c.Series {
		swatch(b, i, x, y-10)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="#1b1f24">%s</text>`, x+22, y, esc(s.Name))
		x += 22 + float64(8*len([]rune(s.Name))+20)
	}
	b.WriteString(`</g>`)
}

// patterns defines the bar fills: series 0 solid, then hatching, dots and
// cross-hatching over the series colour.
func (c Chart) patterns(b *strings.Builder) {
	b.WriteString(`<defs>`)
	for i := range c.Series {
		col := palette[i%len(palette)]
		fmt.Fprintf(b, `<pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse">`, c.id("p"+strconv.Itoa(i)))
		fmt.Fprintf(b, `<rect width="6" height="6" fill="%s"/>`, col)
		switch i % 4 {
		case 1:
			b.WriteString(`<path d="M0 6L6 0" stroke="#fff" stroke-width="1.5"/>`)
		case 2:
			b.WriteString(`<circle cx="3" cy="3" r="1.2" fill="#fff"/>`)
		case 3:
			b.WriteString(`<path d="M0 0L6 6M0 6L6 0" stroke="#1b1f24" stroke-width="0.8"/>`)
		}
		b.WriteString(`</pattern>`)
	}
	b.WriteString(`</defs>`)
}

// Bar renders a grouped bar chart: one group per label, one bar per series.
func Bar(c Chart) template.HTML {
	if c.Empty() {
		return c.noData()
	}
	topV, step := Scale(c.max())
	var b strings.Builder
	c.open(&b)
	c.patterns(&b)
	c.axes(&b, topV, step)
	band := float64(plotW) / float64(len(c.Labels))
	ns := max(len(c.Series), 1)
	barW := band * 0.8 / float64(ns)
	b.WriteString(`<g class="bars">`)
	for si, s := range c.Series {
		for i, l := range c.Labels {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				continue
			}
			v := s.Values[i]
			x := float64(left) + band*float64(i) + band*0.1 + barW*float64(si)
			y := yFor(v, topV)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="url(#%s)" stroke="#1b1f24" stroke-width="0.5"><title>%s</title></rect>`,
				x, y, barW, float64(top+plotH)-y, c.id("p"+strconv.Itoa(si)), esc(pointTitle(l, s.Name, c.format(v), len(c.Series))))
		}
	}
	b.WriteString(`</g>`)
	c.legend(&b, func(b *strings.Builder, i int, x, y float64) {
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="16" height="12" fill="url(#%s)" stroke="#1b1f24" stroke-width="0.5"/>`, x, y, c.id("p"+strconv.Itoa(i)))
	})
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func pointTitle(label, series, value string, n int) string {
	if n < 2 || series == "" {
		return label + ": " + value
	}
	return label + " — " + series + ": " + value
}

// marker draws series i's point marker: circle, square, triangle, diamond.
func marker(b *strings.Builder, i int, x, y float64, title string) {
	col := palette[i%len(palette)]
	open := `<g class="point">`
	if title != "" {
		open = `<g class="point"><title>` + esc(title) + `</title>`
	}
	b.WriteString(open)
	switch i % 4 {
	case 0:
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="#1b1f24"/>`, x, y, col)
	case 1:
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s" stroke="#1b1f24"/>`, x-4, y-4, col)
	case 2:
		fmt.Fprintf(b, `<path d="M%.1f %.1fL%.1f %.1fL%.1f %.1fZ" fill="%s" stroke="#1b1f24"/>`, x, y-5, x+5, y+4, x-5, y+4, col)
	case 3:
		fmt.Fprintf(b, `<path d="M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ" fill="%s" stroke="#1b1f24"/>`, x, y-5, x+5, y, x, y+5, x-5, y, col)
	}
	b.WriteString(`</g>`)
}

// Line renders a line chart, one line per series; NaN values are gaps.
func Line(c Chart) template.HTML {
	if c.Empty() {
		return c.noData()
	}
	topV, step := Scale(c.max())
	var b strings.Builder
	c.open(&b)
	c.axes(&b, topV, step)
	b.WriteString(`<g class="lines">`)
	for si, s := range c.Series {
		col := palette[si%len(palette)]
		dash := ""
		if d := dashes[si%len(dashes)]; d != "" {
			dash = ` stroke-dasharray="` + d + `"`
		}
		var path strings.Builder
		pen := false
		for i := range c.Labels {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f", cmd, c.xCenter(i), yFor(s.Values[i], topV))
			pen = true
		}
		if path.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, path.String(), col, dash)
		}
		for i, l := range c.Labels {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				continue
			}
			marker(&b, si, c.xCenter(i), yFor(s.Values[i], topV), pointTitle(l, s.Name, c.format(s.Values[i]), len(c.Series)))
		}
	}
	b.WriteString(`</g>`)
	c.legend(&b, func(b *strings.Builder, i int, x, y float64) {
		dash := ""
		if d := dashes[i%len(dashes)]; d != "" {
			dash = ` stroke-dasharray="` + d + `"`
		}
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`, x, x+18, y+6, y+6, palette[i%len(palette)], dash)
		marker(b, i, x+9, y+6, "")
	})
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
