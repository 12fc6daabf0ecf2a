package pgstore

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
)

// versionKey names a version of a feature.
type versionKey struct {
	featureKey
	version int64
}

// ReadAhead reads at once what a push's changes will ask the transaction
// (see server's aheadReader): the answers already given to them; then,
// in one round trip, the feed lock and the features' current states and
// base versions; then the captured direct edits of those features settled
// into versions — instead of several round trips per change. Feature and FeatureVersion answer from what it read; what the
// transaction writes afterwards still comes first.
func (t *writeTx) ReadAhead(user string, changes []protocol.PushChange) error {
	changeIDs := make([]string, len(changes))
	for i, c := range changes {
		changeIDs[i] = c.ChangeID
	}
	if err := t.readAheadPushes(user, changeIDs); err != nil {
		return err
	}
	var layers []*layerDef
	ids := map[*layerDef][]string{}
	uuids := map[*layerDef][][16]byte{}
	bases := map[*layerDef][]versionKey{}
	seen := map[featureKey]bool{}
	for _, c := range changes {
		l, err := t.layer(c.Layer)
		if err != nil {
			continue // an unknown layer: the push refuses the change
		}
		u, ok := parseUUID(c.ID)
		if !ok {
			continue
		}
		k := featureKey{l.name(), c.ID}
		if c.Op != protocol.OpCreate && c.BaseVersion > 0 {
			bases[l] = append(bases[l], versionKey{k, c.BaseVersion})
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, ok := ids[l]; !ok {
			layers = append(layers, l)
		}
		ids[l] = append(ids[l], c.ID)
		uuids[l] = append(uuids[l], u)
	}
	if len(layers) == 0 {
		return nil
	}
	if t.ahead == nil {
		t.ahead = map[featureKey]protocol.FeatureState{}
		t.aheadVersions = map[versionKey]protocol.FeatureState{}
	}
	// The feed lock and every read go in one round trip: the reads run
	// once the lock is granted.
	b := &pgx.Batch{}
	t.queueLockFeed(b)
	scans := make([]*currentScan, len(layers))
	for i, l := range layers {
		scans[i] = &currentScan{l: l}
		b.Queue(currentFeaturesQuery(l), l.name(), uuids[l]).Query(scans[i].scan)
		t.queueAheadVersions(b, l, bases[l])
	}
	if err := t.tx.SendBatch(t.ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: read ahead: %w", err)
	}
	for i, l := range layers {
		states, err := scans[i].resolve(t.ctx, t.tx)
		if err != nil {
			return fmt.Errorf("pgstore: read ahead %s: %w", l.name(), err)
		}
		for j, id := range ids[l] {
			t.ahead[featureKey{l.name(), id}] = states[uuids[l][j]]
		}
		// Direct edits captured but not yet versions become versions now;
		// they come before what was read ahead (pending versions first).
		if err := t.settle(l, ids[l]); err != nil {
			return err
		}
	}
	return nil
}

// queueAheadVersions queues the reading of the given versions of a
// layer's features; those that do not exist are kept as zero states.
func (t *writeTx) queueAheadVersions(b *pgx.Batch, l *layerDef, keys []versionKey) {
	if len(keys) == 0 {
		return
	}
	uuids := make([][16]byte, 0, len(keys))
	versions := make([]int64, 0, len(keys))
	for _, k := range keys {
		u, _ := parseUUID(k.id)
		uuids, versions = append(uuids, u), append(versions, k.version)
		t.aheadVersions[k] = protocol.FeatureState{}
	}
	b.Queue(`SELECT v.uuid, v.version, v.op, v.properties::text, ST_AsEWKB(v.geom)
		FROM terrimap.versions v JOIN unnest($2::uuid[], $3::bigint[]) AS w(u, n) ON v.uuid = w.u AND v.version = w.n
		WHERE v.layer = $1`, l.name(), uuids, versions).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			r := storedVersion{layer: l.name()}
			if err := rows.Scan(&r.uuid, &r.version, &r.op, &r.props, &r.geom); err != nil {
				return fmt.Errorf("pgstore: read ahead versions of %s: %w", l.name(), err)
			}
			st, err := r.state(&l.rec.Schema)
			if err != nil {
				return err
			}
			t.aheadVersions[versionKey{featureKey{l.name(), formatUUID(r.uuid)}, r.version}] = st
		}
		return rows.Err()
	})
}
