package store

// derive brings the tables derived from the features — kept in the
// workspace beside them, as the GeoPackage R*Tree is — up to date with the
// rows this transaction wrote (tx.writtenRows, tx.indexOps), inside the
// transaction and before it commits: a reader, in this process or another,
// never sees a feature without what is derived from it, and a crash loses
// both or neither. Each step reads what the transaction wrote and updates
// its own tables only.
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
