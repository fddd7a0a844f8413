package claude

import (
	"context"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/pipeline"
)

// Prices are a model's list prices in US dollars per million tokens.
type Prices struct {
	Input, Output float64
	// CacheWrite and CacheRead price prompt-cache tokens (5-minute cache).
	CacheWrite, CacheRead float64
}

// listed returns prices with the usual cache multipliers (writes 1.25×,
// reads 0.1× the input price), for models whose page lists only input and
// output.
func listed(in, out float64) Prices {
	return Prices{Input: in, Output: out, CacheWrite: in * 1.25, CacheRead: in * 0.1}
}

// PricesFor returns the list prices of a model id (a dated id matches its
// family), from Anthropic's model pages. ok is false for a model this table
// does not know; set Options.Prices for it.
func PricesFor(model string) (p Prices, ok bool) {
	table := []struct {
		prefix string
		prices Prices
	}{
		// Sonnet 5.5 costs what Sonnet 5 does, except cache reads at half.
		{"claude-sonnet-5-5", Prices{Input: 2, Output: 10, CacheWrite: 2.5, CacheRead: 0.1}},
		{"claude-sonnet-5", Prices{Input: 2, Output: 10, CacheWrite: 2.5, CacheRead: 0.2}},
		{"claude-sonnet-4", listed(3, 15)},
		{"claude-opus-5-5", listed(4, 20)},
		{"claude-opus-5", listed(5, 25)},
		{"claude-haiku-4-5", listed(1, 5)},
	}
	for _, row := range table {
		if strings.HasPrefix(model, row.prefix) {
			return row.prices, true
		}
	}
	return Prices{}, false
}

// Cost prices one response's usage.
func (p Prices) Cost(u anthropic.Usage) float64 {
	return (float64(u.InputTokens)*p.Input + float64(u.OutputTokens)*p.Output +
		float64(u.CacheCreationInputTokens)*p.CacheWrite + float64(u.CacheReadInputTokens)*p.CacheRead) / 1e6
}

// recordUsage puts a response's tokens and price into the cost ledger
// through the emitter. The message id is the ledger's reference, so a
// response is never counted twice; a response without one is not recorded.
func (d *Director) recordUsage(ctx context.Context, out pipeline.Emitter, m *anthropic.Message) {
	if m.ID == "" {
		return
	}
	u := m.Usage
	in := u.InputTokens + u.CacheCreationInputTokens + u.CacheReadInputTokens
	out.RecordUsage(ctx, d.model, in, u.OutputTokens, d.prices.Cost(u), m.ID)
}
