package pgstore

import (
	"fmt"

	"terrimap/sync/protocol"
)

// versionKey names a version of a feature.
type versionKey struct {
	featureKey
	version int64
}

// ReadAhead reads at once what a push's changes will ask the transaction
// (see server's aheadReader): the answers already given to them, then,
// holding the feed lock, the captured direct edits of their features
// settled into versions, the features' current states and their base
// versions — a few queries per layer instead of several round trips per
// change. Feature and FeatureVersion answer from what it read; what the
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
	if err := t.lockFeed(); err != nil {
		return err
	}
	if t.ahead == nil {
		t.ahead = map[featureKey]protocol.FeatureState{}
		t.aheadVersions = map[versionKey]protocol.FeatureState{}
	}
	for _, l := range layers {
		if err := t.settle(l, ids[l]); err != nil {
			return err
		}
		states, err := currentFeatures(t.ctx, t.tx, l, uuids[l])
		if err != nil {
			return fmt.Errorf("pgstore: read ahead %s: %w", l.name(), err)
		}
		for i, id := range ids[l] {
			t.ahead[featureKey{l.name(), id}] = states[uuids[l][i]]
		}
		if err := t.readAheadVersions(l, bases[l]); err != nil {
			return err
		}
	}
	return nil
}

// readAheadVersions reads the given versions of a layer's features in one
// query; those that do not exist are kept as zero states.
func (t *writeTx) readAheadVersions(l *layerDef, keys []versionKey) error {
	if len(keys) == 0 {
		return nil
	}
	uuids := make([][16]byte, 0, len(keys))
	versions := make([]int64, 0, len(keys))
	for _, k := range keys {
		u, _ := parseUUID(k.id)
		uuids, versions = append(uuids, u), append(versions, k.version)
		t.aheadVersions[k] = protocol.FeatureState{}
	}
	rows, err := t.tx.Query(t.ctx, `SELECT v.uuid, v.version, v.op, v.properties::text, ST_AsEWKB(v.geom)
		FROM terrimap.versions v JOIN unnest($2::uuid[], $3::bigint[]) AS w(u, n) ON v.uuid = w.u AND v.version = w.n
		WHERE v.layer = $1`, l.name(), uuids, versions)
	if err != nil {
		return fmt.Errorf("pgstore: read ahead versions of %s: %w", l.name(), err)
	}
	defer rows.Close()
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
}
