package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWebStudio drives the embedded studio in a real headless Chromium
// through a whole shoot on the studio providers: it uploads two references
// through the file input, starts the shoot, loses the connection mid-stage
// and sees it resume, approves every checkpoint, regenerates a frame,
// reloads the page while the clips develop, plays the film, downloads the
// zip, looks at the archive on a phone's width, and deletes the session.
// Screenshots of each screen go to $SHOOT_SCREENSHOTS (or a temporary
// folder, named in the log).
func TestWebStudio(t *testing.T) {
	t.Parallel()
	chrome := webChromium(t)
	studio := startStudio(t, map[string]string{
		// Slow enough to act while a stage runs, quick enough for the suite.
		"SHOOT_STUDIO_IMAGE_LATENCY": "1500ms",
		"SHOOT_STUDIO_CLIP_LATENCY":  "5s",
	})
	proxy := startWebProxy(t, strings.TrimPrefix(studio.Base, "http://"))
	b := newWebBrowser(t, chrome, proxy.URL)

	b.open("/")
	b.wait("the new-shoot form", `document.querySelector("#ref-input") !== null && document.querySelectorAll("#pose option").length > 1`)
	b.audit("new shoot")
	refs := webRefFiles(t)
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#ref-input"), refs))
	b.wait("two uploaded references", `document.querySelectorAll('.ref[data-status="ok"]').length === 2`)
	b.do(chromedp.SendKeys(chromedp.CSS("#brief"), "Rain-slicked street at dusk, the coat catching the flash: confident and cinematic."))
	b.eval(`(() => {
		for (const [name, value] of [["resolution", "1K"], ["fps", "24"]]) document.querySelector('input[name="' + name + '"][value="' + value + '"]').click();
		const d = document.querySelector("#clip-duration"); d.value = "0.5"; d.dispatchEvent(new Event("input", { bubbles: true }));
	})()`)
	b.wait("the estimate", `document.querySelector(".estimate-value") !== null`)
	b.shot("new-shoot")

	b.do(chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
	b.wait("the session view", `location.hash.startsWith("#/session/") && document.querySelector(".session") !== null`)
	sid := strings.TrimPrefix(webEval[string](b, `location.hash`), "#/session/")
	t.Logf("session %s", sid)

	// Lose the connection while the hero develops: the badge says so, and
	// the stream resumes from the last event when the network is back.
	proxy.Pause()
	b.wait("the reconnecting badge", `document.querySelector("#conn").dataset.state === "reconnecting"`)
	b.shot("connection-dropped")
	proxy.Resume()
	b.wait("the live badge", `document.querySelector("#conn").dataset.state === "live"`)

	b.waitCheckpoint(studio, sid, "hero")
	b.wait("the hero image", `document.querySelector(".hero-img")?.complete && document.querySelector(".hero-img").naturalWidth > 0`)
	b.eval(`document.querySelector(".hero-img").decode().then(() => true)`)
	b.audit("hero checkpoint")
	b.shot("hero-checkpoint")
	b.approve()

	b.waitCheckpoint(studio, sid, "contact-sheet")
	b.wait("the contact sheet image", `document.querySelector(".sheet-img")?.complete && document.querySelector(".sheet-img").naturalWidth > 0`)
	b.eval(`document.querySelector(".sheet-img").decode().then(() => true)`)
	b.shot("contact-sheet-checkpoint")
	b.approve()

	b.waitCheckpoint(studio, sid, "frames")
	b.wait("the grid drawn over the sheet", `document.querySelectorAll(".grid-overlay rect").length === 6`)
	b.wait("six frames", `document.querySelectorAll(".tile-frame img").length === 6`)
	b.shot("frames-checkpoint")
	b.do(chromedp.Click(chromedp.CSS(`button[aria-label="Regenerate frame 3"]`)))
	b.wait("frame 3 regenerated", `document.querySelector('.tile-frame[data-index="3"] .chip')?.textContent === "v2"`)
	b.waitCheckpoint(studio, sid, "frames")
	b.shot("frame-3-regenerated")
	b.approve()

	// Reload while the clips develop: the page must come back to this
	// session from its URL and keep following the same run.
	b.wait("the clips developing", `document.querySelector('.step[data-stage="clips"]').dataset.status === "running" && document.querySelector(".tile-developing") !== null`)
	b.shot("clips-developing")
	before := webEval[float64](b, `Number(document.querySelector(".session").dataset.lastSeq)`)
	b.do(chromedp.Reload())
	b.wait("the session after the reload", fmt.Sprintf(`location.hash === "#/session/%s" && Number(document.querySelector(".session")?.dataset.lastSeq) >= %v`, sid, before))
	if st := webEval[string](b, `document.querySelector('.step[data-stage="clips"]').dataset.status`); st != "running" {
		t.Fatalf("after the reload the clips step is %q, want running (the replay should end mid-stage)", st)
	}
	b.waitCheckpoint(studio, sid, "clips")
	b.wait("five playing clips", `[...document.querySelectorAll(".tile-clip video")].filter(v => v.readyState >= 2 && !v.paused).length === 5`)
	b.shot("clips-checkpoint")
	b.approve()

	b.wait("the finished film", `document.querySelector('.decision[data-mode="done"]') !== null && document.querySelector("video.film") !== null`)
	b.checkNoGapsOrDuplicates(studio, sid)
	film := webEval[map[string]any](b, `(async () => {
		const v = document.querySelector("video.film");
		v.muted = true;
		await v.play();
		await new Promise((resolve) => v.addEventListener("timeupdate", resolve, { once: true }));
		return { duration: v.duration, error: v.error ? v.error.code : 0, time: v.currentTime };
	})()`)
	if d, _ := film["duration"].(float64); d <= 0 || film["error"] != float64(0) {
		t.Fatalf("the film does not play: %v", film)
	}
	b.audit("finished session")
	b.shot("film")
	webCheckExport(t, studio, sid, b.zipHref())

	// A path link to the session opens it too (the server answers it with
	// the page, which turns it into the hash route).
	b.phoneWidth()
	b.open("/session/" + sid)
	b.wait("the session from a path link", `location.hash === "#/session/`+sid+`" && document.querySelector('.decision[data-mode="done"]') !== null`)
	b.fitsWidth("session on a phone")
	b.shot("session-phone")
	b.eval(`location.hash = "#/sessions"`)
	b.wait("the session card", `document.querySelector('.session-card[data-id="`+sid+`"] .badge')?.textContent === "Finished"`)
	b.fitsWidth("sessions on a phone")
	b.shot("sessions-phone")
	b.deleteFromArchive(studio, sid)
	b.checkConsole()
}

// webChromium finds Debian's chromium. Without it the test cannot run: in
// CI that is a failure (scripts/setup.sh installs it), elsewhere a skip.
func webChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; scripts/setup.sh installs it")
	}
	t.Skip("chromium is not installed; run scripts/setup.sh to run the browser test")
	return ""
}

