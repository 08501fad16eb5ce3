// Package credential finds the username and password (or API token) pyup
// uses to talk to a package index. It is the one resolver shared by
// pyup upload and pyup whoami; pyup login/logout write the keyring through
// its KeyringStore.
//
// A Resolver is an ordered list of Providers; Resolve asks each in turn and
// stops at the first that yields a credential. DefaultProviders, pyup's
// order, are:
//
//  1. explicit credentials the command line gathered (flags, environment,
//     URL userinfo, .pypirc), in the caller's precedence order;
//  2. trusted publishing: an ID token from the CI provider exchanged for a
//     short-lived PyPI token, re-minted when it nears expiry;
//  3. the operating system keyring, with twine's layout (service = upload
//     URL, user = username), every call bounded by a timeout;
//  4. an interactive prompt, only when the caller says the session is
//     interactive.
//
// Secrets travel as the Secret type, which prints itself masked. No error,
// Report or String method in this package contains a secret.
//
// A provider for another place lives in its own package, implements
// Provider, and joins the list where the caller builds it (WithProviders):
// pyup's private indexes' providers (subpackages gcp, codeartifact, azure,
// gitlab and artifactory) sit between trusted publishing and the keyring,
// each chosen by the repository URL's host alone. FromKeyringCommand runs
// Python's keyring command instead of reading the OS keyring.
//
// The package reads no environment variables and touches no terminal: the
// caller injects the environment lookup, the prompt, the keyring and the
// trusted publisher as options.
package credential
