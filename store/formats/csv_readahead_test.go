package formats

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Rows read ahead come in the file's order with their lines, across
// batches, and a read error comes after the rows before it; stopped early,
// the reading ends.
func TestReadAheadRows(t *testing.T) {
	const n = 2*readAheadRows + 17
	var data strings.Builder
	data.WriteString("a,b\n")
	for i := range n {
		fmt.Fprintf(&data, "%d,\"v\n%d\"\n", i, i) // two lines a row
	}
	data.WriteString("x,\"" + strings.Repeat("y", 200<<10) + "\"\n1,2\n")
	for _, stopAfter := range []int{0, 1} {
		rows := newCSVRows(strings.NewReader(data.String()), ',', 100<<10)
		if _, err := rows.read(); err != nil {
			t.Fatal(err)
		}
		ahead := readAhead(rows)
		got, batches := 0, 0
		var readErr error
		for {
			b, ok := ahead.next()
			if !ok {
				break
			}
			batches++
			for i, line := range b.lines {
				row := b.row(i)
				if want := []string{fmt.Sprint(got), fmt.Sprintf("v\n%d", got)}; strings.Join(row, "|") != strings.Join(want, "|") || line != 2+2*got {
					t.Fatalf("row %d: %q on line %d, want %q on line %d", got, row, line, want, 2+2*got)
				}
				got++
			}
			readErr = b.err
			ahead.reuse(b)
			if stopAfter > 0 && batches == stopAfter {
				break
			}
		}
		ahead.stop()
		if stopAfter > 0 {
			if got != readAheadRows {
				t.Errorf("stopped after a batch: %d rows, want %d", got, readAheadRows)
			}
			continue
		}
		var large *tooLargeError
		if got != n || !errors.As(readErr, &large) {
			t.Errorf("%d rows then %v; want %d rows then a row too large", got, readErr, n)
		}
	}
}