// webRefFiles saves two reference pictures for the file input.
func webRefFiles(t *testing.T) []string {
	dir := t.TempDir()
	var paths []string
	for i := 1; i <= 2; i++ {
		p := filepath.Join(dir, fmt.Sprintf("look-%d.png", i))
		if err := os.WriteFile(p, refPNG(i), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// webBrowser is one headless Chromium tab on the studio.
type webBrowser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	n     int
	// patience bounds each wait (90 s when zero).
	patience time.Duration

	mu         sync.Mutex
	exceptions []string
}

func newWebBrowser(t *testing.T, chrome, base string) *webBrowser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1440, 960),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Loopback only: every other host name fails to resolve.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 40*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &webBrowser{t: t, ctx: ctx, base: base, shots: webShotDir(t)}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() {
				b.mu.Lock()
				b.exceptions = append(b.exceptions, m.String())
				b.mu.Unlock()
			}
		}
	}()
	b.do(chromedp.EmulateViewport(1440, 960))
	return b
}

// webShotDir is a folder named after the test in $SHOOT_SCREENSHOTS, or a
// temporary folder.
func webShotDir(t *testing.T) string {
	dir := t.TempDir()
	if root := os.Getenv("SHOOT_SCREENSHOTS"); root != "" {
		dir = filepath.Join(root, t.Name())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

func (b *webBrowser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail("browser action: %v", err)
	}
}

func (b *webBrowser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// eval runs a script, awaiting a returned promise.
func (b *webBrowser) eval(expr string) {
	b.t.Helper()
	_ = webEval[any](b, expr)
}

func webEval[T any](b *webBrowser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("evaluating %s: %v", expr, err)
	}
	return v
}

// wait polls a predicate in the page until it holds. A poll cut short by
// the page navigating (a reload, signing out) starts again on the new page.
func (b *webBrowser) wait(what, predicate string) {
	b.t.Helper()
	patience := b.patience
	if patience == 0 {
		patience = 90 * time.Second
	}
	deadline := time.Now().Add(patience)
	for {
		_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](predicate,
			chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		if !navigationError(err) || time.Now().After(deadline) {
			b.fail("waiting for %s: %v", what, err)
		}
	}
}

// navigationError reports whether err comes from the page being replaced
// while a script ran in it.
func navigationError(err error) bool {
	for _, s := range []string{"navigated", "context was destroyed", "Cannot find context"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// fail saves what the page looked like, then fails the test.
func (b *webBrowser) fail(format string, args ...any) {
	b.t.Helper()
	if buf, err := chromedp.Run(context.WithoutCancel(b.ctx), chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(b.shots, "failure.png"), buf, 0o644)
	}
	b.t.Fatalf(format, args...)
}

func (b *webBrowser) shot(name string) {
	b.t.Helper()
	b.eval(`window.scrollTo(0, 0)`) // sticky parts sit where they belong
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	b.n++
	if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name)), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// waitCheckpoint waits until the page offers "Approve & continue" for stage
// and the server agrees the session is waiting there.
func (b *webBrowser) waitCheckpoint(s *liveStudio, sid, stage string) {
	b.t.Helper()
	b.wait(stage+" checkpoint", `(() => {
		const d = document.querySelector('.decision[data-mode="awaiting"]');
		return d !== null && d.querySelector('[data-action="approve"]') !== null && !d.querySelector("button").disabled
			&& document.querySelector('.step[data-stage="`+stage+`"]').dataset.status === "done";
	})()`)
	p := webGetJSON(b.t, s.Base+"/api/sessions/"+sid+"/pipeline")["pipeline"].(map[string]any)
	if cp, _ := p["checkpoint"].(map[string]any); p["run_state"] != "awaiting" || cp["stage"] != stage {
		b.t.Fatalf("the page shows the %s checkpoint but the server says %v", stage, p)
	}
}

func (b *webBrowser) approve() {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(`[data-action="approve"]`)))
	b.wait("the next stage to start", `document.querySelector('.decision[data-mode="awaiting"]') === null`)
}

