package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// listener is the capture worker's own connection, listening on
// captureChannel; a nil listener only sleeps (the worker then polls).
type listener struct {
	conn *pgx.Conn
}

// listen opens a connection outside the pool (a LISTEN must not go back
// to it) and listens on captureChannel.
func (s *Storage) listen(ctx context.Context) (*listener, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("pgstore: listen: %w", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+captureChannel); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("pgstore: listen: %w", err)
	}
	return &listener{conn: conn}, nil
}

// notifyGather is how long wait keeps reading notifications after the
// first: a bulk edit of many rows notifies once per row and commit.
const notifyGather = 20 * time.Millisecond

// wait returns at the first notification, or after d: an error only when
// the connection broke.
func (l *listener) wait(ctx context.Context, d time.Duration) error {
	if l == nil {
		sleep(ctx, d)
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	_, err := l.conn.WaitForNotification(wctx)
	cancel()
	if err != nil {
		if ctx.Err() != nil || (wctx.Err() != nil && !l.conn.IsClosed()) {
			return nil
		}
		return fmt.Errorf("pgstore: listen: %w", err)
	}
	// Read the notifications already sent, so that the next wait does not
	// return at once for an edit this pass will settle.
	for {
		gctx, cancel := context.WithTimeout(ctx, notifyGather)
		_, err := l.conn.WaitForNotification(gctx)
		cancel()
		if err != nil {
			if l.conn.IsClosed() && ctx.Err() == nil {
				return fmt.Errorf("pgstore: listen: %w", err)
			}
			return nil
		}
	}
}

// close closes the listening connection.
func (l *listener) close() {
	if l != nil {
		l.conn.Close(context.Background())
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
