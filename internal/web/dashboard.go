package web

import (
	"html/template"
	"math"
	"net/http"
	"strconv"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/web/chart"
)

// The dashboard: weekly figures as SVG charts, each with its numbers in a
// table. What it covers is the app's (app.Stats): platform-wide for staff,
// a rights holder's own notices, a seller's notices and strikes.
func init() {
	registerArea(area{
		name:   "dash",
		routes: func(s *Server) { s.mux.Handle("GET /dashboard", s.user(s.dashboard)) },
		pages:  []pageRoute{{"/dashboard", nil}, {"/dashboard?weeks=4", nil}},
		nav:    []navLink{{Href: "/dashboard", Key: "dash.nav", show: func(auth.Principal) bool { return true }}},
	})
}

// dashChart is one chart with its table.
type dashChart struct {
	ID     string
	Title  string
	SVG    template.HTML
	Labels []string
	Series []chart.Series
	Format func(float64) string
}

// Rows gives the table: one row per label, one cell per series.
func (c dashChart) Rows() [][]string {
	out := make([][]string, len(c.Labels))
	for i, l := range c.Labels {
		row := []string{l}
		for _, s := range c.Series {
			v := math.NaN()
			if i < len(s.Values) {
				v = s.Values[i]
			}
			if math.IsNaN(v) {
				row = append(row, "—")
			} else {
				row = append(row, c.Format(v))
			}
		}
		out[i] = row
	}
	return out
}

type dashPage struct {
	base
	Stats   app.Stats
	Weeks   int
	Choices []int
	Charts  []dashChart
	Median  string
}

func ints(v []int) []float64 {
	out := make([]float64, len(v))
	for i, n := range v {
		out[i] = float64(n)
	}
	return out
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess session) error {
	weeks, _ := strconv.Atoi(r.URL.Query().Get("weeks"))
	if weeks <= 0 || weeks > 52 {
		weeks = 12
	}
	st, err := s.app.Stats(r.Context(), sess.principal, weeks)
	if err != nil {
		return err
	}
	l := lang(r)
	labels := make([]string, len(st.Weeks))
	for i, wk := range st.Weeks {
		if l == "zh" {
			labels[i] = strconv.Itoa(int(wk.Month())) + "/" + strconv.Itoa(wk.Day())
		} else {
			labels[i] = wk.Format("2 Jan")
		}
	}
	whole := func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	hours := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	noData := translate(l, "dash.nodata")
	mk := func(id, key string, line bool, format func(float64) string, unit string, series ...chart.Series) dashChart {
		c := chart.Chart{ID: id, Title: translate(l, key), Desc: translate(l, key+".desc", "n", len(labels)), Labels: labels, Series: series,
			YLabel: unit, NoData: noData, Format: format}
		svg := chart.Bar(c)
		if line {
			svg = chart.Line(c)
		}
		return dashChart{ID: id, Title: c.Title, SVG: svg, Labels: labels, Series: series, Format: format}
	}
	pg := &dashPage{base: sess.base(r, s, "dash.title"), Stats: st, Weeks: weeks, Choices: []int{4, 8, 12, 26, 52}}
	count := translate(l, "dash.unit.items")
	if st.Scope == app.StatsSeller {
		var series []chart.Series
		for _, p := range st.Strikes {
			series = append(series, chart.Series{Name: p.Name, Values: ints(p.Counts)})
		}
		pg.Charts = append(pg.Charts, mk("strikes", "dash.chart.strikes", false, whole, translate(l, "dash.unit.strikes"), series...))
	}
	pg.Charts = append(pg.Charts, mk("flow", "dash.chart.flow", false, whole, count,
		chart.Series{Name: translate(l, "dash.received"), Values: ints(st.Received)},
		chart.Series{Name: translate(l, "dash.decided"), Values: ints(st.Decided)}))
	pg.Charts = append(pg.Charts, mk("handling", "dash.chart.handling", true, hours, translate(l, "dash.unit.hours"),
		chart.Series{Name: translate(l, "dash.median"), Values: st.MedianHours}))
	pg.Charts = append(pg.Charts, mk("restored", "dash.chart.restored", false, whole, count,
		chart.Series{Name: translate(l, "dash.restored"), Values: ints(st.Restored)}))
	var byProfile []chart.Series
	for _, p := range st.ByProfile {
		byProfile = append(byProfile, chart.Series{Name: p.Name, Values: ints(p.Counts)})
	}
	pg.Charts = append(pg.Charts, mk("profiles", "dash.chart.profiles", true, whole, count, byProfile...))
	if st.Median > 0 {
		pg.Median = hours(st.Median.Hours())
	}
	s.render(w, r, http.StatusOK, "dash.html", pg)
	return nil
}
