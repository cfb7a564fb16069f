"""shiplab: hands-on AI workshops on JupyterHub that end in shipped features."""

from shiplab.footprint import defer_iri_grammar

__version__ = "0.1.0"

# before anything imports jsonschema (chromadb, shiplab.settings): ~15 MB and ~1 s less in each process that imports
# shiplab first, a lab's kernel among them; the IRI format checks answer as before (shiplab.footprint)
defer_iri_grammar()
