package dtdict

import "time"

// PublicHolidays returns France's public holidays (jours fériés) of year,
// in date order, each at midnight UTC standing for its civil date.
//
// They are those of article L.3133-1 of the Code du travail: 1 January,
// Easter Monday, 1 May, 8 May, Ascension Day (Easter + 39 days), Whit
// Monday (Easter + 50 days), 14 July, 15 August (Assumption), 1 November,
// 11 November and 25 December. Whit Monday stays a public holiday even
// where it is the «journée de solidarité». Alsace-Moselle's own (Good
// Friday, 26 December) are not counted: the R.554 delays are national and
// our communes are in Saône-et-Loire.
func PublicHolidays(year int) []time.Time {
	easter := Easter(year)
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	return []time.Time{
		day(time.January, 1),
		easter.AddDate(0, 0, 1), // Easter Monday
		day(time.May, 1),
		day(time.May, 8),
		easter.AddDate(0, 0, 39), // Ascension Day, a Thursday
		easter.AddDate(0, 0, 50), // Whit Monday
		day(time.July, 14),
		day(time.August, 15),
		day(time.November, 1),
		day(time.November, 11),
		day(time.December, 25),
	}
}

// IsPublicHoliday reports whether t's civil date (in t's location) is a
// French public holiday.
func IsPublicHoliday(t time.Time) bool {
	y, m, d := t.Date()
	switch {
	case m == time.January && d == 1, m == time.May && (d == 1 || d == 8),
		m == time.July && d == 14, m == time.August && d == 15,
		m == time.November && (d == 1 || d == 11), m == time.December && d == 25:
		return true
	case m < time.March || m > time.June:
		return false // Easter's holidays fall between 23 March and 14 June
	}
	switch int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(Easter(y)).Hours() / 24) {
	case 1, 39, 50: // Easter Monday, Ascension Day, Whit Monday (as in PublicHolidays)
		return true
	}
	return false
}

// Easter returns Easter Sunday of year in the Gregorian calendar, at
// midnight UTC, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher,
// 1876): valid for every year from 1583.
func Easter(year int) time.Time {
	a := year % 19 // place in the 19-year Metonic cycle
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30 // epact: age of the moon
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7 // days to the next Sunday
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
