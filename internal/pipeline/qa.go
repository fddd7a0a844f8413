package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/qa"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// The picture check runs inside the hero, contact-sheet and frames work,
// after the picture is made and before it is stored, so its verdict is in
// the asset's metadata (and so in the manifest, the assets answer and the
// checkpoint) before anyone can see the picture. With a director that can
// look at pictures (Claude) it is a vision call; otherwise the offline
// heuristics of internal/qa measure what pixels can show.

// Inspector is implemented by a director that can judge pictures against
// the references itself.
type Inspector interface {
	// InspectPicture judges a hero (sheet false) or a contact sheet.
	InspectPicture(ctx context.Context, refs []qa.Image, pic qa.Image, sheet bool) (qa.Verdict, qa.Usage, error)
	// InspectFrames judges a set of frames, numbered from 1.
	InspectFrames(ctx context.Context, refs []qa.Image, frames []qa.Image) (qa.Verdict, qa.Usage, error)
	// InspectEstimate prices one check showing the model n pictures.
	InspectEstimate(n int) float64
	// Model names the model that judges, for the cost ledger.
	Model() string
}

// QAReport is the qa object of an artifact.
type QAReport struct {
	// Verdict is pass (nothing wrong), warn (something changed, not enough
	// to redo), fail (an item missing, a frame spoiled or a colour far
	// off) or not_checked (the check could judge nothing).
	Verdict string `json:"verdict"`
	// By is "offline" (measured heuristics) or "vision" (a model looked).
	By string `json:"by"`
	// Summary is one short sentence of what is wrong, "" when nothing is.
	Summary string    `json:"summary"`
	Checks  []QACheck `json:"checks"`
	// CostUSD is what the check cost (0 offline).
	CostUSD float64 `json:"costUsd"`
	// Attempt is 1, or 2 for the automatic regeneration.
	Attempt int `json:"attempt"`
	// Retry says what came of a failed verdict: see QARetry.
	Retry *QARetry `json:"retry,omitempty"`
}

// QA verdicts.
const (
	QAPass       = "pass"
	QAWarn       = "warn"
	QAFail       = "fail"
	QANotChecked = "not_checked"
)

// QACheck is one line of a report: an item and its outcome, with the
// frames it concerns (none for the whole picture).
type QACheck struct {
	Item   string   `json:"item"`
	Status string   `json:"status"`
	Reason string   `json:"reason,omitempty"`
	Frames []int    `json:"frames,omitempty"`
	DeltaE *float64 `json:"deltaE,omitempty"`
}

// QARetry tells what the automatic retry did. Status is "retried" (a
// regeneration was made as version Version), "skipped" (the budget left no
// room, Reason says how), "off" (options.qaRetry is off) or, on the
// regeneration itself, "final" (there is never a second retry).
type QARetry struct {
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Version int    `json:"version,omitempty"`
}

// Retry outcomes.
const (
	retryMade    = "retried"
	retrySkipped = "skipped"
	retryOff     = "off"
	retryFinal   = "final"
)

// reportOf turns a verdict into a report.
func reportOf(v qa.Verdict, by string, limits prompt.QALimits) *QAReport {
	r := &QAReport{By: by, CostUSD: v.CostUSD, Attempt: 1, Summary: v.Summary, Checks: groupChecks(v.Items)}
	r.Verdict = verdictOf(v, limits)
	return r
}

func verdictOf(v qa.Verdict, limits prompt.QALimits) string {
	switch {
	case v.NeedsRetry(limits.RetryDeltaE):
		return QAFail
	case !v.OK:
		return QAWarn
	}
	for _, it := range v.Items {
		if it.Status != qa.NotChecked {
			return QAPass
		}
	}
	return QANotChecked
}

// groupChecks merges the lines of one item and outcome into one check
// listing their frames, in the order the items first appear.
func groupChecks(items []qa.Item) []QACheck {
	out := []QACheck{}
	at := map[[2]string]int{}
	for _, it := range items {
		k := [2]string{it.Item, string(it.Status)}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, QACheck{Item: it.Item, Status: string(it.Status), Reason: it.Reason, DeltaE: it.DeltaE})
		}
		if it.Frame > 0 && !slices.Contains(out[i].Frames, it.Frame) {
			out[i].Frames = append(out[i].Frames, it.Frame)
			slices.Sort(out[i].Frames)
		}
	}
	return out
}

