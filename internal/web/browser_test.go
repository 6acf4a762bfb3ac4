package web

// Browser tests: the real server (newFixture over the demo world) driven by
// headless Chromium through chromedp, as people use it — typing into
// forms, clicking links and buttons, switching the language — once in
// English and once in Chinese.
//
// One browser serves the whole test process (started on first use, stopped
// in TestMain); each journey gets its own tab in its own browser context
// (its own cookies). Every step has a time limit and, when it fails, says
// which step it was and what the page showed. Console errors, uncaught
// exceptions and CSP violations fail the journey.
//
// Chromium is found through DAJIA_TEST_CHROMIUM or on the PATH (chromium,
// chromium-browser, google-chrome). Without it the tests skip — unless CI
// or DAJIA_TEST_CHROMIUM is set, then they fail, so that CI never skips
// them silently.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/dajia-project/dajia/internal/demo"
)

// stepTimeout bounds every step of a journey.
const stepTimeout = 15 * time.Second

// browserLangs are the languages each journey runs in: the language code
// of the interface and the Accept-Language the browser sends.
var browserLangs = []struct{ lang, accept string }{{"en", "en-US,en;q=0.9"}, {"zh", "zh-CN,zh;q=0.9"}}

var browser struct {
	once sync.Once
	ctx  context.Context // the browser; a child context per journey
	stop func()
	skip string // why there is no browser, if none was found
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.stop != nil {
		browser.stop()
	}
	os.Exit(code)
}

// chromiumPath finds the browser, or says why there is none.
func chromiumPath() (string, string) {
	if p := os.Getenv("DAJIA_TEST_CHROMIUM"); p != "" {
		return p, ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, ""
		}
	}
	return "", "no Chromium found (set DAJIA_TEST_CHROMIUM or install chromium: apt-get install chromium)"
}

// browserContext returns the shared browser, starting it on first use; it
// skips the test when there is no browser and neither CI nor
// DAJIA_TEST_CHROMIUM asks for one.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	browser.once.Do(func() {
		path, why := chromiumPath()
		if path == "" {
			browser.skip = why
			return
		}
		alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.WindowSize(1280, 800),
		)
		ctx, stopBrowser := chromedp.NewContext(alloc)
		browser.stop = func() { stopBrowser(); stopAlloc() }
		// The browser lives as long as the context of its first run, so
		// that run gets ctx itself (a timeout context would end it).
		if err := chromedp.Do(ctx); err != nil {
			browser.err = fmt.Errorf("starting %s: %w", path, err)
			return
		}
		browser.ctx = ctx
	})
	switch {
	case browser.skip != "" && (os.Getenv("CI") != "" || os.Getenv("DAJIA_TEST_CHROMIUM") != ""):
		t.Fatalf("browser tests must run here (CI or DAJIA_TEST_CHROMIUM is set): %s", browser.skip)
	case browser.skip != "":
		t.Skip(browser.skip)
	case browser.err != nil:
		t.Fatal(browser.err)
	}
	return browser.ctx
}

// tab is one journey's browser tab, with its own cookies.
type tab struct {
	t    *testing.T
	f    *fixture
	ctx  context.Context
	lang string // the interface language expected: "en" or "zh"

	mu       sync.Mutex
	console  []string // console errors, exceptions and CSP violations not yet reported
	allowed  []string // substrings of console messages that are expected
	reported int
}

// open starts a journey in a new tab of a fresh browser context, whose
// browser asks for lang (en or zh) with Accept-Language.
func (f *fixture) open(t *testing.T, lang string) *tab {
	t.Helper()
	parent := browserContext(t)
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	b := &tab{t: t, f: f, ctx: ctx, lang: lang}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			bad := m.Type == chromedp.ConsoleError || m.IsException() ||
				m.Source == "security" || strings.Contains(m.Text, "Content Security Policy")
			if bad {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("%s (%s %s:%d)", m, m.Source, m.URL, m.Line))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		// Give late console messages a moment, then report them.
		time.Sleep(50 * time.Millisecond)
		b.checkConsole("end of the journey")
		cancel()
		<-done
	})
	b.do("open a tab", chromedp.EmulateViewport(1280, 800))
	b.setLang(lang)
	return b
}

