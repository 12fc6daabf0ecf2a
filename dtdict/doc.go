// Package dtdict answers the DT-DICT declarations a commune receives as a
// network operator: it reads the one-stop shop's XML (declaration.go,
// read*.go), computes the legal due date (deadline.go), finds which of our
// networks lie in the works zone (analysis.go), writes the answer — the
// récépissé (cerfa 14435), the plans and the vector files — and keeps the
// register of declarations received (register.go), a synced layer.
//
// It sits beside package report (whose selection it reuses) on top of
// store, store/formats and internal/paper; app and cmd/terrimap use it.
package dtdict
