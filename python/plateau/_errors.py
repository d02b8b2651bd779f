"""The exceptions plateau raises. Every one is a :class:`plateau.Error` carrying the
C library's message, and also a subclass of the built-in exception that fits, so
``except ValueError`` keeps working in code that does not know plateau."""
from __future__ import annotations

from . import _core


class Error(Exception):
    """Base class of every error plateau raises; ``str(e)`` is the library's message."""


class InvalidInputError(Error, ValueError):
    """An invalid argument: a wrong qubit count, a NaN parameter, an unknown name."""


class OutOfMemoryError(Error, MemoryError):
    """The work would not fit in the memory limit (:func:`plateau.set_memory_limit`)."""


class FileError(Error, OSError):
    """A file could not be read or written."""


class ParseError(InvalidInputError):
    """Malformed text: OpenQASM, a Pauli sum, numbers."""


class UnsupportedError(InvalidInputError):
    """Valid input that plateau does not run (e.g. mid-circuit measurement)."""


class InternalError(Error, RuntimeError):
    """A bug in plateau; please report it with the message."""


_core._register_errors(Error, InvalidInputError, OutOfMemoryError, FileError, ParseError,
                       UnsupportedError, InternalError)
