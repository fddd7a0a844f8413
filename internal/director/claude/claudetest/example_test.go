package claudetest_test

import (
	"context"
	"fmt"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
)

// A test scripts the model's replies, points a client at the fake, and
// reads back what the client sent.
func Example() {
	api := claudetest.New(claudetest.TestKey)
	defer api.Close()
	api.Script(claudetest.Reply(claudetest.Text("Starting the hero."),
		claudetest.ToolUse("generate_hero", map[string]any{"pose": "street-walk"})))
	// Replies after the script runs out can depend on the request.
	api.Handle(func(r claudetest.Request) claudetest.Response {
		return claudetest.Reply(claudetest.Text(fmt.Sprintf("%d messages seen.", len(r.Messages))))
	})

	client := anthropic.NewClient(option.WithoutEnvironmentDefaults(), option.WithAPIKey(claudetest.TestKey),
		option.WithBaseURL(api.URL), option.WithMaxRetries(0))
	m, err := client.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "claude-sonnet-5-5", MaxTokens: 100,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("a linen suit"))},
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "generate_hero",
			InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{}}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.StopReason, m.Content[1].Name, string(m.Content[1].Input))
	fmt.Println(api.Requests()[0].Last().Text())
	// Output:
	// tool_use generate_hero {"pose":"street-walk"}
	// a linen suit
}
