package dtdict

import (
	"errors"
	"time"
)

// The day a declaration was received, from which its due date counts
// (Due), is neither before the day the declarant made it nor after today
// — this computer's today, or the declaration's own day when it is dated
// later (a clock behind the one-stop shop's, or a time zone). The app's
// form, the command line and Register keep to this one rule.
var (
	// ErrReceivedBeforeDeclared: a reception day before the day the
	// declaration was made.
	ErrReceivedBeforeDeclared = errors.New("dtdict: received before the declaration was made")
	// ErrReceivedLater: a reception day still to come.
	ErrReceivedLater = errors.New("dtdict: received on a day still to come")
)

// LatestReception returns the last day a declaration made on declared
// (zero: unknown) may have been received, now being now: today, or the
// declaration's own day when it is later. It is the reception day taken
// when none is given. The result is midnight local time.
func LatestReception(declared, now time.Time) time.Time {
	return notBefore(civilDay(now), declared)
}

// CheckReception reports whether received may be the day a declaration
// made on declared (zero: unknown) came, now being now:
// ErrReceivedBeforeDeclared, ErrReceivedLater, or nil. Days are compared
// as civil dates.
func CheckReception(received, declared, now time.Time) error {
	switch {
	case DaysLeft(received, LatestReception(declared, now)) > 0:
		return ErrReceivedLater
	case !declared.IsZero() && DaysLeft(declared, received) > 0:
		return ErrReceivedBeforeDeclared
	}
	return nil
}

// notBefore returns day's civil date, or declared's when day is before it
// (declared zero: unknown), at midnight local time.
func notBefore(day, declared time.Time) time.Time {
	if !declared.IsZero() && DaysLeft(declared, day) > 0 {
		return civilDay(declared)
	}
	return civilDay(day)
}