// setLang makes the browser ask for lang (en or zh) with Accept-Language.
func (b *tab) setLang(lang string) {
	b.t.Helper()
	b.lang = lang
	accept := ""
	for _, l := range browserLangs {
		if l.lang == lang {
			accept = l.accept
		}
	}
	b.do("ask for "+accept, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": accept}})
		return err
	}))
}

// allow expects console errors containing s (e.g. the 401 of a failed
// login).
func (b *tab) allow(s string) {
	b.mu.Lock()
	b.allowed = append(b.allowed, s)
	b.mu.Unlock()
}

// checkConsole fails the journey on console errors, exceptions and CSP
// violations seen since the last check.
func (b *tab) checkConsole(step string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console[b.reported:] {
		ok := false
		for _, a := range b.allowed {
			ok = ok || strings.Contains(m, a)
		}
		if !ok {
			b.t.Errorf("%s: browser console: %s", step, m)
		}
	}
	b.reported = len(b.console)
}

// do runs the actions of one step within stepTimeout; on failure it names
// the step and shows the page.
func (b *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no result within %s: %w", stepTimeout, err)
		}
		b.t.Fatalf("step %q: %v\n%s", step, err, b.pageText())
	}
	b.checkConsole(step)
}

// pageText is the address and visible text of the page, for failure
// messages.
func (b *tab) pageText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText : "(no body)")`))
	if err != nil {
		return "(the page could not be read: " + err.Error() + ")"
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return "--- the page:\n" + s + "\n---"
}

// text is the visible text of the page.
func (b *tab) text() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		b.t.Fatalf("reading the page: %v", err)
	}
	return s
}

// visit opens a path of the site and waits for the page.
func (b *tab) visit(path string) {
	b.t.Helper()
	b.do("visit "+path, chromedp.Navigate(b.f.srv.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// fill types text into a field (after clearing it).
func (b *tab) fill(sel, text string) {
	b.t.Helper()
	b.do(fmt.Sprintf("type %q into %s", text, sel), chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(document.querySelector(%q).value = "", true)`, sel))(ctx, t)
			return err
		}),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

// choose selects an option of a select field by its value.
func (b *tab) choose(sel, value string) {
	b.t.Helper()
	b.do(fmt.Sprintf("choose %q in %s", value, sel), chromedp.SetValue(chromedp.CSS(sel), value))
}

// check clicks a checkbox or radio button (no page load).
func (b *tab) check(sel string) {
	b.t.Helper()
	b.do("check "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if b.eval(fmt.Sprintf(`String(document.querySelector(%q).checked)`, sel)) != "true" {
		b.t.Fatalf("%s is not checked after clicking it\n%s", sel, b.pageText())
	}
}

// upload sets the files of a file field.
func (b *tab) upload(sel string, files ...string) {
	b.t.Helper()
	b.do(fmt.Sprintf("upload %v into %s", files, sel), chromedp.SetUploadFiles(chromedp.CSS(sel), files))
}

// click clicks an element that loads a new page (a link, a submit button)
// and waits for that page.
func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, clickAndWait(chromedp.CSS(sel)), chromedp.WaitReady(chromedp.CSS("main")))
}

// clickLink clicks the link whose visible text is text and waits for the
// page it loads.
func (b *tab) clickLink(text string) {
	b.t.Helper()
	sel := chromedp.Search(fmt.Sprintf(`//a[normalize-space(.)=%s]`, xpathString(text)))
	b.do(fmt.Sprintf("click the link %q", text), clickAndWait(sel), chromedp.WaitReady(chromedp.CSS("main")))
}

// clickAndWait clicks and waits for the load of the page the click leads
// to.
func clickAndWait[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(sel, chromedp.NodeVisible))(ctx, t)
		return err
	})
}

// xpathString quotes s for XPath 1.0.
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// expect checks that the page shows every text.
func (b *tab) expect(texts ...string) {
	b.t.Helper()
	body := b.text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			b.t.Fatalf("the page does not show %q\n%s", s, b.pageText())
		}
	}
}

