#!/usr/bin/python3
"""Oracle for pyup's reStructuredText validator.

Renders each input exactly as PyPI does (readme_renderer.rst.render, which
runs docutils with halt_level=2 and readme_renderer's own settings) and
prints one JSON line per input:

  {"file": F, "ok": B, "level": L, "line": N, "message": M}

ok is readme_renderer's verdict (render() returned None = fail). For a
failure, level/line/message describe the system message that halted
docutils (the first one at WARNING/2 or above): level is WARNING, ERROR or
SEVERE, line is docutils' line number (0 when docutils gives none) and
message is the text of the message's first paragraph, exactly as docutils
words it (it may contain newlines; the source excerpt docutils attaches as
a literal block is not included). A failure without a system message is an
empty rendering: level "" and message "No content rendered from RST
source.". An exception other than docutils' SystemMessage (a docutils bug)
is reported as ok false, level "EXCEPTION", message "<Type>: <text>".

Usage (Debian's interpreter, which has python3-readme-renderer):
  /usr/bin/python3 scripts/rst-oracle.py FILE...
  /usr/bin/python3 scripts/rst-oracle.py --stdin   < {"file":..,"src":..} lines
  /usr/bin/python3 scripts/rst-oracle.py --version

PYTHONPATH may put other docutils/readme_renderer sources first (see
scripts/rst-label.sh --pypi-stack), to label with the versions PyPI runs.

Files are read as bytes and decoded as strict UTF-8 (a BOM is kept as
U+FEFF, CRLF is not translated), the way Warehouse receives a description
as a form field. Use --relative-to DIR to print file names relative to DIR.
"""

import io
import json
import os
import sys

try:
    import docutils
    import docutils.nodes
    import docutils.parsers.rst.roles
    import docutils.utils
    import readme_renderer
    import readme_renderer.rst
except ImportError as err:  # pragma: no cover
    sys.stderr.write(
        "rst-oracle: %s\n"
        "rst-oracle: run it with Debian's /usr/bin/python3 after\n"
        "  apt-get install -y python3-readme-renderer python3-docutils\n" % err
    )
    sys.exit(2)

EMPTY = "No content rendered from RST source."

_halting = []  # system_message nodes raised as SystemMessage, newest last
_orig_system_message = docutils.utils.Reporter.system_message


def _recording_system_message(self, level, message, *children, **kwargs):
    if level >= self.halt_level:
        # SystemMessage only carries the node's astext(): keep the call's
        # arguments so the message text can be reported unprefixed.
        try:
            return _orig_system_message(self, level, message, *children, **kwargs)
        except docutils.utils.SystemMessage as exc:
            _halting.append((exc, level, message, kwargs))
            raise
    return _orig_system_message(self, level, message, *children, **kwargs)


docutils.utils.Reporter.system_message = _recording_system_message


def check(src):
    """Return (ok, level, line, message) for an RST source string."""
    del _halting[:]
    # docutils keeps roles a document defines (the role and default-role
    # directives) for the rest of the process: forget them, so each input
    # is rendered as it would be alone, as on PyPI.
    docutils.parsers.rst.roles._roles.clear()
    stream = io.StringIO()
    try:
        rendered = readme_renderer.rst.render(src, stream=stream)
    except Exception as err:  # a docutils bug: Warehouse would fail too
        return False, "EXCEPTION", 0, "%s: %s" % (type(err).__name__, err)
    if rendered is not None:
        return True, "", 0, ""
    if not _halting:
        return False, "", 0, EMPTY
    exc, level, message, _ = _halting[-1]
    # The exception text is system_message.astext():
    #   "<source>:<line>: (<TYPE>/<level>) <element text>"
    # Parse source/line back out of it to get docutils' own line number.
    text = str(exc)
    line = 0
    head, sep, _rest = text.partition(": (")
    if sep:
        num = head.rsplit(":", 1)[-1]
        if num.isdigit():
            line = int(num)
    if isinstance(message, Exception):
        message = str(message)
    levelname = docutils.utils.Reporter.levels[level]
    return False, levelname, line, message


def record(name, src):
    ok, level, line, message = check(src)
    return {"file": name, "ok": ok, "level": level, "line": line,
            "message": message}


def main(argv):
    rel = None
    args = []
    stdin_mode = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--stdin":
            stdin_mode = True
        elif a == "--version":
            print(versions())
            return 0
        elif a == "--relative-to":
            i += 1
            rel = argv[i]
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(a)
        i += 1
    out = sys.stdout
    if stdin_mode:
        for raw in sys.stdin:
            raw = raw.strip()
            if not raw:
                continue
            req = json.loads(raw)
            out.write(json.dumps(record(req.get("file", ""), req["src"]),
                                 ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
        return 0
    status = 0
    for path in args:
        with open(path, "rb") as f:
            data = f.read()
        try:
            src = data.decode("utf-8")
        except UnicodeDecodeError as err:
            sys.stderr.write("rst-oracle: %s: not UTF-8: %s\n" % (path, err))
            status = 1
            continue
        name = os.path.relpath(path, rel) if rel else path
        out.write(json.dumps(record(name, src), ensure_ascii=False, separators=(",", ":")) + "\n")
    return status


def versions():
    """Describe the docutils and readme_renderer actually imported."""
    rr = getattr(readme_renderer, "__version__", None)
    if rr is None:
        rr_dir = os.path.dirname(os.path.abspath(readme_renderer.__file__))
        if rr_dir.startswith("/usr/lib/python3/"):
            try:
                from importlib.metadata import version
                rr = version("readme_renderer")
            except Exception:
                rr = "unknown"
        else:
            rr = "from " + rr_dir
    return "docutils %s, readme_renderer %s" % (docutils.__version__, rr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
