"""Segment dashboard: `make dashboard` (streamlit run dashboard/app.py).

Thin shell: the pages are in customer_segmentation.dashboard.app, the numbers in
customer_segmentation.dashboard.views. Reads only the published Parquet copy of
the marts (PUBLISHED_MARTS_DIR, default data/published/current).
"""

from customer_segmentation.dashboard.app import main

main()