// items undoes groupChecks: one line per frame.
func (r *QAReport) items() []qa.Item {
	var out []qa.Item
	for _, c := range r.Checks {
		it := qa.Item{Item: c.Item, Status: qa.Status(c.Status), Reason: c.Reason, DeltaE: c.DeltaE}
		if len(c.Frames) == 0 {
			out = append(out, it)
		}
		for _, f := range c.Frames {
			it.Frame = f
			out = append(out, it)
		}
	}
	return out
}

// forFrame is the part of a frames report about frame n: its own lines
// and those about the whole set.
func (r *QAReport) forFrame(n int, limits prompt.QALimits) *QAReport {
	var items []qa.Item
	for _, it := range r.items() {
		if it.Frame == 0 || it.Frame == n {
			items = append(items, it)
		}
	}
	v := qa.Verdict{Items: items}.Finish()
	out := reportOf(v, r.By, limits)
	out.Attempt, out.Retry = r.Attempt, r.Retry
	return out
}

// mergeReports joins the reports of a stage's artifacts (the six frames)
// into one, for the checkpoint. Each frame's cost is the shared check's.
func mergeReports(rs []*QAReport, limits prompt.QALimits) *QAReport {
	var items []qa.Item
	var first *QAReport
	for _, r := range rs {
		if r == nil {
			continue
		}
		if first == nil {
			first = r
		}
		items = append(items, r.items()...)
	}
	if first == nil {
		return nil
	}
	v := qa.Verdict{Items: items}.Finish()
	v.CostUSD = first.CostUSD
	out := reportOf(v, first.By, limits)
	out.Attempt, out.Retry = first.Attempt, first.Retry
	return out
}

func (r *QAReport) raw() json.RawMessage {
	if r == nil {
		return nil
	}
	b, _ := json.Marshal(r) // plain data always marshals
	return b
}

// qaOf reads an asset's stored report, or nil.
func qaOf(a *shoot.Asset) *QAReport {
	m := assetMeta(a)
	if len(m.QA) == 0 {
		return nil
	}
	var r QAReport
	if json.Unmarshal(m.QA, &r) != nil {
		return nil
	}
	return &r
}

// inspector is the vision checker, or nil for the offline one.
func (e *Engine) inspector() Inspector {
	in, _ := e.director.(Inspector)
	return in
}

// qaRefs loads the session's references for a check: downscaled JPEGs
// for a model, decoded pictures for the offline heuristics.
type qaRefs struct {
	images []qa.Image
	pics   []qa.Ref
}

func (e *Engine) loadQARefs(ctx context.Context, sid string) (qaRefs, error) {
	var out qaRefs
	if e.inspector() != nil {
		refs, err := e.modelRefs(ctx, sid)
		if err != nil {
			return out, err
		}
		for _, r := range refs {
			out.images = append(out.images, qa.Image{MediaType: r.ContentType, Data: r.Data})
		}
		return out, nil
	}
	l, err := e.latest(ctx, sid)
	if err != nil {
		return out, err
	}
	raw, err := e.inputRefs(ctx, l)
	if err != nil {
		return out, err
	}
	for i, r := range raw {
		img, _, err := imaging.Decode(bytes.NewReader(r.Data))
		if err != nil {
			continue // an unreadable reference cannot be compared
		}
		out.pics = append(out.pics, qa.Ref{Name: fmt.Sprintf("reference %d", i+1), Image: img})
	}
	return out, nil
}

