"""A participant's kernel and server, smaller: work that dependencies do at import and most processes never use is
done on first use instead, and heap a bulk job freed goes back to the system. Light on purpose: no shiplab imports.

Measured with ``bench/memory.py`` (one participant's server and kernel after lab 4's and lab 5's set-up cells):

- :func:`defer_iri_grammar` — ``jsonschema`` (imported by chromadb, nbformat, jupyter_events) imports
  ``rfc3987_syntax`` when it is installed (it is: jupyter-events asks for ``jsonschema[format-nongpl]``), and that
  module compiles an Earley grammar of RFC 3987 at import: ~15 MB of heap (~21 MB with ``lark``) and ~1 s of CPU in
  every process, for the ``iri``/``iri-reference`` format checks that only a validator given a ``FormatChecker``
  ever runs. The module is put in place unexecuted, with a stand-in ``is_valid_syntax`` that runs it on first call:
  the checks give the same answers, the grammar is compiled by the first process that checks an IRI.
- :func:`release_freed_memory` — what a bulk job (parsing 42 PDF/DOCX/HTML documents, an ingest's JSON) frees goes
  back to glibc's allocator, which keeps it in the process; part of it is cyclic and waits for a collection first.
  A young-generation collection and ``malloc_trim(0)`` hand the free pages back: ~10 MB after lab 4's set-up, in
  ~5 ms. Only the collection where the C library has no ``malloc_trim`` (musl, macOS).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import importlib.util
import sys
import threading

IRI_MODULE = "rfc3987_syntax"


def defer_iri_grammar() -> bool:
    """Make ``import rfc3987_syntax`` cheap until an IRI is checked; True when deferred (False: already imported,
    not installed, or not a module this knows). Call it before ``jsonschema`` is first imported."""
    if IRI_MODULE in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(IRI_MODULE)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return False
    module = importlib.util.module_from_spec(spec)
    lock = threading.RLock()
    state = {"loaded": False}

    def load():
        with lock:
            if not state["loaded"]:
                state["loaded"] = True
                for name in stand_ins:
                    module.__dict__.pop(name, None)
                try:
                    spec.loader.exec_module(module)
                except BaseException:  # as after a failed import: the next use tries again
                    state["loaded"] = False
                    module.__dict__.update(stand_ins)
                    raise
        return module

    def is_valid_syntax(term, value):
        return load().is_valid_syntax(term, value)

    def parse(term, value):
        return load().parse(term, value)

    def __getattr__(name):  # any other name (PEP 562): run the real module, then answer from it
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return load().__dict__[name]
        except KeyError:
            raise AttributeError(f"module {IRI_MODULE!r} has no attribute {name!r}") from None

    for stand_in in (is_valid_syntax, parse):
        stand_in.__module__, stand_in.__qualname__ = IRI_MODULE, stand_in.__name__
    stand_ins = {"is_valid_syntax": is_valid_syntax, "parse": parse, "__getattr__": __getattr__}
    module.__dict__.update(stand_ins)
    sys.modules[IRI_MODULE] = module
    return True


@functools.cache
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Free the young cyclic garbage a bulk job left (a parsed PDF's or DOCX's object graph is cyclic: without this
    it waits for the next collection), then give the heap pages the process has freed back to the system (glibc
    ``malloc_trim(0)``); a few milliseconds. True when the C library could trim."""
    gc.collect(1)  # generations 0 and 1 only: ~5 ms, where a full collection of a kernel's heap takes ~100 ms
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
