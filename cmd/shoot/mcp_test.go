package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpCall calls a tool and decodes its structured answer into out; it
// fails the test on a protocol error or a tool error.
func mcpCall(t *testing.T, ctx context.Context, cs *mcp.ClientSession, params *mcp.CallToolParams, out any) {
	t.Helper()
	res, err := cs.CallTool(ctx, params)
	if err != nil {
		t.Fatalf("%s: %v", params.Name, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error %s", params.Name, toolText(res))
	}
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %v in %s", params.Name, err, raw)
	}
}

func toolText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// mcpStatus is the part of the tools' Status the tests read.
type mcpStatus struct {
	SessionID     string `json:"sessionId"`
	Stage         string `json:"stage"`
	RunState      string `json:"runState"`
	AwaitingInput bool   `json:"awaitingInput"`
	Checkpoint    *struct {
		Stage  string `json:"stage"`
		Assets []struct {
			Resource string `json:"resource"`
		} `json:"assets"`
	} `json:"checkpoint"`
	FilmURL      string `json:"filmUrl"`
	FilmResource string `json:"filmResource"`
	Error        string `json:"error"`
}

// TestMCPStdioShoot runs the built binary as `shoot mcp` (the studio
// embedded) and drives it with the SDK's own client over stdin/stdout: the
// tool list, a shoot started from a base64 reference and a file path,
// progress notifications, the four checkpoints answered, the film's URL,
// and the film read back as a resource.
func TestMCPStdioShoot(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	refPath := filepath.Join(dir, "coat.png")
	if err := os.WriteFile(refPath, refPNG(2), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(shootBin(t), "mcp", "--data-dir", filepath.Join(dir, "data"))
	cmd.Env = binEnv(nil)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var progress atomic.Int64
	c := mcp.NewClient(&mcp.Implementation{Name: "shoot-test", Version: "1"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			if r.Params.ProgressToken == "shoot-1" && r.Params.Message != "" {
				progress.Add(1)
			}
		},
	})
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, stderr.String())
	}
	defer cs.Close()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
	}
	for _, want := range []string{"start_shoot", "get_status", "answer_checkpoint", "list_sessions", "get_assets", "estimate"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("tools/list lacks %s: %v", want, names)
		}
	}
	dataURL := "data:image/png;base64," + base64.StdEncoding.EncodeToString(refPNG(1))
	start := &mcp.CallToolParams{Name: "start_shoot", Arguments: map[string]any{
		"brief": "camel coat editorial", "references": []string{dataURL, refPath},
		"options": map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24},
	}}
	start.SetProgressToken("shoot-1")
	var st mcpStatus
	mcpCall(t, ctx, cs, start, &st)
	var stages []string
	for st.AwaitingInput {
		if st.Checkpoint == nil || len(st.Checkpoint.Assets) == 0 {
			t.Fatalf("a waiting session without a checkpoint to look at: %+v", st)
		}
		stages = append(stages, st.Checkpoint.Stage)
		mcpCall(t, ctx, cs, &mcp.CallToolParams{Name: "answer_checkpoint",
			Arguments: map[string]any{"sessionId": st.SessionID, "reply": "continue"}}, &st)
	}
	if got := strings.Join(stages, ","); got != "hero,contact-sheet,frames,clips" {
		t.Fatalf("checkpoints %s, want hero,contact-sheet,frames,clips; last status %+v", got, st)
	}
	if st.RunState != "done" || st.Error != "" || !strings.HasSuffix(st.FilmURL, ".mp4") || !strings.HasPrefix(st.FilmURL, "/outputs/"+st.SessionID+"/") {
		t.Fatalf("end status %+v", st)
	}
	if progress.Load() == 0 {
		t.Error("no progress notification for the start_shoot call's progress token")
	}
	film, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: st.FilmResource})
	if err != nil {
		t.Fatal(err)
	}
	if b := film.Contents[0].Blob; len(b) < 12 || string(b[4:8]) != "ftyp" || film.Contents[0].MIMEType != "video/mp4" {
		t.Fatalf("the film resource is not an MP4: %d bytes, %s", len(b), film.Contents[0].MIMEType)
	}
}

// TestMCPStdoutCarriesOnlyFrames writes raw JSON-RPC to the binary's stdin
// and checks that every line of its stdout is a JSON-RPC message answering
// initialize and tools/list, while its logs went to stderr.
func TestMCPStdoutCarriesOnlyFrames(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(shootBin(t), "mcp", "--data-dir", t.TempDir())
	cmd.Env = binEnv(nil)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`+"\n"+
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"+`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`+"\n")
	var stdout strings.Builder
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		stdout.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), `"id":2`) {
			break
		}
	}
	_ = stdin.Close()
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("shoot mcp: %v\n%s", err, stderr.String())
	}
	ids := map[float64]bool{}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var m struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      float64         `json:"id"`
			Result  json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.JSONRPC != "2.0" || m.Result == nil {
			t.Fatalf("stdout line is not a JSON-RPC answer: %q", line)
		}
		ids[m.ID] = true
	}
	if !ids[1] || !ids[2] || !strings.Contains(stdout.String(), `"start_shoot"`) {
		t.Fatalf("stdout lacks the initialize or tools/list answer:\n%s", stdout.String())
	}
	if stderr.Len() == 0 {
		t.Error("no log line on stderr")
	}
}
