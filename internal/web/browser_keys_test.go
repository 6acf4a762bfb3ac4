package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReviewShortcuts: on the review queue, j moves to the first
// item, x selects it, * selects all, o opens the decision screen, where a
// chooses "action" and r puts the cursor in the reason; the shortcuts'
// help is shown (it stays hidden without the script).
func TestBrowserReviewShortcuts(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		press := func(key string) {
			t.Helper()
			b.eval(fmt.Sprintf(`(function(){document.dispatchEvent(new KeyboardEvent("keydown",{key:%q,bubbles:true}));return "ok"})()`, key))
		}
		// ready waits until the script has run (it un-hides the help).
		ready := func() {
			t.Helper()
			for i := 0; b.eval(`String(!!document.getElementById("key-help") && !document.getElementById("key-help").hidden)`) != "true"; i++ {
				if i == 100 {
					t.Fatalf("keys.js did not run on %s", b.eval(`location.pathname`))
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		b.login("reviewer")
		b.visit("/review")
		ready()
		b.expectMessage("keys.title")
		if n := b.eval(`String(document.querySelectorAll('table[data-keys="queue"] tbody input[type="checkbox"]:checked').length)`); n != "0" {
			t.Fatalf("%s items selected before any key", n)
		}
		press("j")
		press("x")
		if got := b.eval(`String(document.querySelector('table[data-keys="queue"] tbody tr').classList.contains("current") && document.querySelector('table[data-keys="queue"] tbody input[type="checkbox"]').checked)`); got != "true" {
			t.Fatalf("j then x: first row current and selected = %s", got)
		}
		press("*")
		if got := b.eval(`String(Array.prototype.every.call(document.querySelectorAll('table[data-keys="queue"] tbody input[type="checkbox"]'), function(c){return c.checked}))`); got != "true" {
			t.Fatalf("* did not select every item")
		}
		href := b.eval(`document.querySelector('table[data-keys="queue"] tbody tr a[href^="/review/items/"]').getAttribute("href")`)
		press("o")
		// Poll without failing on the navigation under way.
		at := func() string {
			ctx, cancel := context.WithTimeout(b.ctx, time.Second)
			defer cancel()
			s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " " + document.readyState`))
			if err != nil {
				return ""
			}
			return s
		}
		for i := 0; at() != href+" complete"; i++ {
			if i == 100 {
				b.expectPath(href) // fails with the page
			}
			time.Sleep(50 * time.Millisecond)
		}
		ready()
		press("a")
		press("r")
		if got := b.eval(`String(document.getElementById("d-action").checked) + " " + document.activeElement.id`); got != "true d-reason" {
			t.Fatalf("a then r on the decision screen: %q, want the action outcome chosen and the reason focused", got)
		}
	})
}
