"""Embedding models behind one registry (see registry.py), and the two built-ins.

A new embedder: a subclass of `Embedder` (a `name`, a `dim`, `passage_vectors` and
`query_vector`), registered with `register_embedder` as the built-ins are below. Its spec is
then valid in VRAAGBAAK_EMBEDDING.
"""

from ingest.embedders.e5 import E5_NAME, E5Embeddings
from ingest.embedders.registry import Embedder, get_embeddings, register_embedder
from ingest.embedders.sentence_transformer import ST_PREFIX, SentenceTransformerEmbeddings

__all__ = ["Embedder", "get_embeddings", "register_embedder"]

register_embedder(E5_NAME, lambda _: E5Embeddings(), usage=repr(E5_NAME))
register_embedder(
    ST_PREFIX.rstrip(":"),
    SentenceTransformerEmbeddings,
    takes_argument=True,
    usage=f"'{ST_PREFIX}<local model dir or name>'",
)
