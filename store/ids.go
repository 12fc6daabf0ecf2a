package store

import "github.com/google/uuid"

// NewID returns a new feature or change identifier: a version 7 UUID,
// unique without asking anyone (made offline) and ordered by creation
// time, so that indexes on it grow at their end rather than everywhere.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
