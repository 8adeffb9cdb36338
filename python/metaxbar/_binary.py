"""Finding the metaxbar binary and running it."""

import os
import shutil
import subprocess

PREFIX = "metaxbar: error: "


class MetaxbarError(RuntimeError):
    """A metaxbar command failed. str(error) is the command line's one-line message;
    .command, .returncode, .stdout and .stderr say the rest."""

    def __init__(self, message, command=None, returncode=None, stdout="", stderr=""):
        super().__init__(message)
        self.message = message
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def _installed_binary():
    try:
        from . import _install  # written by `cmake --install`
    except ImportError:
        return None
    path = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), _install.BINARY_FROM_PACKAGE))
    return path if os.access(path, os.X_OK) else None


def binary():
    """The metaxbar executable this package drives."""
    override = os.environ.get("METAXBAR_BINARY")
    if override:
        if not os.access(override, os.X_OK):
            raise MetaxbarError(f"METAXBAR_BINARY: '{override}' is not an executable file")
        return override
    found = _installed_binary() or shutil.which("metaxbar")
    if not found:
        raise MetaxbarError("cannot find the metaxbar binary: set METAXBAR_BINARY, install metaxbar with "
                            "`cmake --install`, or put it on PATH")
    return found


def error_line(stderr, stdout=""):
    """The command line's own message: its 'metaxbar: error:' line, else its last words."""
    for text in (stderr, stdout):
        for line in text.splitlines():
            if line.startswith(PREFIX):
                return line[len(PREFIX):]
    for text in (stderr, stdout):
        lines = [line for line in text.splitlines() if line.strip()]
        if lines:
            return lines[-1].strip()
    return "no output"


def call(args, cwd=None):
    """Runs `metaxbar ARGS...`; returns its stdout, or raises MetaxbarError."""
    command = [binary()] + [str(a) for a in args]
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    proc = subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        raise MetaxbarError(error_line(proc.stderr, proc.stdout), command, proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout


def version():
    """'metaxbar VERSION (commit HASH)' of the binary in use."""
    return call(["--version"]).strip()