// checkPicture judges a new hero or contact sheet. It returns nil when the
// session's check is off. A vision call that fails gives a not_checked
// report: the check never stops a shoot.
func (e *Engine) checkPicture(ctx context.Context, s *shoot.Session, data []byte, sheet bool) *QAReport {
	if !s.Options.QAOn() {
		return nil
	}
	stage := shoot.StageHero
	if sheet {
		stage = shoot.StageContactSheet
	}
	e.progress(ctx, s.ID, stage, 0.99, fmt.Sprintf("Checking the %s against the references", stageLabel(stage)), nil)
	refs, err := e.loadQARefs(ctx, s.ID)
	if err != nil {
		return e.unchecked(ctx, s.ID, "the references could not be read: "+shoot.ErrorMessage(err))
	}
	if in := e.inspector(); in != nil {
		small, err := downscaleJPEG(data, modelMaxSide)
		if err != nil {
			return e.unchecked(ctx, s.ID, "the picture could not be read")
		}
		v, u, err := in.InspectPicture(ctx, refs.images, qa.Image{MediaType: "image/jpeg", Data: small}, sheet)
		return e.visionReport(ctx, s.ID, in, v, u, err)
	}
	img, _, err := imaging.Decode(bytes.NewReader(data))
	if err != nil {
		return e.unchecked(ctx, s.ID, "the picture could not be read")
	}
	return reportOf(qa.NewOffline().CheckPicture(refs.pics, img), "offline", prompt.QA())
}

// checkFrames judges the frames cut from a contact sheet; scene is the
// hero (nil when there is none).
func (e *Engine) checkFrames(ctx context.Context, s *shoot.Session, scene image.Image, frames []image.Image) *QAReport {
	if !s.Options.QAOn() || len(frames) == 0 {
		return nil
	}
	e.progress(ctx, s.ID, shoot.StageFrames, 0.99, "Checking the frames against the references", nil)
	in := e.inspector()
	if in == nil {
		return reportOf(qa.NewOffline().CheckFrames(scene, frames), "offline", prompt.QA())
	}
	refs, err := e.loadQARefs(ctx, s.ID)
	if err != nil {
		return e.unchecked(ctx, s.ID, "the references could not be read: "+shoot.ErrorMessage(err))
	}
	pics := make([]qa.Image, len(frames))
	for i, f := range frames {
		var buf bytes.Buffer
		if err := imaging.Encode(&buf, f, "png"); err != nil {
			return e.unchecked(ctx, s.ID, "a frame could not be encoded")
		}
		small, err := downscaleJPEG(buf.Bytes(), modelMaxSide)
		if err != nil {
			return e.unchecked(ctx, s.ID, "a frame could not be read")
		}
		pics[i] = qa.Image{MediaType: "image/jpeg", Data: small}
	}
	v, u, err := in.InspectFrames(ctx, refs.images, pics)
	return e.visionReport(ctx, s.ID, in, v, u, err)
}

// visionReport records a vision call's cost in the ledger (under its
// message id, so it is never counted twice) and makes its report.
func (e *Engine) visionReport(ctx context.Context, sid string, in Inspector, v qa.Verdict, u qa.Usage, err error) *QAReport {
	if err != nil {
		e.logger.Warn("the vision check failed", "session_id", sid, "err", err)
		return e.unchecked(ctx, sid, "the vision check could not be made: "+shoot.ErrorMessage(err))
	}
	if u.MessageID != "" && u.CostUSD > 0 {
		t := u.Tokens
		tokens := t.InputTokens + t.OutputTokens + t.CacheCreationInputTokens + t.CacheReadInputTokens
		c := &shoot.Cost{SessionID: sid, Provider: "anthropic", Model: in.Model(), Units: float64(tokens), Unit: "token",
			USD: u.CostUSD, Ref: "qa-" + u.MessageID}
		if err := e.store.AddCost(ctx, c); err != nil {
			e.logger.Warn("cost ledger write failed", "session_id", sid, "err", err)
		}
	}
	return reportOf(v, "vision", prompt.QA())
}

func (e *Engine) unchecked(_ context.Context, _ string, why string) *QAReport {
	by := "offline"
	if e.inspector() != nil {
		by = "vision"
	}
	v := qa.Verdict{Items: []qa.Item{{Item: "picture", Status: qa.NotChecked, Reason: why}}}.Finish()
	return reportOf(v, by, prompt.QA())
}

// qaEstimate prices the checks of one shoot: the hero, the contact sheet
// (each with the references) and the six frames.
func (e *Engine) qaEstimate(o shoot.Options, refs int) float64 {
	in := e.inspector()
	if in == nil || !o.QAOn() || len(o.Frames) > 0 {
		return 0
	}
	return in.InspectEstimate(refs+1)*2 + in.InspectEstimate(refs+frameCount)
}

