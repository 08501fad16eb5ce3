// Package upload publishes Python distributions to PyPI and PyPI-compatible
// indexes through the legacy upload API (the one twine, uv and flit use).
//
// A Client streams each file as a multipart/form-data body of known length:
// the form fields are encoded up front, the file is read from disk while it
// is sent, so a file of any size costs a few hundred KiB of memory. Uploads
// are retried at the operation level (the file is reopened for every
// attempt), a watchdog cancels attempts on which no bytes move, and the
// answers indexes give for a file they already hold are recognised and
// settled by comparing hashes through the index's simple API, so that
// re-running a publish job is safe.
//
// The package never reads the environment or writes to the terminal: the
// caller supplies credentials (Credentials), draws progress (WithProgress)
// and decides what to print from Result and the typed errors.
package upload