// expectNot checks that the page shows none of the texts.
func (b *tab) expectNot(texts ...string) {
	b.t.Helper()
	body := b.text()
	for _, s := range texts {
		if strings.Contains(body, s) {
			b.t.Fatalf("the page shows %q but should not\n%s", s, b.pageText())
		}
	}
}

// expectMessage checks that the page shows the catalogue message key in
// the journey's language, with any {placeholder} matching a non-empty
// value (e.g. "{n} open items" matches "3 open items").
func (b *tab) expectMessage(key string) {
	b.t.Helper()
	b.expectMessageIn(b.lang, key)
}

func (b *tab) expectMessageIn(lang, key string) {
	b.t.Helper()
	msg := translate(lang, key)
	re := regexp.MustCompile(regexp.QuoteMeta(msg))
	pattern := regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(re.String(), `.+?`)
	if !regexp.MustCompile(pattern).MatchString(b.text()) {
		b.t.Fatalf("the page does not show %s (%q in %s)\n%s", key, msg, lang, b.pageText())
	}
}

// expectPath checks the address of the page (path and query).
func (b *tab) expectPath(want string) {
	b.t.Helper()
	got := b.eval(`location.pathname + location.search`)
	if got != want {
		b.t.Fatalf("the browser is at %s, want %s\n%s", got, want, b.pageText())
	}
}

// expectLang checks the language the page declares.
func (b *tab) expectLang(lang string) {
	b.t.Helper()
	want := map[string]string{"en": "en", "zh": "zh-CN"}[lang]
	if got := b.eval(`document.documentElement.lang`); got != want {
		b.t.Fatalf("the page is in %q, want %q\n%s", got, want, b.pageText())
	}
}

func (b *tab) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return s
}

// login signs in through the login form as a fixture user.
func (b *tab) login(who string) {
	b.t.Helper()
	b.visit("/login")
	b.loginHere(who)
	if strings.HasPrefix(b.eval(`location.pathname`), "/login") {
		b.t.Fatalf("login as %s did not leave the login page\n%s", who, b.pageText())
	}
}

// loginHere fills the login form shown and submits it.
func (b *tab) loginHere(who string) {
	b.t.Helper()
	email := b.f.users[who]
	if email == "" {
		b.t.Fatalf("no fixture user %q", who)
	}
	b.expectMessage("login.title")
	b.fill("#email", email)
	b.fill("#password", demo.Password)
	b.click(`main form button[type="submit"]`)
}

// sessionToken reads the session cookie from the browser (it is HttpOnly,
// so pages cannot).
func (b *tab) sessionToken() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	var token string
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{b.f.srv.URL}})
		if err != nil {
			return err
		}
		for _, c := range res.Cookies {
			if c.Name == sessionCookie {
				if !c.Secure || !c.HTTPOnly {
					return fmt.Errorf("session cookie is not Secure and HttpOnly: %+v", c)
				}
				token = c.Value
			}
		}
		return nil
	}))
	if err != nil || token == "" {
		b.t.Fatalf("reading the session cookie: %v (token %q)", err, token)
	}
	return token
}

// journey runs fn once per language, each in a fresh fixture and tab.
func journey(t *testing.T, fn func(t *testing.T, b *tab)) {
	for _, l := range browserLangs {
		t.Run(l.lang, func(t *testing.T) {
			browserContext(t)
			f := newFixture(t)
			fn(t, f.open(t, l.lang))
		})
	}
}

// other is the other language.
func other(lang string) string {
	if lang == "zh" {
		return "en"
	}
	return "zh"
}

