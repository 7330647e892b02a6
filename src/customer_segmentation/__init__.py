"""Python logic of the customer-segmentation warehouse.

Scripts in ``scripts/`` and dbt Python models are thin shells over this package.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
