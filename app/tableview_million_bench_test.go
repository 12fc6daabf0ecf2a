package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"terrimap/internal/demows"
)

// BenchmarkAttributeTableMillion opens the attribute table of the largest
// layer of the demo territory at issue 16's scale (canalaep, 386,408 rows
// of 1.17 million features) in the main window, until its first rows show
// (issue 16: ≤ 1 s for a layer of 500,000 rows: BenchmarkAttributeTable500kMillion). The workspace is open,
// its sync panel idle and its search index built before the clock starts.
func BenchmarkAttributeTableMillion(b *testing.B) {
	// The app opens its workspace for writing: a copy, the cache stays
	// as it was made.
	path := demows.CopyScale(b, demows.MillionScale)
	a := test.NewTempApp(b)
	m, err := newShell(a, Options{})
	if err != nil {
		b.Fatal(err)
	}
	q := make(uiQueue, 256)
	m.do = q.do
	m.openWorkspace(path)
	noPaint := func() {}
	paintUntil(b, q, nil, noPaint, func() bool { return m.sess != nil })
	b.Cleanup(func() { m.view.close(); m.sess.close(); m.window.Close() })
	paintUntil(b, q, nil, noPaint, m.view.sync.idle)
	// The search panel builds its index at open, in the background (over
	// a minute at this scale): once it is built, the clock measures the
	// table alone.
	if err := m.view.search.index.Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tb := m.openTable("canalaep")
		paintUntil(b, q, nil, noPaint, func() bool { return tb.ready() && tb.text(0, 0) != "" })
		b.StopTimer()
		if len(tb.rows) == 0 {
			b.Fatal("the table shows no row")
		}
		if tb.win != nil {
			tb.win.Close()
		}
		b.StartTimer()
	}
}
