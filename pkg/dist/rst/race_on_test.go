//go:build race

package rst

const raceEnabled = true
