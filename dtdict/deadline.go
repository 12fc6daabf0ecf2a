package dtdict

import "time"

// Due returns the civil date by which a declaration of kind k received on
// received (its civil date, in received's location) must be answered; the
// result is midnight of that date in received's location. electronic says
// whether the declaration reached us electronically (the one-stop shop's
// XML by e-mail) rather than on paper.
//
// The rule, Code de l'environnement:
//   - R.554-22 (DT): the operator answers within 9 days after the day the
//     declaration is received when it is received electronically, 15 days
//     otherwise, public holidays not counted;
//   - R.554-26 (DICT): within 7 days electronically, 9 days otherwise,
//     public holidays not counted;
//   - a joint DT-DICT (dtDictConjointes, R.554-25) is answered as a DT:
//     its DT part takes the DT's delay, the longer one;
//   - an ATU (avis de travaux urgents, R.554-32) has no delay: it is
//     answered at once, and is due the day it is received. So is a
//     declaration of unknown kind, to be safe.
//
// Days are counted from the day after reception; a day that is a public
// holiday (see PublicHolidays) is not counted, Saturdays and Sundays are.
func Due(k Kind, received time.Time, electronic bool) time.Time {
	day := civilDate(received)
	for left := answerDays(k, electronic); left > 0; {
		day = day.AddDate(0, 0, 1)
		if !IsPublicHoliday(day) {
			left--
		}
	}
	return day
}

// answerDays returns the legal delay of a kind in counted days (R.554-22,
// R.554-26; see Due).
func answerDays(k Kind, electronic bool) int {
	switch k {
	case KindDT, KindJoint:
		if electronic {
			return 9
		}
		return 15
	case KindDICT:
		if electronic {
			return 7
		}
		return 9
	}
	return 0
}

// DaysLeft returns how many days are left from today to due, both taken
// as civil dates in their own locations: 0 when due today, negative when
// the date is past.
func DaysLeft(due, today time.Time) int {
	return int(civilUTC(due).Sub(civilUTC(today)).Hours() / 24)
}

// civilDate returns midnight of t's civil date in t's location.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// civilUTC returns t's civil date as midnight UTC, where every day lasts
// 24 hours.
func civilUTC(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
