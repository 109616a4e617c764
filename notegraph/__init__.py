"""notegraph: a learner's study notes in, a knowledge graph of concepts and days out."""

__version__ = "0.1.0"