// TestBrowserLoginHomeItems: a rights holder logs in, the home page says
// what needs attention, the items list leads to an item with its state and
// deadlines.
func TestBrowserLoginHomeItems(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		b.login("owner")
		b.expectPath("/")
		b.expectLang(b.lang)
		b.expectMessage("home.title")
		b.expectMessage("home.open")
		b.expectMessage("home.unread")
		b.clickLink(translate(b.lang, "nav.items"))
		b.expectPath("/items")
		b.expectMessage("items.title")
		id := b.f.demo.Items["countered"]
		v, err := b.f.app.Item(ctx, b.f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		b.expect(v.ListingID)
		b.click(fmt.Sprintf(`a[href="/items/%s"]`, id))
		b.expectPath("/items/" + id)
		b.expect(translate(b.lang, "item.title", "id", id), slStateLabel(b.lang, v.State), translate(b.lang, "item.deadlines"))
		if len(v.Deadlines) == 0 {
			t.Fatalf("the countered demo item has no deadline")
		}
		b.expect(localDue(b.lang, v.Deadlines[0]), v.Deadlines[0].Calendar)
	})
}

// TestBrowserReviewDecide: a reviewer finds the review queue in the
// navigation with the notices waiting for review, opens one beside its
// listing and right, and decides it with a reason template; the item
// leaves the queue and its state changes.
func TestBrowserReviewDecide(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		b.login("reviewer")
		b.expectMessage("home.queue")
		b.clickLink(translate(b.lang, "nav.review"))
		b.expectPath("/review")
		b.expectMessage("review.title")
		for _, k := range []string{"eu_pending", "us_pending"} {
			v, err := b.f.app.Item(ctx, b.f.sys, b.f.demo.Items[k])
			if err != nil {
				t.Fatal(err)
			}
			b.expect(v.ListingID)
		}
		id := b.f.demo.Items["eu_pending"]
		before, err := b.f.app.Item(ctx, b.f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		b.click(fmt.Sprintf(`a[href="/review/items/%s"]`, id))
		b.expectPath("/review/items/" + id)
		b.expect(before.ListingTitle, translate(b.lang, "rv.item.listing"), translate(b.lang, "rv.item.right"), translate(b.lang, "rv.decide.title"))

		b.check("#d-action")
		b.choose("#d-template", b.eval(`document.querySelector("#d-template option:not([value=''])").value`))
		b.fill("#d-explanation", "Same mark on shoes the brand did not make; price a third of retail.")
		b.click(`form[action$="/decide"] button[type="submit"]`)
		b.expectPath("/review?decided=" + id)
		b.expectNot(before.ListingID + " " + before.ListingTitle)
		after, err := b.f.app.Item(ctx, b.f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		if after.State == before.State {
			t.Fatalf("the decision left the item in %s", after.State)
		}
		b.visit("/items/" + id)
		b.expect(slStateLabel(b.lang, after.State))
	})
}

// TestBrowserLanguageSwitch: the language link switches the interface and
// the choice is remembered on the next pages, over the browser's
// Accept-Language.
func TestBrowserLanguageSwitch(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		b.login("owner")
		b.clickLink(translate(b.lang, "nav.items"))
		b.expectLang(b.lang)
		to := other(b.lang)
		b.clickLink(translate(b.lang, "nav.language"))
		b.expectPath("/items")
		b.expectLang(to)
		b.expectMessageIn(to, "items.title")
		b.clickLink(translate(to, "nav.rights"))
		b.expectPath("/rights")
		b.expectLang(to)
		b.expectMessageIn(to, "rights.title")
		b.visit("/")
		b.expectLang(to)
		b.expectMessageIn(to, "home.title")
		// And back.
		b.clickLink(translate(to, "nav.language"))
		b.expectPath("/")
		b.expectLang(b.lang)
		b.expectMessage("home.title")
	})
}

// TestBrowserSessionRedirect: without a session, and after the session
// ended on the server, a page sends the browser to the login form and,
// after logging in, back to that page.
func TestBrowserSessionRedirect(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		id := b.f.demo.Items["countered"]
		b.visit("/items/" + id)
		b.expectPath("/login?next=%2Fitems%2F" + id)
		b.loginHere("owner")
		b.expectPath("/items/" + id)
		b.expect(translate(b.lang, "item.title", "id", id))

		// The session ends on the server (it expired, or the user logged
		// out elsewhere): the next page asks to log in again.
		if err := b.f.app.Logout(ctx, b.sessionToken()); err != nil {
			t.Fatal(err)
		}
		b.visit("/rights?cursor=")
		b.expectPath("/login?next=%2Frights%3Fcursor%3D")
		b.loginHere("owner")
		b.expectPath("/rights?cursor=")
		b.expectMessage("rights.title")

		// Logging out with the button ends the session too.
		b.click(`form[action="/logout"] button`)
		b.expectPath("/login")
		b.visit("/items")
		b.expectPath("/login?next=%2Fitems")
	})
}

