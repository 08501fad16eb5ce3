//go:build !unix

package upload

const syscallNonblock = 0
