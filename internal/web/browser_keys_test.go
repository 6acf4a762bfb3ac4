package web

import (
	"fmt"
	"testing"
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
		b.login("reviewer")
		b.visit("/review")
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
		b.expectPath(href)
		press("a")
		press("r")
		if got := b.eval(`String(document.getElementById("d-action").checked) + " " + document.activeElement.id`); got != "true d-reason" {
			t.Fatalf("a then r on the decision screen: %q, want the action outcome chosen and the reason focused", got)
		}
	})
}
