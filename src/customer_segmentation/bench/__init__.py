"""The scale benchmark (`make bench`, scripts/bench.py).

- data: generate a raw-contract Parquet data set once (cached) and split off its
  last day of orders, to be appended for the incremental build;
- baselines: RFM straight from the raw Parquet files in one DuckDB query (the
  pandas baseline is customer_segmentation.rfm_reference);
- steps: each measured step, run in a child process (child.py) so that wall time
  and peak memory are the step's own;
- report: the table, the ratios, the agreement checks, JSON and Markdown;
- runner: the whole run, with progress.
"""