// audit checks what a keyboard or screen-reader user needs on the current
// screen: every control labelled, every button and link named, every
// image with an alt attribute.
func (b *webBrowser) audit(screen string) {
	b.t.Helper()
	bad := webEval[[]string](b, `(() => {
		const bad = [];
		const short = (el) => el.outerHTML.slice(0, 90);
		for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
			if (!el.labels?.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) bad.push("unlabelled " + short(el));
		}
		for (const el of document.querySelectorAll("button, a[href]")) {
			if (!(el.getAttribute("aria-label") || el.textContent).trim()) bad.push("unnamed " + short(el));
		}
		for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) bad.push("no alt " + short(img));
		return bad;
	})()`)
	if len(bad) > 0 {
		b.t.Errorf("%s: accessibility problems:\n%s", screen, strings.Join(bad, "\n"))
	}
}

// checkNoGapsOrDuplicates compares the page with the server's event log:
// the page has applied every event up to the newest, and shows each of the
// director's messages exactly once despite the dropped connection, the
// reload and the overlapping exchange streams.
func (b *webBrowser) checkNoGapsOrDuplicates(s *liveStudio, sid string) {
	b.t.Helper()
	seen := int64(webEval[float64](b, `Number(document.querySelector(".session").dataset.lastSeq)`))
	var messages []string
	last := sseEvent{}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Base+"/api/sessions/"+sid+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	_ = readSSE(resp.Body, func(e sseEvent) bool {
		if e.Type() == "assistant_message" {
			messages = append(messages, e.Data["content"].(string))
		}
		last = e
		return e.ID < seen
	})
	if last.ID != seen || last.Type() != "complete" {
		b.t.Fatalf("the page stopped at event %d; the log's event %d is %q", seen, last.ID, last.Type())
	}
	shown := webEval[[]string](b, `[...document.querySelectorAll(".msg-director .msg-body")].map(n => n.textContent)`)
	if len(shown) != len(messages) {
		b.t.Fatalf("the page shows %d director messages, the log has %d:\npage: %q\nlog:  %q", len(shown), len(messages), shown, messages)
	}
}

