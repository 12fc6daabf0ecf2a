package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Statements the cache lets go of while reads use them are closed only
// when those reads are done: drawing tiles on several goroutines with more
// kinds of reads than the cache holds never finds its statement closed.
func TestStmtCacheNeverClosesAStatementInUse(t *testing.T) {
	ws := newWorkspace(t)
	ctx := context.Background()
	var c stmtCache
	defer c.close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range maxStmts {
				st, done, err := c.get(ctx, ws.DB(), fmt.Sprintf("SELECT %d + ?", (i*8+g)%(3*maxStmts)))
				if err != nil {
					errs <- err
					return
				}
				var n int
				err = st.QueryRowContext(ctx, 1).Scan(&n)
				done()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
