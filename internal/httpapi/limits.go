package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// userLimits are the limits that apply to one user; 0 means none. The local
// user of a studio without access control is the only user, so only the
// limits that protect money and disk apply to it.
type userLimits struct {
	RequestsPerMinute int     `json:"requestsPerMinute"`
	MaxRunning        int     `json:"maxRunning"`
	UploadBytesPerDay int64   `json:"uploadBytesPerDay"`
	MonthlyBudgetUSD  float64 `json:"monthlyBudgetUsd"`
}

func (s *Server) limitsOf(u auth.User) userLimits {
	l := userLimits{RequestsPerMinute: s.cfg.RatePerMin, MaxRunning: s.cfg.MaxRunning,
		UploadBytesPerDay: s.cfg.UploadBytesPerDay, MonthlyBudgetUSD: s.cfg.MonthlyBudgetUSD}
	if u.Via == auth.ViaLocal {
		l.RequestsPerMinute, l.MaxRunning = 0, 0
	}
	return l
}

// beforeRun checks that u may start or continue a shoot now: fewer shoots
// running than the limit and money left this month. The returned function
// must be called once the engine has recorded the shoot as running (or
// failed to): until then other starts of the same process wait, so two
// requests at once cannot both take the last slot.
func (s *Server) beforeRun(ctx context.Context, w http.ResponseWriter, u auth.User) (func(), error) {
	lim := s.limitsOf(u)
	if err := s.checkBudget(ctx, w, u, lim); err != nil {
		return func() {}, err
	}
	if lim.MaxRunning <= 0 || s.authStore == nil {
		return func() {}, nil
	}
	s.startMu.Lock()
	n, err := s.authStore.CountRunning(ctx, u.Name)
	if err == nil && n >= lim.MaxRunning {
		err = shoot.Errorf(shoot.ELIMIT, "You have %d shoots running; the limit is %d at once. "+
			"Wait for one to reach a checkpoint or cancel it.", n, lim.MaxRunning)
	}
	if err != nil {
		s.startMu.Unlock()
		return func() {}, err
	}
	return s.startMu.Unlock, nil
}

// checkBudget refuses when u has spent the month's budget. The engine checks
// again before every paid call, with that call's price.
func (s *Server) checkBudget(ctx context.Context, w http.ResponseWriter, u auth.User, lim userLimits) error {
	if lim.MonthlyBudgetUSD <= 0 || s.authStore == nil {
		return nil
	}
	now := time.Now()
	spent, err := s.authStore.Usage(ctx, u.Name, store.UsageSpendUSD, store.MonthPeriod(now))
	if err != nil {
		return err
	}
	if spent < lim.MonthlyBudgetUSD {
		return nil
	}
	next := time.Date(now.UTC().Year(), now.UTC().Month()+1, 1, 0, 0, 0, 0, time.UTC)
	w.Header().Set("Retry-After", fmt.Sprint(int(time.Until(next).Seconds())+1))
	return shoot.Errorf(shoot.ELIMIT, "Your monthly budget of $%.2f is spent ($%.2f so far). It renews on %s.",
		lim.MonthlyBudgetUSD, spent, next.Format("2 January 2006"))
}

// reserveUpload takes n bytes from u's daily upload allowance, all or
// nothing, and returns a function that gives back bytes that were not
// stored after all.
func (s *Server) reserveUpload(ctx context.Context, w http.ResponseWriter, u auth.User, n int64) (func(int64), error) {
	lim := s.limitsOf(u).UploadBytesPerDay
	if s.authStore == nil || n <= 0 {
		return func(int64) {}, nil
	}
	now := time.Now()
	day := store.DayPeriod(now)
	total, ok, err := s.authStore.AddUsage(ctx, u.Name, store.UsageUploadBytes, day, float64(n), float64(lim))
	if err != nil {
		return nil, err
	}
	if !ok {
		next := time.Date(now.UTC().Year(), now.UTC().Month(), now.UTC().Day()+1, 0, 0, 0, 0, time.UTC)
		w.Header().Set("Retry-After", fmt.Sprint(int(time.Until(next).Seconds())+1))
		return nil, shoot.Errorf(shoot.ELIMIT, "This upload (%s) would pass your daily limit of %s (%s used today).",
			byteSize(n), byteSize(lim), byteSize(int64(total)))
	}
	release := func(back int64) {
		if back <= 0 {
			return
		}
		if _, _, err := s.authStore.AddUsage(context.WithoutCancel(ctx), u.Name, store.UsageUploadBytes, day, -float64(back), 0); err != nil {
			s.logger.Warn("giving back upload allowance failed", "user", u.Name, "err", err)
		}
	}
	return release, nil
}

// byteSize renders a byte count for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// userUsage is what u has used of its limits.
type userUsage struct {
	Running           int     `json:"running"`
	UploadBytesToday  int64   `json:"uploadBytesToday"`
	SpentThisMonthUSD float64 `json:"spentThisMonthUsd"`
	// RequestsLeft is how many requests u could make right now; -1 when
	// unlimited.
	RequestsLeft int `json:"requestsLeft"`
}

func (s *Server) usageOf(ctx context.Context, u auth.User) (userUsage, error) {
	us := userUsage{RequestsLeft: -1}
	if u.Via != auth.ViaLocal {
		us.RequestsLeft = s.rate.Remaining(u.Name)
	}
	if s.authStore == nil {
		return us, nil
	}
	now := time.Now()
	var err error
	if us.Running, err = s.authStore.CountRunning(ctx, u.Name); err != nil {
		return us, err
	}
	up, err := s.authStore.Usage(ctx, u.Name, store.UsageUploadBytes, store.DayPeriod(now))
	if err != nil {
		return us, err
	}
	us.UploadBytesToday = int64(up)
	us.SpentThisMonthUSD, err = s.authStore.Usage(ctx, u.Name, store.UsageSpendUSD, store.MonthPeriod(now))
	return us, err
}
