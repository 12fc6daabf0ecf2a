package store

// derive brings the tables derived from the features — kept in the
// workspace beside them, as the GeoPackage R*Tree is — up to date with the
// rows this transaction wrote (tx.writtenRows, tx.indexOps), inside the
// transaction and before it commits: a reader, in this process or another,
// never sees a feature without what is derived from it, and a crash loses
// both or neither. Each step reads what the transaction wrote and updates
// its own tables only.
//
// A bulk load past bulkThreshold rows (bulkCreate, bulkload.go) is the one
// writer that keeps the derived tables itself, as it writes, so that its
// cost and memory do not grow by a row held until the commit: it records
// its rows as fid ranges (tx.bulkRows), packs or fills the R*Tree itself,
// indexes the rows' text from the features in hand (searchtext_bulk.go) —
// or, past reindexInTx rows, leaves them to BuildSearchText
// (tx.searchLater, as for a large layer whose fields changed) — marks the
// overview pieces under them dirty (tx.bulkDirty), and has the layer's
// in-memory tree read again after the commit (tx.reloadIndex). The steps
// below see its rows only through those fields.
func (tx *Tx) derive() error {
	for _, step := range tx.ws.derivedSteps() {
		if err := step(tx); err != nil {
			return err
		}
	}
	return nil
}

// derivedSteps lists the steps that keep derived tables in step with the
// features, in the order they run. Each package of the store that keeps
// such a table adds its step here.
func (ws *Workspace) derivedSteps() []func(*Tx) error {
	if ws.noSearchText.Load() {
		return []func(*Tx) error{(*Tx).overviewStep}
	}
	return []func(*Tx) error{
		(*Tx).deriveSearchText,
		(*Tx).overviewStep,
	}
}