func (b *webBrowser) zipHref() string {
	b.t.Helper()
	return webEval[string](b, `document.querySelector('.decision a[download][href$="export.zip"]').getAttribute("href")`)
}

// phoneWidth switches to a phone's viewport.
func (b *webBrowser) phoneWidth() {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.wait("the phone layout", `window.innerWidth === 390`)
}

// fitsWidth checks that the page needs no sideways scrolling.
func (b *webBrowser) fitsWidth(screen string) {
	b.t.Helper()
	if w := webEval[float64](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 1 {
		b.t.Errorf("%s: the page is %v px wider than the window", screen, w)
	}
}

// deleteFromArchive deletes the session from its card, through the
// confirmation dialog, and checks the server forgot it.
func (b *webBrowser) deleteFromArchive(s *liveStudio, sid string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(`.session-card[data-id="` + sid + `"] button[aria-label^="Delete"]`)))
	b.wait("the confirmation", `document.querySelector("dialog[open] .btn-danger") !== null`)
	b.shot("delete-confirmation")
	b.do(chromedp.Click(chromedp.CSS(`dialog[open] .btn-danger`)))
	b.wait("the card to go", `document.querySelector('.session-card[data-id="`+sid+`"]') === null`)
	resp, err := http.Get(s.Base + "/api/sessions/" + sid)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		b.t.Fatalf("after deleting, GET the session answers %d", resp.StatusCode)
	}
}

func (b *webBrowser) checkConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.exceptions) > 0 {
		b.t.Fatalf("the page threw:\n%s", strings.Join(b.exceptions, "\n"))
	}
}

// webCheckExport downloads the zip the page links to and checks it holds the
// studio's folder layout, the references and a manifest naming how each artifact
// was made — and that frame 3 is its regenerated version.
func webCheckExport(t *testing.T, s *liveStudio, sid, href string) {
	t.Helper()
	body := webGetBytes(t, s.Base+href)
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("export is not a zip: %v", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	want := []string{"manifest.json", "hero.png", "contact-sheet.png", "final/fashion-video.mp4"}
	for n := 1; n <= 6; n++ {
		want = append(want, fmt.Sprintf("frames/frame-%d.png", n))
	}
	for n := 1; n <= 5; n++ {
		want = append(want, fmt.Sprintf("videos/video-%d.mp4", n))
	}
	for _, name := range want {
		if files[name] == nil {
			t.Errorf("the zip has no %s; it has %v", name, slices.Sorted(maps.Keys(files)))
		}
	}
	if refs := slices.DeleteFunc(slices.Sorted(maps.Keys(files)), func(n string) bool { return !strings.HasPrefix(n, "references/") }); len(refs) != 2 {
		t.Errorf("references in the zip: %v, want 2", refs)
	}
	var m struct {
		Artifacts []struct{ File, Provider, Model, Prompt string }
	}
	if err := json.Unmarshal(webZipFile(t, files["manifest.json"]), &m); err != nil || len(m.Artifacts) != 14 {
		t.Fatalf("manifest: %v, %d artifacts", err, len(m.Artifacts))
	}
	for _, a := range m.Artifacts {
		if a.Provider == "" || a.Model == "" {
			t.Errorf("manifest entry %s has no provider or model", a.File)
		}
	}
	if !bytes.Equal(webZipFile(t, files["frames/frame-3.png"]), webGetBytes(t, s.Base+"/outputs/"+sid+"/frames/frame-3.v2.png")) {
		t.Error("frames/frame-3.png in the zip is not the regenerated frame")
	}
}

func webZipFile(t *testing.T, f *zip.File) []byte {
	t.Helper()
	if f == nil {
		t.Fatal("missing zip entry")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return b
}

func webGetBytes(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return b
}

func webGetJSON(t *testing.T, u string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(webGetBytes(t, u), &m); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return m
}

// webProxy sits between the webBrowser and the studio so the test can cut
// the network: Pause closes every connection and refuses new ones until
// Resume.
type webProxy struct {
	URL    string
	target string
	ln     net.Listener

	mu     sync.Mutex
	paused bool
	conns  map[net.Conn]bool
}

func startWebProxy(t *testing.T, target string) *webProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &webProxy{URL: (&url.URL{Scheme: "http", Host: ln.Addr().String()}).String(), target: target, ln: ln, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.Pause() })
	return p
}