// TestBrowserPublicRegister: anyone can read the ECL Art. 44 register
// without logging in.
func TestBrowserPublicRegister(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		b.visit("/public/register")
		b.expectPath("/public/register")
		b.expectLang(b.lang)
		b.expectMessage("register.title")
		b.expectMessage("register.intro")
		b.expect(translate(b.lang, "register.kind.notice"), "L-1-1")
		b.expect(translate(b.lang, "nav.login"))
	})
}

var updateScreenshots = flag.Bool("update", false, "TestScreenshots writes the screenshots into docs/screenshots")

// screenshotDir is docs/screenshots of the repository, from this package.
const screenshotDir = "../../docs/screenshots"

// shot is one page to render as one user.
type shot struct {
	name string // file name without language and extension
	who  string // fixture user, "" for anonymous
	path string
}

// screenshotPages are the main pages: the login page and the public
// register, home for every kind of user, every page of Routes (core and
// portal areas) as the first user allowed to see it (a rights holder when
// everyone may; filtered views are left out), and an item as its
// notifier and as a reviewer.
func screenshotPages(f *fixture) []shot {
	shots := []shot{{"login", "", "/login"}, {"public-register", "", "/public/register"}}
	for _, who := range []string{"owner", "agent", "reviewer", "admin", "seller"} {
		shots = append(shots, shot{"home-" + who, who, "/"})
	}
	for _, r := range New(nil, nil, nil).Routes() {
		if r.Path == "/" || r.Path == "/login" || r.Path == "/public/register" || strings.Contains(r.Path, "?") {
			continue // done above, or a filtered view of a page
		}
		who := "owner"
		if len(r.Users) > 0 {
			who = r.Users[0]
		}
		name := strings.ReplaceAll(strings.Trim(r.Path, "/"), "/", "-")
		shots = append(shots, shot{name, who, r.Path})
	}
	shots = append(shots,
		shot{"item-countered-owner", "owner", "/items/" + f.demo.Items["countered"]},
		shot{"item-pending-reviewer", "reviewer", "/review/items/" + f.demo.Items["eu_pending"]})
	return shots
}