// retryRoom reports whether the session's budgets leave room for one more
// image like req and its check; when not, why says so in words.
func (e *Engine) retryRoom(ctx context.Context, sid string, req shoot.ImageRequest, refs int) (ok bool, why string, err error) {
	est := 0.0
	if p, isEst := e.images.(Estimator); isEst {
		est = p.EstimateImage(req)
	}
	if in := e.inspector(); in != nil {
		est += in.InspectEstimate(refs + 1)
	}
	if est <= 0 {
		return true, "", nil
	}
	if e.opts.MaxCostUSD > 0 {
		s, err := e.store.GetSession(ctx, sid)
		if err != nil {
			return false, "", err
		}
		held := 0.0
		for k, usd := range readMeta(s).Reserved {
			if k != req.Key {
				held += usd
			}
		}
		if s.TotalCostUSD+held+est > e.opts.MaxCostUSD+1e-9 {
			return false, fmt.Sprintf("a retry (about $%.2f) would take the session past its budget of $%.2f ($%.2f spent)",
				est, e.opts.MaxCostUSD, s.TotalCostUSD), nil
		}
	}
	if err := e.checkMonthlyBudget(ctx, sid, est); err != nil {
		if shoot.ErrorCode(err) == shoot.ELIMIT {
			return false, "a retry " + strings.TrimPrefix(shoot.ErrorMessage(err), "this call "), nil
		}
		return false, "", err
	}
	return true, "", nil
}

// planRetry decides, before the first attempt is stored, whether its
// verdict earns the one automatic retry, and records the decision in the
// report (and so in the stored asset, where a re-run of the work finds it).
func (e *Engine) planRetry(ctx context.Context, s *shoot.Session, r *QAReport, req shoot.ImageRequest, next int) error {
	if r == nil || r.Verdict != QAFail {
		return nil
	}
	if !s.Options.QARetryOn() {
		r.Retry = &QARetry{Status: retryOff, Reason: "automatic retries are off (options.qaRetry)"}
		return nil
	}
	if IsLocal(e.images) {
		// The offline studio composes its previz from the references the
		// same way whatever the prompt says: a second picture would carry
		// the same fault and only cost time.
		r.Retry = &QARetry{Status: retrySkipped, Reason: "the offline studio would draw the same picture again; regenerate it with a generative image provider"}
		return nil
	}
	refs := len(req.References)
	ok, why, err := e.retryRoom(ctx, s.ID, req, refs)
	if err != nil {
		return err
	}
	if !ok {
		r.Retry = &QARetry{Status: retrySkipped, Reason: why}
		return nil
	}
	r.Retry = &QARetry{Status: retryMade, Reason: "regenerated once with the verdict in the prompt", Version: next}
	return nil
}

// stageQA is the report of a checkpoint's artifacts (keys): the one
// picture's, or the frames' joined; nil when none was checked.
func (e *Engine) stageQA(ctx context.Context, sid string, keys []string) *QAReport {
	if len(keys) == 0 {
		return nil
	}
	as, err := e.store.LatestAssets(ctx, sid)
	if err != nil {
		return nil
	}
	var rs []*QAReport
	for _, a := range as {
		if slices.Contains(keys, a.Key) {
			if r := qaOf(a); r != nil {
				rs = append(rs, r)
			}
		}
	}
	if len(rs) == 1 {
		return rs[0]
	}
	return mergeReports(rs, prompt.QA())
}

// withQA adds the stage's report to a checkpoint event, at the top and in
// the nested checkpoint.
func withQA(ev map[string]any, r *QAReport) map[string]any {
	if r == nil {
		return ev
	}
	ev["qa"] = r
	if nested, ok := ev["checkpoint"].(map[string]any); ok {
		nested["qa"] = r
	}
	return ev
}

// qaNotice is the checkpoint message's sentence about a report, or "".
func qaNotice(r *QAReport) string {
	if r == nil || r.Summary == "" {
		return ""
	}
	msg := " The picture check found: " + r.Summary + "."
	if r.Retry != nil && r.Retry.Status == retryFinal {
		msg = " This is the automatic retry; its check found: " + r.Summary + "."
	}
	if r.Retry != nil && r.Retry.Status == retrySkipped {
		msg += " No automatic retry: " + r.Retry.Reason + "."
	}
	return msg
}