func (p *webProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.pipe(c)
	}
}

func (p *webProxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, up) {
		c.Close()
		up.Close()
		return
	}
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

func (p *webProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		return false
	}
	for _, c := range conns {
		p.conns[c] = true
	}
	return true
}

// Pause drops every open connection and refuses new ones.
func (p *webProxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Resume lets connections through again.
func (p *webProxy) Resume() {
	p.mu.Lock()
	p.paused = false
	p.mu.Unlock()
}

// TestWebStudioSignIn: on a studio with tokens, the page asks for one when
// the API answers 401, says so when it is wrong, carries on with the
// cookie it gets for a good one (uploads included), and signs out.
func TestWebStudioSignIn(t *testing.T) {
	t.Parallel()
	chrome := webChromium(t)
	s := startStudio(t, map[string]string{"SHOOT_AUTH": "token"})
	tok := accToken(t, s.Dir, "web", false)
	b := newWebBrowser(t, chrome, s.Base)

	b.open("/")
	b.wait("the sign-in dialog", `document.querySelector("dialog[open] #auth-token") !== null`)
	b.audit("sign-in")
	b.do(chromedp.SendKeys(chromedp.CSS("#auth-token"), "shoot_not-a-real-token"), chromedp.Click(chromedp.CSS(`dialog[open] button[type="submit"]`)))
	b.wait("the refusal", `document.querySelector("#auth-error").textContent.length > 0`)
	b.shot("sign-in-refused")
	b.eval(`document.querySelector("#auth-token").value = ""`)
	b.do(chromedp.SendKeys(chromedp.CSS("#auth-token"), tok), chromedp.Click(chromedp.CSS(`dialog[open] button[type="submit"]`)))
	b.wait("the studio after signing in", `document.querySelector("dialog[open]") === null && document.querySelectorAll("#pose option").length > 1 && !document.querySelector("#sign-out").hidden`)
	bogus := filepath.Join(t.TempDir(), "notes.png")
	if err := os.WriteFile(bogus, []byte("not a picture at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#ref-input"), append(webRefFiles(t)[:1], bogus)))
	b.wait("an upload with the cookie", `document.querySelectorAll('.ref[data-status="ok"]').length === 1`)
	b.wait("the refused file's own error", `document.querySelector('.ref[data-status="error"] .ref-state')?.textContent.length > 0`)
	b.shot("signed-in")
	b.do(chromedp.Click(chromedp.CSS(`button[aria-label="Remove notes.png"]`)))
	b.wait("the refused file removed", `document.querySelectorAll(".ref").length === 1`)

	b.do(chromedp.Click(chromedp.CSS("#sign-out")))
	b.wait("the sign-in dialog again", `document.querySelector("dialog[open] #auth-token") !== null`)
	b.checkConsole()
}