// TestScreenshots renders the main pages over the demo world in Chromium
// at 1280×800, in both languages, and checks that each answers 200, shows
// a non-empty main landmark and causes no console error or CSP violation.
// With -update it writes each as docs/screenshots/<lang>-<page>.png:
//
//	go test ./internal/web -run TestScreenshots -update
func TestScreenshots(t *testing.T) {
	browserContext(t)
	f := newFixture(t)
	shots := screenshotPages(f)
	if *updateScreenshots {
		old, _ := filepath.Glob(filepath.Join(screenshotDir, "*.png"))
		for _, p := range old {
			os.Remove(p)
		}
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// One tab per user, logged in once; the language follows the
	// browser's Accept-Language.
	tabs := map[string]*tab{}
	top := t
	for _, l := range browserLangs {
		t.Run(l.lang, func(t *testing.T) {
			defer func() {
				for _, b := range tabs {
					b.t = top // the tabs outlive this subtest
				}
			}()
			for _, s := range shots {
				b := tabs[s.who]
				if b == nil {
					b = f.open(top, l.lang) // closed at the end of the whole test
					b.t = t
					if s.who != "" {
						b.login(s.who)
					}
					tabs[s.who] = b
				}
				b.t = t
				b.setLang(l.lang)
				b.shoot(s, l.lang+"-"+s.name+".png")
			}
		})
	}
}

// shoot renders one page, checks it, and writes its screenshot with
// -update.
func (b *tab) shoot(s shot, file string) {
	b.t.Helper()
	step := fmt.Sprintf("render %s as %q", s.path, s.who)
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.f.srv.URL+s.path))
	if err != nil {
		b.t.Fatalf("step %q: %v\n%s", step, err, b.pageText())
	}
	if resp.Status != 200 {
		b.t.Errorf("step %q: status %d\n%s", step, resp.Status, b.pageText())
		return
	}
	main, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || {innerText: ""}).innerText.trim()`))
	if err != nil || main == "" {
		b.t.Errorf("step %q: the main landmark is empty (%v)\n%s", step, err, b.pageText())
	}
	if lang := map[string]string{"en": "en", "zh": "zh-CN"}[b.lang]; b.eval(`document.documentElement.lang`) != lang {
		b.t.Errorf("step %q: the page is not in %s", step, lang)
	}
	if *updateScreenshots {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			b.t.Fatalf("step %q: screenshot: %v", step, err)
		}
		if err := os.WriteFile(filepath.Join(screenshotDir, file), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.checkConsole(step)
}

// TestBrowserBulkNotice: a rights holder uploads a CSV of listings, sees
// the check name the bad row with its line, fixes the file and uploads it
// again, files the notice and tracks it among its notices.
func TestBrowserBulkNotice(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		dir := t.TempDir()
		write := func(name, rows string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte("listing_id,right_id,infringement_type,evidence_ids,note\n"+rows), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		// L-4-3 and L-9-3 are AURORA shoes sold in China that no notice
		// names yet; L-999-9 does not exist.
		bad := write("bad.csv", "L-4-3,,counterfeit,,\nL-999-9,,counterfeit,,\n")
		good := write("good.csv", "L-4-3,,counterfeit,,\nL-9-3,,counterfeit,,\n")

		b.login("owner")
		b.visit("/notices/upload")
		b.expect(translate(b.lang, "rh.upload.title"))
		b.upload("#csv", bad)
		b.choose("#right_id", b.eval(`[...document.querySelectorAll("#right_id option")].find(o => o.text.includes("31245678")).value`))
		b.checkAll(`input[type="checkbox"][name^="attest."]`)
		b.fill("#explanation", "Our registered mark on shoes we did not make.")
		b.fill("#signature", "IP Manager")
		b.click(`form[action="/notices/upload"] button[type="submit"]`)
		b.expect(translate(b.lang, "rh.upload.summary", "valid", 1, "bad", 1), "L-999-9")
		if got := b.eval(`document.querySelector("#problems tbody td").innerText`); got != "3" {
			t.Fatalf("the problem is on line %q, want 3\n%s", got, b.pageText())
		}

		// Fix the file and upload it again.
		b.upload("#csv", good)
		b.checkAll(`input[type="checkbox"][name^="attest."]`)
		b.click(`form[action="/notices/upload"] button[type="submit"]`)
		b.expect(translate(b.lang, "rh.upload.summary", "valid", 2, "bad", 0))
		b.click(`form[action="/notices/upload/file"] button[type="submit"]`)
		b.expect(translate(b.lang, "rh.notice.received"), "L-4-3", "L-9-3")
		notice := strings.TrimPrefix(b.eval(`location.pathname`), "/notices/")

		// Tracking: the notice is among the brand's notices.
		b.visit("/notices")
		b.expect(translate(b.lang, "rh.notices.title"))
		b.click(fmt.Sprintf(`a[href="/notices/%s"]`, notice))
		b.expect(translate(b.lang, "rh.notice.title", "id", notice), "L-4-3", "L-9-3")
	})
}

// checkAll ticks every checkbox matching sel that is not ticked yet.
func (b *tab) checkAll(sel string) {
	b.t.Helper()
	n := b.eval(fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, sel))
	if n == "0" {
		b.t.Fatalf("no %s on the page\n%s", sel, b.pageText())
	}
	b.do("tick every "+sel, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		nodes, err := chromedp.Nodes(chromedp.CSSAll(sel), chromedp.NodeVisible)(ctx, t)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if _, ok := n.Attribute("checked"); ok {
				continue
			}
			if _, err := chromedp.MouseClickNode(n)(ctx, t); err != nil {
				return err
			}
		}
		return nil
	}))
}
