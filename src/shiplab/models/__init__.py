"""The local models shiplab runs without a download, in a room below the labs' retrieval (``rag``) and the model
gateway, which both use them: :mod:`shiplab.models.minilm`, the embedding model."""
