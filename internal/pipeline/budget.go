package pipeline

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// userSpend is the part of a store that keeps each user's spending per month
// (store.Auth has it; the database adds every cost entry to its session
// owner's month as it is recorded).
type userSpend interface {
	Usage(ctx context.Context, owner, kind, period string) (float64, error)
}

// checkMonthlyBudget refuses a paid call that would take the session's owner
// past Options.MonthlyBudgetUSD this month. Sessions without an owner (made
// from the terminal by `shoot run`) are the operator's and are not limited.
func (e *Engine) checkMonthlyBudget(ctx context.Context, sid string, estimate float64) error {
	if e.opts.MonthlyBudgetUSD <= 0 || estimate <= 0 {
		return nil
	}
	us, ok := e.store.(userSpend)
	if !ok {
		return nil
	}
	s, err := e.store.GetSession(ctx, sid)
	if err != nil || s.Owner == "" {
		return err
	}
	spent, err := us.Usage(ctx, s.Owner, store.UsageSpendUSD, store.MonthPeriod(e.now()))
	if err != nil {
		return err
	}
	if spent+estimate > e.opts.MonthlyBudgetUSD+1e-9 {
		return shoot.Errorf(shoot.ELIMIT, "this call (about $%.2f) would pass your monthly budget of $%.2f ($%.2f spent this month)",
			estimate, e.opts.MonthlyBudgetUSD, spent)
	}
	return nil
}
