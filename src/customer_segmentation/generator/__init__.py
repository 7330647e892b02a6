"""Synthetic raw-contract data with planted personas, campaign uplift and faults.

Entry point: ``generate(GeneratorConfig(out=...))``; ``scripts/generate_data.py``
is the command-line shell around it.
"""

from .config import GeneratorConfig
from .pipeline import generate

__all__ = ["GeneratorConfig", "generate"]
